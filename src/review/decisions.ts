/**
 * A reviewer's approve or reject, and an admin's retry of a dead-lettered
 * document. Each is one transaction guarded by the document's version (a stale
 * version is a 409, nothing changes) that writes the new state, the history row,
 * the permanent decision record (corrections and patient choice: training signal
 * for the extractor), the FHIR outbox row and the audit event together.
 */
import { and, eq, sql } from 'drizzle-orm';
import { appendAuditEvent } from '../audit/index.ts';
import { IntakeError } from '../core/errors.ts';
import type { ExtractedField, Extraction } from '../extract/extraction.ts';
import { isFieldKey, type FieldValue } from '../extract/fields.ts';
import { validateFieldValue } from '../extract/normalize/index.ts';
import { enqueueHandOff } from '../fhir/index.ts';
import type { MatchDecision } from '../match/demographics.ts';
import {
  documentEvents,
  documents,
  ehrPatients,
  fhirOutbox,
  reviewClaims,
  reviewDecisions,
  type FieldCorrection,
  type PatientChoice,
} from '../store/schema/index.ts';
import type { Db } from '../store/store.ts';
import type { Tx } from '../audit/index.ts';
import { assertNotClaimedByOther } from './claims.ts';
import type { ReviewerChoice } from './match-feedback.ts';

export interface Actor {
  name: string;
  clientAddress: string | null;
}

export interface ApproveInput {
  documentId: string;
  version: number;
  /** New values by field key; null removes a field the document does not contain. */
  corrections: Record<string, FieldValue | null>;
  patient: PatientChoice;
}

export interface DecisionResult {
  id: string;
  state: string;
  version: number;
}

export interface ApproveResult extends DecisionResult {
  /** For the matcher's feedback, applied by the caller after commit. */
  extraction: Extraction;
  matchFeedback: ReviewerChoice[];
}

const NO_BOX: [number, number, number, number] = [0, 0, 0, 0];

/** Checks every correction; throws FIELD_INVALID naming the field (never its value). */
export function validateCorrections(corrections: Record<string, FieldValue | null>): void {
  for (const [key, value] of Object.entries(corrections)) {
    if (!isFieldKey(key)) throw new IntakeError('FIELD_INVALID', `unknown field ${key}`, { details: { field: key } });
    if (value === null) continue;
    const problem = validateFieldValue(key, value);
    if (problem) {
      throw new IntakeError('FIELD_INVALID', `${key}: ${problem}`, { details: { field: key, problem } });
    }
  }
}

async function lockForDecision(tx: Tx, documentId: string, version: number, userName: string) {
  const rows = await tx.select().from(documents).where(eq(documents.id, documentId)).for('update').limit(1);
  const doc = rows[0];
  if (!doc) throw new IntakeError('NOT_FOUND', 'referral not found', { details: { documentId } });
  if (doc.version !== version) {
    throw new IntakeError('VERSION_STALE', 'the referral changed since you loaded it; reload and try again', {
      details: { currentVersion: doc.version, yourVersion: version },
    });
  }
  if (doc.state !== 'in_review') {
    throw new IntakeError('CONFLICT', 'this referral is not awaiting review', { details: { state: doc.state } });
  }
  await assertNotClaimedByOther(tx, documentId, userName);
  return doc;
}

/**
 * Ends a review: moves the locked document to its outcome state (guarded by the
 * version the reviewer saw), records the transition and releases the claim.
 * Returns the new version.
 */
async function closeReview(
  tx: Tx,
  doc: Awaited<ReturnType<typeof lockForDecision>>,
  actor: Actor,
  version: number,
  outcome: { state: 'accepted' | 'failed'; now: Date; errorCode?: string; set: Partial<typeof documents.$inferInsert> },
): Promise<number> {
  const updated = await tx
    .update(documents)
    .set({
      ...outcome.set,
      state: outcome.state,
      stateChangedAt: outcome.now,
      updatedAt: outcome.now,
      version: sql`${documents.version} + 1`,
    })
    .where(and(eq(documents.id, doc.id), eq(documents.version, version)))
    .returning({ version: documents.version });
  if (updated.length !== 1) throw new IntakeError('VERSION_STALE', 'the referral changed while saving');
  await tx.insert(documentEvents).values({
    documentId: doc.id,
    fromState: doc.state,
    toState: outcome.state,
    stage: 'review',
    workerId: `user:${actor.name}`,
    ...(outcome.errorCode ? { errorCode: outcome.errorCode } : {}),
    durationMs: outcome.now.getTime() - doc.stateChangedAt.getTime(),
  });
  await tx.delete(reviewClaims).where(eq(reviewClaims.documentId, doc.id));
  return updated[0]!.version;
}

