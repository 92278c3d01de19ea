/**
 * The audit trail's hash chain: each row's hash is SHA-256 over the previous
 * row's hash and a canonical encoding of the row, so editing or removing any row
 * breaks every hash after it. Canonical JSON sorts object keys because jsonb does
 * not keep the order they were written in.
 */
import crypto from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedFields {
  at: Date;
  actor: string;
  action: string;
  resource: string;
  outcome: string;
  clientAddress: string | null;
  details: Record<string, unknown> | null;
}

export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The canonical encoding of a row that its hash covers (after the previous hash and a newline). */
export function chainBody(row: ChainedFields): string {
  return canonicalJson([
    row.at.toISOString(),
    row.actor,
    row.action,
    row.resource,
    row.outcome,
    row.clientAddress,
    row.details,
  ]);
}

export function chainHash(prevHash: string, row: ChainedFields): string {
  const body = chainBody(row);
  return crypto.createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}
