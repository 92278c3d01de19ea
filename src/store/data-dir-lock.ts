/**
 * Exclusive lock on the embedded store's data directory. PGlite gives no error
 * when two processes open one data dir and silently loses writes
 * (shared/STACK.md), so the service refuses a second opener. The lock file holds
 * the owner's pid (and its HTTP port, so other commands can point at it); a lock
 * left by a dead process is taken over.
 */
import fs from 'node:fs';
import path from 'node:path';
import { IntakeError } from '../core/errors.ts';

export interface LockInfo {
  pid: number;
  port?: number;
  command?: string;
  since: string;
}

export interface DataDirLock {
  readonly path: string;
  /** Records the HTTP port of the owning `serve` process. */
  update(extra: Partial<LockInfo>): void;
  release(): void;
}

const LOCK_FILE = 'intake.lock';

/** Locks this process holds: a lock file naming our own pid is only ours if listed here
 * (in a container the service is often pid 1 after every restart). */
const heldHere = new Set<string>();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLock(dataDir: string): LockInfo | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')) as LockInfo;
  } catch {
    return null;
  }
}

export function lockedMessage(dataDir: string, owner: LockInfo | null): string {
  const who = owner ? `process ${owner.pid}${owner.command ? ` (intake ${owner.command})` : ''}` : 'another process';
  const via = owner?.port ? ` It serves http://127.0.0.1:${owner.port}: send work through its API, or stop it first.` : ' Stop it first.';
  return (
    `the embedded store in ${dataDir} is in use by ${who}; only one process may open it.${via}` +
    ' To run several processes, set DATABASE_URL to a shared PostgreSQL.'
  );
}

export function acquireDataDirLock(dataDir: string, command?: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, LOCK_FILE);
  let info: LockInfo = { pid: process.pid, since: new Date().toISOString(), ...(command ? { command } : {}) };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(lockPath, 'wx', 0o600);
      fs.writeSync(fd, JSON.stringify(info));
      fs.closeSync(fd);
      // Confirm we won a race with another process clearing a stale lock.
      if (readLock(dataDir)?.pid !== process.pid) continue;
      heldHere.add(lockPath);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        heldHere.delete(lockPath);
        process.off('exit', release);
        try {
          if (readLock(dataDir)?.pid === process.pid) fs.unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
      process.on('exit', release);
      return {
        path: lockPath,
        update(extra) {
          info = { ...info, ...extra };
          fs.writeFileSync(lockPath, JSON.stringify(info), { mode: 0o600 });
        },
        release,
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = readLock(dataDir);
      const ours = owner?.pid === process.pid;
      if (owner && ((ours && heldHere.has(lockPath)) || (!ours && processAlive(owner.pid)))) {
        throw new IntakeError('STORE_LOCKED', lockedMessage(dataDir, owner), { details: { pid: owner.pid } });
      }
      // Stale lock from a dead process (or unreadable): remove and retry.
      try {
        fs.unlinkSync(lockPath);
      } catch {
        /* raced with another cleaner */
      }
    }
  }
  throw new IntakeError('STORE_LOCKED', lockedMessage(dataDir, readLock(dataDir)));
}
