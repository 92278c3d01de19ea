/**
 * Runs once before the suite: when TEST_DATABASE_URL is unset but the local
 * PostgreSQL (127.0.0.1:5432, trust auth, database `test`) answers, the database
 * tests run on it as well as on PGlite. Set TEST_DATABASE_URL=none to use PGlite only.
 */
import postgres from 'postgres';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';

export async function setup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL === 'none') {
    delete process.env.TEST_DATABASE_URL;
    return;
  }
  if (process.env.TEST_DATABASE_URL) return;
  const sql = postgres(DEFAULT_URL, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    await sql`select 1`;
    process.env.TEST_DATABASE_URL = DEFAULT_URL;
  } catch {
    process.stderr.write('PostgreSQL not reachable on 127.0.0.1:5432: database tests run on PGlite only\n');
  } finally {
    await sql.end({ timeout: 1 });
  }
}
