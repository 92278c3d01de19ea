/**
 * Claiming work and recording its outcome, with leases. A worker claims
 * documents in a working state with FOR UPDATE SKIP LOCKED and takes a lease; only
 * the lease owner may move the document on (guarded UPDATE, row count checked, as
 * graphile-worker's completeJobs). A crashed worker's lease expires and another
 * worker claims the document again; attempts count the claims of one stage.
 */
import { sql } from 'drizzle-orm';
import { IntakeError } from '../core/errors.ts';
import { documentEvents, type DocumentState } from '../store/schema/documents.ts';
import type { Db, Store } from '../store/store.ts';

/** States in which a document waits for a pipeline stage. */
export const WORKING_STATES = ['received', 'extracted', 'matched'] as const;
export type WorkingState = (typeof WORKING_STATES)[number];

export interface ClaimedDocument {
  id: string;
  state: WorkingState;
  attempts: number;
  sha256: string;
  source: string;
}

export async function claimDocuments(
  store: Store,
  options: { workerId: string; leaseMs: number; limit: number },
): Promise<ClaimedDocument[]> {
  const rows = await store.query<{ id: string; state: WorkingState; attempts: number; sha256: string; source: string }>(sql`
    update documents d
       set lease_owner = ${options.workerId},
           lease_expires_at = now() + (${options.leaseMs}::int * interval '1 millisecond'),
           attempts = d.attempts + 1,
           updated_at = now()
     where d.id in (
           select id from documents
            where state in ('received', 'extracted', 'matched')
              and next_attempt_at <= now()
              and (lease_expires_at is null or lease_expires_at < now())
            order by next_attempt_at
            limit ${options.limit}
              for update skip locked)
    returning d.id, d.state, d.attempts, d.sha256, d.source`);
  return rows.map((r) => ({ ...r, attempts: Number(r.attempts) }));
}

export interface Transition {
  to: DocumentState;
  stage: string;
  durationMs: number;
  /** Extra columns to set, as SQL assignments built with sql``. */
  set?: ReturnType<typeof sql>;
}

/**
 * Moves a claimed document to its next state in the caller's transaction.
 * Throws LEASE_LOST when this worker no longer owns the document.
 */
export async function completeStage(
  tx: Db,
  doc: ClaimedDocument,
  workerId: string,
  transition: Transition,
): Promise<void> {
  const extra = transition.set ? sql`, ${transition.set}` : sql``;
  const result = await tx.execute(sql`
    update documents
       set state = ${transition.to},
           state_changed_at = now(),
           lease_owner = null,
           lease_expires_at = null,
           attempts = 0,
           next_attempt_at = now(),
           error_code = null,
           error_message = null,
           version = version + 1,
           updated_at = now()
           ${extra}
     where id = ${doc.id} and state = ${doc.state} and lease_owner = ${workerId}
    returning id`);
  if (rowCount(result) !== 1) {
    throw new IntakeError('LEASE_LOST', 'document lease was lost before the stage completed', {
      details: { documentId: doc.id },
    });
  }
  await tx.insert(documentEvents).values({
    documentId: doc.id,
    fromState: doc.state,
    toState: transition.to,
    stage: transition.stage,
    attempt: doc.attempts,
    durationMs: Math.round(transition.durationMs),
    workerId,
  });
}

/** Schedules a retry after `delayMs`, keeping the state. */
export async function scheduleRetry(
  store: Store,
  doc: ClaimedDocument,
  workerId: string,
  error: IntakeError,
  delayMs: number,
): Promise<boolean> {
  const rows = await store.query(sql`
    update documents
       set lease_owner = null,
           lease_expires_at = null,
           next_attempt_at = now() + (${Math.round(delayMs)}::int * interval '1 millisecond'),
           error_code = ${error.code},
           error_message = ${error.message},
           updated_at = now()
     where id = ${doc.id} and state = ${doc.state} and lease_owner = ${workerId}
    returning id`);
  return rows.length === 1;
}

/** Fails the document for good (dead letter), keeping the reason. */
export async function failDocument(
  store: Store,
  doc: ClaimedDocument,
  workerId: string,
  error: IntakeError,
  stage: string,
  durationMs: number,
): Promise<boolean> {
  return store.db.transaction(async (tx) => {
    const result = await tx.execute(sql`
      update documents
         set state = 'failed',
             state_changed_at = now(),
             lease_owner = null,
             lease_expires_at = null,
             error_code = ${error.code},
             error_message = ${error.message},
             version = version + 1,
             updated_at = now()
       where id = ${doc.id} and state = ${doc.state} and lease_owner = ${workerId}
      returning id`);
    if (rowCount(result) !== 1) return false;
    await tx.insert(documentEvents).values({
      documentId: doc.id,
      fromState: doc.state,
      toState: 'failed',
      stage,
      attempt: doc.attempts,
      durationMs: Math.round(durationMs),
      workerId,
      errorCode: error.code,
    });
    return true;
  });
}

function rowCount(result: unknown): number {
  if (Array.isArray(result)) return result.length;
  const r = result as { rows?: unknown[]; affectedRows?: number };
  return r.rows?.length ?? r.affectedRows ?? 0;
}
