/**
 * `intake users` and `intake audit` through the real executable: the token
 * printed once authenticates (only its hash is stored), `audit verify` passes on
 * an intact trail and exits 1 after a row is edited behind the trigger's back.
 * Runs on PostgreSQL when TEST_DATABASE_URL is set, else on an embedded store.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresAvailable, tempDir } from '../../../test/helpers/db.ts';
import { openStore, type Store } from '../../store/store.ts';
import { authenticateToken } from '../../review/users.ts';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../../../bin/intake.js');

describe('intake users / intake audit', () => {
  const dataDir = tempDir('intake-cli-');
  let databaseUrl: string | undefined;
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    if (postgresAvailable()) {
      const db = await createTestDatabase();
      databaseUrl = db.url;
      drop = db.drop;
    }
  });
  afterAll(async () => {
    await drop?.();
  });

  const env = () => ({
    ...process.env,
    INTAKE_DATA_DIR: dataDir,
    INTAKE_ENCRYPTION_KEY: 'ab'.repeat(32),
    DATABASE_URL: databaseUrl ?? '',
    LOG_LEVEL: 'warn',
  });
  const intake = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: env(), timeout: 120_000 });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  };
  const withStore = async <T>(fn: (s: Store) => Promise<T>): Promise<T> => {
    const store = await openStore({ databaseUrl, dataDir });
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  };

  it('adds users with a one-time token, verifies the chain, and detects an edited row', async () => {
    const added = await intake('users', 'add', 'alice', '--role', 'admin', '--json');
    expect(added.code, added.stderr).toBe(0);
    const { token, role } = JSON.parse(added.stdout) as { token: string; role: string };
    expect(role).toBe('admin');
    expect((await intake('users', 'add', 'bob', '--role', 'boss')).code).toBe(2);
    expect((await intake('users', 'revoke', 'nobody')).code).toBe(1);

    const head = await intake('audit', 'head');
    expect(head.stdout.trim()).toMatch(/^[0-9a-f]{64}$/);
    const ok = await intake('audit', 'verify', '--anchor', head.stdout.trim());
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/audit chain ok: 1 events/);

    await withStore(async (store) => {
      expect((await authenticateToken(store.db, token))?.name).toBe('alice');
      const rows = await store.query<{ token_hash: string }>(sql`select token_hash from api_users`);
      expect(rows.map((r) => r.token_hash)).not.toContain(token);
      await store.query(sql`alter table audit_events disable trigger audit_events_no_update_delete`);
      await store.query(sql`update audit_events set actor = 'cli:mallory'`);
    });
    const broken = await intake('audit', 'verify');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/audit chain broken at event \d+ \(hash_mismatch\)/);
  }, 300_000);
});
