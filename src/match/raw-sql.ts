/**
 * Positional-parameter SQL on the store's own driver (PGlite or postgres.js).
 * drizzle's sql`` expands JS arrays into lists, but blocking and bulk loading need
 * real array parameters (`= any($1::date[])`, `unnest($1::text[])`). postgres.js
 * cannot infer an untyped array parameter's type, so arrays are sent as array
 * literals and cast in the SQL.
 *
 * Database errors are reduced to their SQLSTATE before they become a cause:
 * drivers attach the statement's parameters (patient data here) to the error,
 * and PostgreSQL messages quote offending values.
 */
import type { PGlite } from '@electric-sql/pglite';
import type { Sql } from 'postgres';
import type { Store } from '../store/store.ts';

export type RawQuery = <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;

/** An error safe to keep as a cause: the SQLSTATE, no message text, no parameters. */
export function sanitizeDbError(err: unknown): Error {
  const code = (err as { code?: unknown } | null)?.code;
  const safe = new Error(`database error ${typeof code === 'string' ? code : 'unknown'}`);
  (safe as Error & { code?: unknown }).code = code;
  return safe;
}

function arrayLiteral(values: readonly unknown[]): string {
  const items = values.map((v) => (v === null || v === undefined ? 'NULL' : `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`));
  return `{${items.join(',')}}`;
}

export function rawQueryOf(store: Store): RawQuery {
  const client = (store.db as unknown as { $client: unknown }).$client;
  if (store.kind === 'pglite') {
    const pg = client as PGlite;
    return async <T>(text: string, params: unknown[] = []) => {
      try {
        return (await pg.query<T>(text, params)).rows;
      } catch (err) {
        throw sanitizeDbError(err);
      }
    };
  }
  return rawQueryOfPostgres(client as Sql);
}

export function rawQueryOfPostgres(client: Sql): RawQuery {
  return async <T>(text: string, params: unknown[] = []) => {
    const values = params.map((p) => (Array.isArray(p) ? arrayLiteral(p) : p));
    try {
      return (await client.unsafe(text, values as never[])) as unknown as T[];
    } catch (err) {
      throw sanitizeDbError(err);
    }
  };
}
