/**
 * Writes the hand-off outbox row inside the caller's transaction (STYLE.md §9):
 * the Bundle is built from the accepted document as it stands, so a crash after
 * commit still delivers it and a rollback leaves nothing behind.
 */
import { desc, eq } from 'drizzle-orm';
import type { Tx } from '../audit/index.ts';
import { IntakeError } from '../core/errors.ts';
import type { Extraction } from '../extract/extraction.ts';
import type { MatchDecision } from '../match/demographics.ts';
import { documents, fhirOutbox, reviewDecisions } from '../store/schema/index.ts';
import type { Db } from '../store/store.ts';
import { buildReferralBundle } from './bundle.ts';
import type { Bundle } from '@medplum/fhirtypes';

export interface HandOffOptions {
  publicBaseUrl?: string | undefined;
  /** Refuse a document that is not (yet) accepted; off when the accepting transaction enqueues it. */
  requireAccepted?: boolean;
}

/** Builds the Bundle for an accepted document from its stored row and latest review decision. */
export async function bundleForDocument(db: Db | Tx, documentId: string, options: HandOffOptions = {}): Promise<Bundle> {
  const rows = await db.select().from(documents).where(eq(documents.id, documentId)).limit(1);
  const doc = rows[0];
  if (!doc) throw new IntakeError('NOT_FOUND', 'document not found', { details: { documentId } });
  if (options.requireAccepted !== false && doc.state !== 'accepted') {
    throw new IntakeError('CONFLICT', 'only an accepted referral has a FHIR hand-off', {
      details: { documentId, state: doc.state },
    });
  }
  const extraction = doc.extraction as Extraction | null;
  if (!extraction) throw new IntakeError('CONFLICT', 'accepted document has no extraction', { details: { documentId } });
  const decisions = await db
    .select()
    .from(reviewDecisions)
    .where(eq(reviewDecisions.documentId, documentId))
    .orderBy(desc(reviewDecisions.id))
    .limit(1);
  const decision = decisions[0]?.outcome === 'approved' ? decisions[0] : undefined;
  const match = doc.matchDecision as MatchDecision | null;
  const mrn = decision?.patient
    ? 'mrn' in decision.patient
      ? decision.patient.mrn
      : null
    : match?.decision === 'match'
      ? match.mrn
      : null;
  return buildReferralBundle({
    documentId,
    sha256: doc.sha256,
    mediaType: doc.mediaType,
    sizeBytes: doc.sizeBytes,
    receivedAt: doc.receivedAt,
    acceptedAt: decision?.at ?? doc.stateChangedAt,
    extraction,
    mrn,
    reviewer: decision?.userName ?? null,
    correctedKeys: decision?.corrections.map((c) => c.key) ?? [],
    publicBaseUrl: options.publicBaseUrl,
  });
}

/** Queues the hand-off of an accepted document, in the caller's transaction. */
export async function enqueueHandOff(tx: Db | Tx, documentId: string, options: HandOffOptions = {}): Promise<void> {
  // The caller is accepting the document in this transaction: its state may not be written yet.
  const bundle = (await bundleForDocument(tx, documentId, { ...options, requireAccepted: false })) as unknown as Record<
    string,
    unknown
  >;
  await tx
    .insert(fhirOutbox)
    .values({ documentId, bundle })
    .onConflictDoUpdate({
      target: fhirOutbox.documentId,
      set: { bundle, state: 'pending', attempts: 0, nextAttemptAt: new Date(), lastError: null, lastErrorCode: null },
    });
}

/** The Bundle as queued for delivery, or, before it is queued, as it would be built now. */
export async function readHandOffBundle(db: Db | Tx, documentId: string, options: HandOffOptions = {}): Promise<Bundle> {
  const rows = await db.select({ bundle: fhirOutbox.bundle }).from(fhirOutbox).where(eq(fhirOutbox.documentId, documentId));
  const queued = rows[0]?.bundle;
  return queued ? (queued as unknown as Bundle) : bundleForDocument(db, documentId, options);
}
