/**
 * The embedded store: migrations at open, readiness, and the exclusive lock that
 * refuses a second process with a clear message (two PGlite processes on one data
 * dir silently lose writes, shared/STACK.md).
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { spawnTs } from '../../test/helpers/child.ts';
import { openTestStore, tempDir, testBackends } from '../../test/helpers/db.ts';
import { openStore, storeReady } from './store.ts';

describe('embedded store lock', () => {
  it('refuses a second process with a clear STORE_LOCKED message, and opens once the holder is gone', async () => {
    const dataDir = tempDir();
    const holder = spawnTs('test/helpers/hold-store.ts', { INTAKE_DATA_DIR: dataDir });
    await holder.waitFor(/^READY/, 60_000);
    try {
      const error = await openStore({ dataDir }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: 'STORE_LOCKED' });
      const message = (error as Error).message;
      expect(message).toContain(`process ${holder.proc.pid}`);
      expect(message).toContain('only one process may open it');
      expect(message).toContain('DATABASE_URL');
    } finally {
      holder.proc.kill('SIGKILL');
      await holder.exited;
    }
    // The holder died without releasing: its stale lock is taken over.
    const store = await openStore({ dataDir });
    expect(await storeReady(store)).toBe(true);
    await store.close();
  });

  it('refuses a second opener in the same process too', async () => {
    const dataDir = tempDir();
    const first = await openStore({ dataDir });
    await expect(openStore({ dataDir })).rejects.toMatchObject({ code: 'STORE_LOCKED' });
    await first.close();
    const again = await openStore({ dataDir });
    await again.close();
  });
});

describe.each(testBackends())('store on %s', (backend) => {
  it('applies the migrations and reports ready', async () => {
    const store = await openTestStore(backend);
    try {
      expect(await storeReady(store)).toBe(true);
      const rows = await store.query<{ n: number }>(sql`select count(*)::int as n from documents`);
      expect(rows).toEqual([{ n: 0 }]);
    } finally {
      await store.close();
    }
  });
});
