/**
 * Opens the service's PostgreSQL store through drizzle-orm: embedded PGlite under
 * the data dir by default, the postgres driver when DATABASE_URL is set. Applies
 * the generated migrations (drizzle/) at open, under an advisory lock so several
 * processes starting at once on one PostgreSQL do not race.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { IntakeError } from '../core/errors.ts';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.ts';
import { pgliteExtensions } from './pglite-extensions.ts';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type StoreKind = 'pglite' | 'postgres';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../drizzle');
const MIGRATION_LOCK_KEY = 0x1a7e_0001;

export interface Store {
  readonly kind: StoreKind;
  readonly db: Db;
  /** Runs raw SQL and returns its rows the same way on both drivers. */
  query<T = Record<string, unknown>>(statement: SQL): Promise<T[]>;
  /** The embedded store's lock (pglite only): lets `serve` record its port. */
  readonly lock: DataDirLock | null;
  /** A dump of the embedded store's data dir (pglite only; used for test templates). */
  dump?: () => Promise<Blob>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** postgres:// URL; when absent the embedded store under dataDir is used. */
  databaseUrl?: string | undefined;
  dataDir: string;
  poolSize?: number;
  /** Use an in-memory PGlite (tests). */
  memory?: boolean;
  /** Start the in-memory PGlite from a dump of a migrated store (tests: skips initdb). */
  template?: Blob;
  /** The command opening the store, recorded in the lock file. */
  command?: string;
  /** Skip migrations (a read-only tool). */
  migrate?: boolean;
}

function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options) : openPglite(options);
}

async function openPglite(options: OpenStoreOptions): Promise<Store> {
  const lock = options.memory ? null : acquireDataDirLock(options.dataDir, options.command);
  let client: PGlite;
  try {
    const dir = options.memory ? undefined : path.join(options.dataDir, 'pglite');
    if (dir) fs.mkdirSync(dir, { recursive: true });
    client =
      options.memory && options.template
        ? await PGlite.create({ loadDataDir: options.template, extensions: pgliteExtensions })
        : await PGlite.create(dir ?? 'memory://', { extensions: pgliteExtensions });
  } catch (err) {
    lock?.release();
    throw new IntakeError('STORE_UNAVAILABLE', 'could not open the embedded store', { cause: err });
  }
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  try {
    if (options.migrate !== false) {
      await migratePglite(db as never, { migrationsFolder: MIGRATIONS_DIR });
    }
  } catch (err) {
    await client.close();
    lock?.release();
    throw new IntakeError('STORE_UNAVAILABLE', 'could not apply migrations to the embedded store', { cause: err });
  }
  return {
    kind: 'pglite',
    db,
    lock,
    dump: () => client.dumpDataDir('none'),
    query: async <T>(statement: SQL) => rowsOf<T>(await db.execute(statement)),
    async close() {
      await client.close();
      lock?.release();
    },
  };
}

async function openPostgres(url: string, options: OpenStoreOptions): Promise<Store> {
  const client = postgres(url, {
    max: options.poolSize ?? 10,
    onnotice: () => {},
    connect_timeout: 10,
    // int8 as a JS number, as PGlite returns it.
    types: {
      int8: { to: 20, from: [20], parse: (v: string) => Number(v), serialize: (v: number) => String(v) },
    },
  });
  const db = drizzlePostgres(client, { schema }) as unknown as Db;
  try {
    if (options.migrate !== false) {
      const reserved = await client.reserve();
      try {
        await reserved`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
        await migratePostgres(db as never, { migrationsFolder: MIGRATIONS_DIR });
      } finally {
        await reserved`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.catch(() => {});
        reserved.release();
      }
    } else {
      await client`select 1`;
    }
  } catch (err) {
    await client.end({ timeout: 1 });
    throw new IntakeError('STORE_UNAVAILABLE', 'could not open the PostgreSQL store', { cause: err });
  }
  return {
    kind: 'postgres',
    db,
    lock: null,
    query: async <T>(statement: SQL) => rowsOf<T>(await db.execute(statement)),
    async close() {
      await client.end({ timeout: 5 });
    },
  };
}

/** True when the store answers and every migration in drizzle/ is applied. */
export async function storeReady(store: Store): Promise<boolean> {
  try {
    const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as {
      entries: unknown[];
    };
    const rows = await store.query<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    return Number(rows[0]?.n ?? 0) >= journal.entries.length;
  } catch {
    return false;
  }
}
