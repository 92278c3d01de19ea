/**
 * Extraction: the output of the extract stage (shared/spec/cli.md `extract --json`),
 * and the review-gate rule that decides `needsReview`.
 */
import type { ErrorCode } from '../core/errors.ts';
import { REASON_FIELDS, REQUIRED_FIELDS, type FieldKey, type FieldValue } from './fields.ts';
import type { BBox } from './layout.ts';

export type DocumentType = 'referral' | 'other' | 'invalid';

export interface ExtractedField {
  value: FieldValue;
  /** In [0,1]; ≥ the review threshold means "right at least 99.5% of the time". */
  confidence: number;
  /** 1-based page of the evidence. */
  page: number;
  bbox: BBox;
}

export type ExtractedFields = Partial<Record<FieldKey, ExtractedField>>;

export type ExtractorName = 'offline' | 'claude';

export interface Extraction {
  documentType: DocumentType;
  /** Confidence in the document type, [0,1]. */
  confidence: number;
  needsReview: boolean;
  fields: ExtractedFields;
  pages: number;
  /** Which extractor produced the fields. */
  extractor: ExtractorName;
  /** Set when documentType is "invalid" (or an extractor fell back). */
  error?: { code: ErrorCode; message: string };
  /** Non-PHI notes, e.g. a Claude fall-back, token usage. */
  notes?: Record<string, unknown>;
  /** Why the review gate stopped the document, when it did (see reviewGate). */
  gate?: ReviewGate;
}

export interface ReviewGate {
  threshold: number;
  /**
   * The fields whose confidence alone sends the document to a person (a required
   * field under the threshold, any field under the extractor's floor); null when
   * something else does: the type, its confidence, or a required field missing.
   */
  lowFields: FieldKey[] | null;
}

export function invalidExtraction(code: ErrorCode, message: string, pages = 0): Extraction {
  return {
    documentType: 'invalid',
    confidence: 1,
    needsReview: true,
    fields: {},
    pages,
    extractor: 'offline',
    error: { code, message },
  };
}

/**
 * The review gate. A document goes to a person when it is not a referral, its type
 * is under the threshold, a required field is missing, or no reason field is there
 * (then `lowFields` is null); or when fields are only too unsure: a required field
 * under the threshold, no reason field at or above it, any reported field under
 * `floor` (a reviewer feels any wrong field). Those fields are `lowFields`.
 */
export function reviewGate(
  documentType: DocumentType,
  typeConfidence: number,
  fields: ExtractedFields,
  threshold: number,
  floor = 0,
): { needsReview: boolean; gate?: ReviewGate } {
  if (
    documentType !== 'referral' || typeConfidence < threshold
    || REQUIRED_FIELDS.some((k) => fields[k] === undefined) || !REASON_FIELDS.some((k) => fields[k] !== undefined)
  ) {
    return { needsReview: true, gate: { threshold, lowFields: null } };
  }
  const low = new Set<FieldKey>();
  for (const k of REQUIRED_FIELDS) if (fields[k]!.confidence < threshold) low.add(k);
  if (!REASON_FIELDS.some((k) => (fields[k]?.confidence ?? 0) >= threshold)) for (const k of REASON_FIELDS) if (fields[k]) low.add(k);
  for (const [k, f] of Object.entries(fields) as Array<[FieldKey, ExtractedField]>) if (f.confidence < floor) low.add(k);
  return low.size === 0 ? { needsReview: false } : { needsReview: true, gate: { threshold, lowFields: [...low] } };
}
