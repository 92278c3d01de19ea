/**
 * The pipeline's view of the stages: typed functions it calls, injected so the
 * worker does not depend on how extraction or matching work (and tests can pass
 * their own). `extract(document) → Extraction`, `match(demographics) → MatchDecision`.
 */
import type { Extraction } from '../extract/extraction.ts';
import type { FieldKey } from '../extract/fields.ts';
import type { Demographics, MatchDecision } from '../match/demographics.ts';
import type { Db } from '../store/store.ts';

export interface StageContext {
  documentId: string;
  signal: AbortSignal;
}

export interface AuditRecord {
  actor: string;
  action: string;
  resource: string;
  outcome: 'success' | 'failure' | 'denied';
  details?: Record<string, unknown>;
}

export interface PipelineStages {
  extract(bytes: Uint8Array, ctx: StageContext): Promise<Extraction>;
  demographics(extraction: Extraction): Demographics;
  match(demographics: Demographics, ctx: StageContext): Promise<MatchDecision>;
  /** Another document with the same referral for the same patient, if any. */
  findDuplicate?(documentId: string, extraction: Extraction): Promise<string | null>;
  /** Runs in the transaction that accepts a referral (the FHIR outbox). */
  onAccepted?(tx: Db, documentId: string): Promise<void>;
  /** Appends to the audit trail in the caller's transaction. */
  audit?(tx: Db, record: AuditRecord): Promise<void>;
}

export type ReviewReason = 'low_confidence' | 'uncertain_match' | 'not_referral' | 'possible_duplicate';

export interface StoredMatch extends MatchDecision {
  duplicateOf?: string | null;
}

const CONFIRMABLE: Partial<Record<FieldKey, NonNullable<MatchDecision['confirms']>[number]>> = {
  'patient.firstName': 'firstName',
  'patient.middleName': 'middleName',
  'patient.lastName': 'lastName',
  'patient.dob': 'dob',
  'patient.sex': 'sex',
  'patient.phone': 'phone',
  'patient.address.postalCode': 'postalCode',
  'patient.address.line1': 'addressLine1',
};

/**
 * The extractor stopped the document only over patient demographics (an OCR'd
 * name, date of birth, phone or ZIP nothing on the page corroborates), and the
 * patient was linked to a chart that states each of those values identically: the
 * chart is the corroboration, so low confidence is not a reason to hold it.
 */
export function confirmedByChart(extraction: Extraction, match: StoredMatch | null): boolean {
  const low = extraction.gate?.lowFields;
  if (!match || match.decision !== 'match' || !low || low.length === 0) return false;
  const confirms = new Set(match.confirms ?? []);
  return low.every((k) => CONFIRMABLE[k] !== undefined && confirms.has(CONFIRMABLE[k]));
}

/** Why a matched document needs a person; empty means it may be accepted. */
export function reviewReasonsFor(extraction: Extraction, match: StoredMatch | null): ReviewReason[] {
  const reasons: ReviewReason[] = [];
  if (extraction.documentType !== 'referral') return ['not_referral'];
  if (extraction.needsReview && !confirmedByChart(extraction, match)) reasons.push('low_confidence');
  // A sure "new" patient is as settled as a sure link: the hand-off creates the chart.
  if (!match || match.decision === 'review') reasons.push('uncertain_match');
  if (match?.duplicateOf) reasons.push('possible_duplicate');
  return reasons;
}
