/**
 * The audit trail's entry points: append an event (hash-chained, serialised
 * across processes with a transaction-level advisory lock so concurrent writers
 * never fork the chain), verify the whole chain, and read its head so it can be
 * anchored outside the database.
 */
import { asc, desc, gt } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import { IntakeError } from '../core/errors.ts';
import { auditEvents, type AuditOutcome } from '../store/schema/index.ts';
import type { Db, Store } from '../store/store.ts';
import { chainBody, chainHash, GENESIS_HASH } from './chain.ts';

export { GENESIS_HASH } from './chain.ts';

/** A transaction handle as drizzle passes it to `db.transaction(async (tx) => ...)`. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface AuditEventInput {
  /** `user:NAME`, `pipeline:WORKER`, `cli:COMMAND`. */
  actor: string;
  action: string;
  resource: string;
  outcome: AuditOutcome;
  clientAddress?: string | null;
  /** Non-PHI only: ids, codes, counts, field keys. */
  details?: Record<string, unknown>;
}

/**
 * Appends one event. Inside a caller's transaction the event commits (or rolls
 * back) with it; the chain's advisory lock (0x1a7e00a1) is held until that
 * transaction ends, so keep such transactions short.
 */
export async function appendAuditEvent(db: Db | Tx, event: AuditEventInput): Promise<void> {
  // Details as jsonb will hand them back: the hash must cover what verify will read.
  const details = event.details === undefined ? null : (JSON.parse(JSON.stringify(event.details)) as Record<string, unknown>);
  const at = new Date();
  const clientAddress = event.clientAddress ?? null;
  const body = chainBody({ at, actor: event.actor, action: event.action, resource: event.resource, outcome: event.outcome, clientAddress, details });
  // One round trip: the lock, the previous hash and the insert happen in audit_append()
  // (drizzle/0005_audit-append-fn.sql), so the chain's lock is held for as short a time as possible.
  await db.execute(
    sql`select audit_append(${at.toISOString()}::timestamptz, ${event.actor}, ${event.action}, ${event.resource}, ${event.outcome}, ${clientAddress}, ${details === null ? null : JSON.stringify(details)}::jsonb, ${body})`,
  );
}

export interface AuditVerification {
  ok: boolean;
  /** Rows checked. */
  count: number;
  /** Hash of the last row checked (GENESIS_HASH for an empty trail). */
  head: string;
  /** First row whose hash or link does not verify. */
  brokenAtId?: number;
  problem?: 'hash_mismatch' | 'link_mismatch' | 'anchor_missing';
}

export interface VerifyOptions {
  /** A head hash recorded earlier outside the database: it must still be in the chain. */
  anchor?: string;
}

const VERIFY_BATCH = 2_000;

/** Walks the chain in id order and recomputes every hash. */
export async function verifyAuditChain(store: Store, options: VerifyOptions = {}): Promise<AuditVerification> {
  let prev = GENESIS_HASH;
  let anchorSeen = options.anchor === undefined || options.anchor === GENESIS_HASH;
  let count = 0;
  let afterId = 0;
  for (;;) {
    const rows = await store.db
      .select()
      .from(auditEvents)
      .where(gt(auditEvents.id, afterId))
      .orderBy(asc(auditEvents.id))
      .limit(VERIFY_BATCH);
    for (const row of rows) {
      if (row.prevHash !== prev) return { ok: false, count, head: prev, brokenAtId: row.id, problem: 'link_mismatch' };
      const expected = chainHash(prev, {
        at: row.at,
        actor: row.actor,
        action: row.action,
        resource: row.resource,
        outcome: row.outcome,
        clientAddress: row.clientAddress,
        details: row.details ?? null,
      });
      if (expected !== row.hash) return { ok: false, count, head: prev, brokenAtId: row.id, problem: 'hash_mismatch' };
      prev = row.hash;
      if (row.hash === options.anchor) anchorSeen = true;
      count += 1;
      afterId = row.id;
    }
    if (rows.length < VERIFY_BATCH) {
      // Rows removed from the end leave a valid chain: only an external anchor exposes that.
      return anchorSeen ? { ok: true, count, head: prev } : { ok: false, count, head: prev, problem: 'anchor_missing' };
    }
  }
}

export interface AuditHead {
  id: number | null;
  hash: string;
  at: string | null;
}

/** The latest chain hash, to be anchored outside the database. */
export async function auditHead(store: Store): Promise<AuditHead> {
  const rows = await store.db
    .select({ id: auditEvents.id, hash: auditEvents.hash, at: auditEvents.at })
    .from(auditEvents)
    .orderBy(desc(auditEvents.id))
    .limit(1);
  const row = rows[0];
  return row ? { id: row.id, hash: row.hash, at: row.at.toISOString() } : { id: null, hash: GENESIS_HASH, at: null };
}

/** Throws AUDIT_CHAIN_BROKEN unless the chain verifies. */
export async function assertAuditChain(store: Store): Promise<AuditVerification> {
  const result = await verifyAuditChain(store);
  if (!result.ok) {
    throw new IntakeError('AUDIT_CHAIN_BROKEN', 'the audit chain does not verify', {
      details: { brokenAtId: result.brokenAtId, problem: result.problem },
    });
  }
  return result;
}