async function knownMrn(tx: Tx, mrn: string, match: MatchDecision | null, externalEhr: boolean): Promise<boolean> {
  if (match?.candidates.some((c) => c.mrn === mrn) || match?.mrn === mrn) return true;
  const rows = await tx.select({ mrn: ehrPatients.mrn }).from(ehrPatients).where(eq(ehrPatients.mrn, mrn)).limit(1);
  // An external EHR cannot be checked from here: trust the reviewer's choice.
  return rows.length > 0 || externalEhr;
}

export async function approveReferral(
  db: Db,
  actor: Actor,
  input: ApproveInput,
  options: { externalEhr: boolean; publicBaseUrl?: string | undefined },
): Promise<ApproveResult> {
  validateCorrections(input.corrections);
  return db.transaction(async (tx) => {
    const doc = await lockForDecision(tx, input.documentId, input.version, actor.name);
    const previous = (doc.extraction as Extraction | null) ?? {
      documentType: 'referral',
      confidence: 0,
      needsReview: true,
      fields: {},
      pages: doc.pageCount ?? 0,
      extractor: 'offline',
    };
    const match = doc.matchDecision as MatchDecision | null;
    if ('mrn' in input.patient && !(await knownMrn(tx, input.patient.mrn, match, options.externalEhr))) {
      throw new IntakeError('BAD_REQUEST', 'no patient on file has this MRN', { details: { field: 'patient.mrn' } });
    }
    const fields = { ...previous.fields };
    const corrections: FieldCorrection[] = [];
    for (const [key, value] of Object.entries(input.corrections)) {
      if (!isFieldKey(key)) continue;
      const before = fields[key];
      if (value === null) {
        if (!before) continue;
        delete fields[key];
      } else {
        const next: ExtractedField = { value, confidence: 1, page: before?.page ?? 0, bbox: before?.bbox ?? NO_BOX };
        fields[key] = next;
      }
      corrections.push({ key, before: before?.value ?? null, after: value });
    }
    const extraction: Extraction = {
      ...previous,
      // A person read it: a reviewer-approved document is a referral by definition.
      documentType: 'referral',
      needsReview: false,
      fields,
      notes: { ...(previous.notes ?? {}), reviewedBy: actor.name, correctedKeys: corrections.map((c) => c.key) },
    };
    const chosenMrn = 'mrn' in input.patient ? input.patient.mrn : null;
    const matchDecision: MatchDecision = {
      decision: chosenMrn ? 'match' : 'new',
      mrn: chosenMrn,
      score: match?.score ?? 0,
      candidates: match?.candidates ?? [],
      ...(match?.vetoes ? { vetoes: match.vetoes } : {}),
      reason: 'chosen by reviewer',
    };
    const now = new Date();
    const version = await closeReview(tx, doc, actor, input.version, {
      state: 'accepted',
      now,
      set: { documentType: 'referral', needsReview: false, extraction, matchDecision },
    });
    await tx.insert(reviewDecisions).values({
      documentId: doc.id,
      userName: actor.name,
      outcome: 'approved',
      version: input.version,
      extractor: previous.extractor,
      corrections,
      patient: input.patient,
      matcherMrn: match?.mrn ?? null,
      at: now,
    });
    await enqueueHandOff(tx, doc.id, { publicBaseUrl: options.publicBaseUrl });
    await appendAuditEvent(tx, {
      actor: `user:${actor.name}`,
      action: 'referral.approve',
      resource: `Document/${doc.id}`,
      outcome: 'success',
      clientAddress: actor.clientAddress,
      details: { version: input.version, correctedKeys: corrections.map((c) => c.key), newPatient: chosenMrn === null },
    });
    const feedback: ReviewerChoice[] = chosenMrn ? [{ mrn: chosenMrn }] : [{ newPatient: true }];
    if (match?.mrn && match.mrn !== chosenMrn) feedback.push({ notMrn: match.mrn });
    return { id: doc.id, state: 'accepted', version, extraction, matchFeedback: feedback };
  });
}

