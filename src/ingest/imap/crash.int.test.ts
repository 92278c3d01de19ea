/**
 * Issue 6: a SIGKILL between storing a message's documents and moving it, or at
 * any moment of a backlog, loses nothing and duplicates nothing on restart. The
 * poller runs in a child process (test/helpers/imap-poller-child.ts) on a real
 * Dovecot and a store that outlives it (PostgreSQL when TEST_DATABASE_URL is set,
 * an embedded data dir otherwise).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresAvailable, tempDir } from '../../../test/helpers/db.ts';
import { startDovecot, type Dovecot } from '../../../test/helpers/dovecot.ts';
import { buildMessage, fakePdf, waitFor } from '../../../test/helpers/ingest.ts';
import { openStore, type Store } from '../../store/store.ts';

const CHILD = path.resolve(import.meta.dirname, '../../../test/helpers/imap-poller-child.ts');

let dovecot: Dovecot;
let dataDir: string;
let databaseUrl: string | undefined;
let dropDatabase: (() => Promise<void>) | undefined;
const key = crypto.randomBytes(32).toString('hex');

beforeAll(async () => {
  dovecot = await startDovecot();
  dataDir = tempDir('intake-crash-');
  if (postgresAvailable()) {
    const db = await createTestDatabase();
    databaseUrl = db.url;
    dropDatabase = db.drop;
  }
});

afterAll(async () => {
  await dovecot?.destroy();
  await dropDatabase?.();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

function startChild(user: string, extra: Record<string, string> = {}): ChildProcess {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    ...dovecot.configEnv(),
    IMAP_USER: user,
    IMAP_POLL_INTERVAL_MS: '200',
    IMAP_BACKOFF_BASE_MS: '50',
    IMAP_BACKOFF_MAX_MS: '500',
    INTAKE_DATA_DIR: path.join(dataDir, user),
    INTAKE_ENCRYPTION_KEY: key,
    LOG_LEVEL: 'silent',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...extra,
  };
  // One process (node with the tsx loader), so signals reach the poller itself.
  return spawn(process.execPath, ['--import', 'tsx', CHILD], { env, stdio: ['ignore', 'pipe', 'inherit'], cwd: path.resolve(import.meta.dirname, '../../..') });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

async function counts(user: string): Promise<{ inbox: number; processed: number }> {
  const c = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user, pass: dovecot.password }, logger: false });
  c.on('error', () => {});
  await c.connect();
  try {
    const list = await c.list();
    const inboxStatus = await c.status('INBOX', { messages: true });
    const inbox = (inboxStatus && inboxStatus.messages) || 0;
    const processedStatus = list.some((m) => m.path === 'Processed') ? await c.status('Processed', { messages: true }) : false;
    const processed = (processedStatus && processedStatus.messages) || 0;
    return { inbox, processed };
  } finally {
    await c.logout().catch(() => c.close());
  }
}

async function appendMany(user: string, n: number): Promise<string[]> {
  const c = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user, pass: dovecot.password }, logger: false });
  c.on('error', () => {});
  await c.connect();
  const hashes: string[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const pdf = fakePdf(`${user}-${i}`, 2_000);
      hashes.push(crypto.createHash('sha256').update(pdf).digest('hex'));
      await c.append('INBOX', await buildMessage({ subject: `m${i}`, messageId: `<${user}-${i}@x>`, attachments: [{ filename: `${i}.pdf`, content: pdf }] }));
    }
  } finally {
    await c.logout().catch(() => c.close());
  }
  return hashes;
}

/** Runs the child until the inbox is empty, then stops it cleanly. */
async function drain(user: string): Promise<void> {
  const child = startChild(user);
  try {
    await waitFor(async () => (await counts(user)).inbox === 0, 60_000, 'inbox drained');
  } finally {
    child.kill('SIGTERM');
    const end = await exited(child);
    expect(end.code).toBe(0);
  }
}

async function withStore<T>(user: string, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ databaseUrl, dataDir: path.join(dataDir, user) });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function verify(user: string, hashes: string[]): Promise<void> {
  expect(await counts(user)).toEqual({ inbox: 0, processed: hashes.length });
  await withStore(user, async (store) => {
    const docs = await store.query<{ sha256: string }>(sql`select sha256 from documents where source = 'imap'`);
    const mine = docs.map((d) => d.sha256).filter((h) => hashes.includes(h));
    expect(new Set(mine).size).toBe(hashes.length);
    expect(mine.length).toBe(hashes.length);
    const messages = await store.query<{ status: string; n: number }>(
      sql`select status, count(*)::int as n from imap_messages group by status`,
    );
    expect(messages.filter((m) => m.status !== 'moved')).toEqual([]);
  });
}

describe(`imap poller crash safety on ${postgresAvailable() ? 'postgres' : 'pglite'}`, () => {
  it('SIGKILL between storing and moving: restart finishes the move, no loss, no duplicate', async () => {
    const user = `k${crypto.randomBytes(4).toString('hex')}`;
    const hashes = await appendMany(user, 5);
    const crashing = startChild(user, { CRASH_ON_MOVE: '3' });
    const end = await exited(crashing);
    expect(end.signal).toBe('SIGKILL');
    // Two messages moved, the third stored but still in the inbox.
    expect(await counts(user)).toEqual({ inbox: 3, processed: 2 });
    await withStore(user, async (store) => {
      const rows = await store.query<{ status: string }>(sql`select status from imap_messages order by uid`);
      expect(rows.map((r) => r.status)).toEqual(['moved', 'moved', 'stored']);
    });
    await drain(user);
    await verify(user, hashes);
    await withStore(user, async (store) => {
      // The crashed message was not received a second time: one receipt per document.
      const receipts = await store.query<{ n: number }>(sql`select count(*)::int as n from document_receipts where source = 'imap'`);
      expect(Number(receipts[0]?.n)).toBe(5);
    });
  });

  it('SIGKILL at an arbitrary moment of a backlog: restart loses nothing and duplicates nothing', async () => {
    const user = `r${crypto.randomBytes(4).toString('hex')}`;
    const hashes = await appendMany(user, 15);
    const child = startChild(user);
    await waitFor(async () => (await counts(user)).processed >= 5, 60_000, 'some progress');
    child.kill('SIGKILL');
    await exited(child);
    const mid = await counts(user);
    expect(mid.inbox).toBeGreaterThan(0);
    await drain(user);
    await verify(user, hashes);
  });
});
