/**
 * One referral as a reviewer sees it: every field with its value, confidence and
 * evidence (page and box), the match decision with each candidate's comparisons
 * and the candidate's record on file, the current claim, the history and the
 * decisions taken so far.
 */
import { asc, desc, eq, gt, and, inArray } from 'drizzle-orm';
import { IntakeError } from '../core/errors.ts';
import type { Extraction } from '../extract/extraction.ts';
import { FIELD_KEYS } from '../extract/fields.ts';
import type { MatchDecision } from '../match/demographics.ts';
import { documentEvents, documents, ehrPatients, fhirOutbox, reviewClaims, reviewDecisions } from '../store/schema/index.ts';
import type { Db } from '../store/store.ts';

export interface FieldView {
  key: string;
  value: string | string[];
  confidence: number;
  page: number;
  bbox: [number, number, number, number];
  belowThreshold: boolean;
}

export async function loadDocument(db: Db, id: string) {
  const rows = await db.select().from(documents).where(eq(documents.id, id)).limit(1);
  const doc = rows[0];
  if (!doc) throw new IntakeError('NOT_FOUND', 'referral not found', { details: { documentId: id } });
  return doc;
}

export type DocumentRow = Awaited<ReturnType<typeof loadDocument>>;

export async function getReferralDetail(db: Db, id: string, threshold: number, now = new Date()) {
  // The document with its live claim and hand-off state in one query.
  const rows = await db
    .select({
      doc: documents,
      claimBy: reviewClaims.userName,
      claimedAt: reviewClaims.claimedAt,
      claimExpiresAt: reviewClaims.expiresAt,
      outboxState: fhirOutbox.state,
      outboxAttempts: fhirOutbox.attempts,
      outboxLastError: fhirOutbox.lastError,
    })
    .from(documents)
    .leftJoin(reviewClaims, and(eq(reviewClaims.documentId, documents.id), gt(reviewClaims.expiresAt, now)))
    .leftJoin(fhirOutbox, eq(fhirOutbox.documentId, documents.id))
    .where(eq(documents.id, id))
    .limit(1);
  const row = rows[0];
  if (!row) throw new IntakeError('NOT_FOUND', 'referral not found', { details: { documentId: id } });
  const doc = row.doc;
  const extraction = doc.extraction as Extraction | null;
  const match = doc.matchDecision as MatchDecision | null;
  const order = new Map<string, number>(FIELD_KEYS.map((k, i) => [k, i]));
  const fields: FieldView[] = Object.entries(extraction?.fields ?? {})
    .filter((e): e is [string, NonNullable<(typeof e)[1]>] => e[1] !== undefined)
    .sort(([a], [b]) => (order.get(a) ?? 99) - (order.get(b) ?? 99))
    .map(([key, f]) => ({
      key,
      value: f.value,
      confidence: f.confidence,
      page: f.page,
      bbox: f.bbox as [number, number, number, number],
      belowThreshold: f.confidence < threshold,
    }));
  const mrns = (match?.candidates ?? []).map((c) => c.mrn).slice(0, 50);
  const [patients, history, decisions] = await Promise.all([
    mrns.length ? db.select().from(ehrPatients).where(inArray(ehrPatients.mrn, mrns)) : Promise.resolve([]),
    db
      .select({
        from: documentEvents.fromState,
        to: documentEvents.toState,
        stage: documentEvents.stage,
        at: documentEvents.at,
        errorCode: documentEvents.errorCode,
      })
      .from(documentEvents)
      .where(eq(documentEvents.documentId, id))
      .orderBy(asc(documentEvents.id)),
    db.select().from(reviewDecisions).where(eq(reviewDecisions.documentId, id)).orderBy(desc(reviewDecisions.id)),
  ]);
  const byMrn = new Map(patients.map((p) => [p.mrn, p]));
  return {
    id: doc.id,
    state: doc.state,
    version: doc.version,
    receivedAt: doc.receivedAt.toISOString(),
    stateChangedAt: doc.stateChangedAt.toISOString(),
    source: doc.source,
    mediaType: doc.mediaType,
    sizeBytes: doc.sizeBytes,
    pageCount: doc.pageCount ?? extraction?.pages ?? null,
    documentType: doc.documentType ?? extraction?.documentType ?? null,
    documentConfidence: extraction?.confidence ?? null,
    extractor: extraction?.extractor ?? null,
    needsReview: doc.needsReview,
    reviewReasons: doc.reviewReasons ?? [],
    error: doc.errorCode ? { code: doc.errorCode, message: doc.errorMessage ?? '' } : null,
    reviewThreshold: threshold,
    fields,
    match: match
      ? {
          decision: match.decision,
          mrn: match.mrn,
          score: match.score,
          reason: match.reason ?? null,
          vetoes: match.vetoes ?? [],
          candidates: match.candidates.map((c) => {
            const p = byMrn.get(c.mrn);
            return {
              mrn: c.mrn,
              score: c.score,
              probability: c.probability ?? null,
              comparisons: c.comparisons ?? [],
              vetoes: c.vetoes ?? [],
              patient: p
                ? {
                    firstName: p.firstName,
                    middleName: p.middleName,
                    lastName: p.lastName,
                    dob: p.dob,
                    sex: p.sex,
                    phone: p.phone,
                    addressLine1: p.addressLine1,
                    city: p.city,
                    state: p.state,
                    postalCode: p.postalCode,
                  }
                : null,
            };
          }),
        }
      : null,
    claim:
      row.claimBy && row.claimedAt && row.claimExpiresAt
        ? { by: row.claimBy, claimedAt: row.claimedAt.toISOString(), expiresAt: row.claimExpiresAt.toISOString() }
        : null,
    history: history.map((h) => ({ ...h, at: h.at.toISOString() })),
    decisions: decisions.map((d) => ({
      by: d.userName,
      outcome: d.outcome,
      at: d.at.toISOString(),
      correctedKeys: d.corrections.map((c) => c.key),
      patient: d.patient,
      reason: d.reason,
    })),
    handOff:
      row.outboxState !== null && row.outboxAttempts !== null
        ? { state: row.outboxState, attempts: row.outboxAttempts, lastError: row.outboxLastError }
        : null,
  };
}

export type ReferralDetail = Awaited<ReturnType<typeof getReferralDetail>>;