export const REJECT_REASONS = ['not_referral', 'duplicate', 'illegible', 'wrong_recipient', 'incomplete', 'other'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export async function rejectReferral(
  db: Db,
  actor: Actor,
  input: { documentId: string; version: number; reason: RejectReason; note?: string | undefined },
): Promise<DecisionResult> {
  return db.transaction(async (tx) => {
    const doc = await lockForDecision(tx, input.documentId, input.version, actor.name);
    const now = new Date();
    const version = await closeReview(tx, doc, actor, input.version, {
      state: 'failed',
      now,
      errorCode: 'REVIEW_REJECTED',
      set: { errorCode: 'REVIEW_REJECTED', errorMessage: `rejected by a reviewer: ${input.reason}` },
    });
    await tx.insert(reviewDecisions).values({
      documentId: doc.id,
      userName: actor.name,
      outcome: 'rejected',
      version: input.version,
      extractor: (doc.extraction as Extraction | null)?.extractor ?? null,
      reason: input.note ? `${input.reason}: ${input.note}` : input.reason,
      matcherMrn: (doc.matchDecision as MatchDecision | null)?.mrn ?? null,
      at: now,
    });
    await appendAuditEvent(tx, {
      actor: `user:${actor.name}`,
      action: 'referral.reject',
      resource: `Document/${doc.id}`,
      outcome: 'success',
      clientAddress: actor.clientAddress,
      details: { version: input.version, reason: input.reason },
    });
    return { id: doc.id, state: 'failed', version };
  });
}

/**
 * Re-queues a dead-lettered document from the start of the pipeline, or a
 * dead-lettered FHIR hand-off of an accepted one.
 */
export async function retryDocument(db: Db, actor: Actor, documentId: string): Promise<{ id: string; retried: 'document' | 'hand_off' }> {
  return db.transaction(async (tx) => {
    const rows = await tx.select().from(documents).where(eq(documents.id, documentId)).for('update').limit(1);
    const doc = rows[0];
    if (!doc) throw new IntakeError('NOT_FOUND', 'document not found', { details: { documentId } });
    let retried: 'document' | 'hand_off';
    if (doc.state === 'failed') {
      const now = new Date();
      await tx
        .update(documents)
        .set({
          state: 'received',
          stateChangedAt: now,
          updatedAt: now,
          attempts: 0,
          nextAttemptAt: now,
          errorCode: null,
          errorMessage: null,
          leaseOwner: null,
          leaseExpiresAt: null,
          version: sql`${documents.version} + 1`,
        })
        .where(and(eq(documents.id, doc.id), eq(documents.state, 'failed')));
      await tx.insert(documentEvents).values({
        documentId: doc.id,
        fromState: 'failed',
        toState: 'received',
        stage: 'retry',
        workerId: `user:${actor.name}`,
      });
      retried = 'document';
    } else {
      const reset = await tx
        .update(fhirOutbox)
        .set({ state: 'pending', attempts: 0, nextAttemptAt: new Date(), lastError: null, lastErrorCode: null })
        .where(and(eq(fhirOutbox.documentId, doc.id), eq(fhirOutbox.state, 'dead')))
        .returning({ id: fhirOutbox.documentId });
      if (reset.length === 0) {
        throw new IntakeError('CONFLICT', 'nothing to retry: the document is not dead-lettered', {
          details: { state: doc.state },
        });
      }
      retried = 'hand_off';
    }
    await appendAuditEvent(tx, {
      actor: `user:${actor.name}`,
      action: 'document.retry',
      resource: `Document/${doc.id}`,
      outcome: 'success',
      clientAddress: actor.clientAddress,
      details: { retried, previousErrorCode: doc.errorCode },
    });
    return { id: doc.id, retried };
  });
}
