/**
 * Test stores: every call gets its own fresh database, so test files never share
 * state (graphile-worker's __tests__/helpers.ts). Database tests run on the
 * embedded PGlite always, and also on the real PostgreSQL when TEST_DATABASE_URL
 * is set (as .ci/run does):
 *
 *   describe.each(testBackends())('thing on %s', (backend) => { ... openTestStore(backend) ... })
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { MIGRATIONS_DIR, openStore, type Store, type StoreKind } from '../../src/store/store.ts';

/**
 * A migrated PGlite dumped once per migration set and shared by every test file
 * (on disk, since vitest isolates files): loading it takes about 1 s where initdb
 * and the migrations take about 5 s.
 */
async function pgliteTemplate(): Promise<Blob> {
  const hash = crypto.createHash('sha256');
  for (const name of fs.readdirSync(MIGRATIONS_DIR).sort()) {
    if (name.endsWith('.sql')) hash.update(name).update(fs.readFileSync(path.join(MIGRATIONS_DIR, name)));
  }
  const file = path.join(os.tmpdir(), `intake-pglite-template-${hash.digest('hex').slice(0, 16)}.tar`);
  if (!fs.existsSync(file)) {
    const store = await openStore({ dataDir: os.tmpdir(), memory: true });
    const dump = await store.dump!();
    await store.close();
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    fs.renameSync(tmp, file);
  }
  return new Blob([fs.readFileSync(file)]);
}

export function testBackends(): StoreKind[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export function postgresAvailable(): boolean {
  return Boolean(process.env.TEST_DATABASE_URL);
}

/** Creates a throwaway database on the server at adminUrl (tests, benchmarks) and returns its URL. */
export async function createScratchDatabase(adminUrl: string, prefix = 'intake_test'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${crypto.randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/** Creates a throwaway database on the TEST_DATABASE_URL server and returns its URL. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  return createScratchDatabase(adminUrl);
}

export function tempDir(prefix = 'intake-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface TestStore extends Store {
  /** For postgres: the URL of this test's database (to start child processes on it). */
  readonly url: string | undefined;
  readonly dataDir: string;
}

/** Opens a fresh, migrated store of the given kind; close() also drops it. */
export async function openTestStore(kind: StoreKind): Promise<TestStore> {
  const dataDir = tempDir();
  if (kind === 'pglite') {
    const store = await openStore({ dataDir, memory: true, template: await pgliteTemplate() });
    return Object.assign(Object.create(null), store, {
      url: undefined,
      dataDir,
      close: async () => {
        await store.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    }) as TestStore;
  }
  const database = await createTestDatabase();
  const store = await openStore({ databaseUrl: database.url, dataDir, poolSize: 5 });
  return Object.assign(Object.create(null), store, {
    url: database.url,
    dataDir,
    close: async () => {
      await store.close();
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  }) as TestStore;
}
