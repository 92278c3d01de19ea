/**
 * Spawns a TypeScript helper script in a child process (through tsx) and waits for
 * lines on its stdout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

export interface Child {
  proc: ChildProcess;
  lines: string[];
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
  stderr(): string;
}

export function spawnTs(script: string, env: Record<string, string | undefined>, args: string[] = []): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.resolve(REPO_ROOT, script), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let err = '';
  const waiters: Array<() => void> = [];
  readline.createInterface({ input: proc.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const w of [...waiters]) w();
  });
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return {
    proc,
    lines,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          for (const l of lines) {
            const m = l.match(pattern);
            if (m) {
              cleanup();
              resolve(m);
              return true;
            }
          }
          return false;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern}; stderr: ${err.slice(-2000)}`));
        }, timeoutMs);
        const onExit = () => {
          if (!check()) {
            cleanup();
            reject(new Error(`child exited before ${pattern}; stderr: ${err.slice(-2000)}`));
          }
        };
        const cleanup = () => {
          clearTimeout(timer);
          waiters.splice(waiters.indexOf(check as never), 1);
          proc.off('exit', onExit);
        };
        if (check()) return;
        waiters.push(check as never);
        proc.on('exit', onExit);
      });
    },
  };
}
