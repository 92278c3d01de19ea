/**
 * Combines the offline extraction with Claude's. Agreement between two
 * extractors that work differently raises confidence; disagreement drops the
 * field below the review gate so a person decides; a field only one of them
 * found keeps that extractor's confidence, lowered when the other one ran and
 * did not see it. The document type is a referral only when both say so.
 */
import { reviewGate, type DocumentType, type ExtractedField, type ExtractedFields, type Extraction } from '../extraction.ts';
import { FIELD_KEYS, type FieldKey, type FieldValue } from '../fields.ts';
import { tokens } from './evidence.ts';
import { DOCUMENT_FIELD_FLOOR } from '../offline/index.ts';

/** Agreement: 1 - (1-a)(1-b)·k; k > 1 because both read the same OCR text, so their errors are not independent. */
export const AGREEMENT_CORRELATION = 3;
export const AGREEMENT_MAX = 0.995;
/**
 * Disagreement: the likelier value is kept at conf(kept) · (1 - conf(other)),
 * never above this ceiling. A confident contradiction leaves little; a
 * contradiction by a guess costs less, but still never reaches the gate.
 */
export const DISAGREEMENT_MAX = 0.8;
/** Factor for an offline-only field when Claude ran and did not report it. */
export const OFFLINE_ONLY_FACTOR = 0.85;
/** Document-type confidence when the extractors disagree on the type. */
export const TYPE_DISAGREEMENT_CONFIDENCE = 0.5;
/** Type confidence when both extractors agree; the offline figure is used when higher. */
export const CLAUDE_TYPE_CONFIDENCE = 0.97;

/**
 * Ceiling for a Claude value about the patient or the referring clinician whose
 * only evidence is on a page the offline classifier calls a fax cover sheet: a
 * cover's From/To are offices, not the patient or the clinician (issue 4). The
 * sending practice and its numbers may well come from the cover, so those keep
 * their confidence.
 */
export const COVER_SHEET_CAP = 0.6;

function coverOnly(key: FieldKey): boolean {
  return key.startsWith('patient.') || key === 'referringProvider.name' || key === 'referringProvider.npi';
}

/** Cover pages as the offline extractor records them in its notes (absent: none). */
function coverPagesOf(offline: Extraction): Set<number> {
  const raw = offline.notes?.['coverPages'];
  return new Set(Array.isArray(raw) ? raw.filter((n): n is number => typeof n === 'number') : []);
}

export interface ClaudeView {
  documentType: 'referral' | 'other';
  fields: ExtractedFields;
}

export interface CombineStats {
  agreed: FieldKey[];
  /** Code lists that overlap without matching: the union is kept, below the gate. */
  merged: FieldKey[];
  disagreed: FieldKey[];
  claudeOnly: FieldKey[];
  offlineOnly: FieldKey[];
  typeAgreed: boolean;
}

function flat(text: string): string {
  return tokens(text).join(' ');
}

/** Whether two normalized values say the same thing, as a reviewer would judge. */
export function valuesAgree(key: FieldKey, a: FieldValue, b: FieldValue): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    const sa = new Set((Array.isArray(a) ? a : [a]).map((s) => s.toUpperCase()));
    const sb = new Set((Array.isArray(b) ? b : [b]).map((s) => s.toUpperCase()));
    return sa.size === sb.size && [...sa].every((s) => sb.has(s));
  }
  if (key === 'referral.reason') {
    const ta = new Set(tokens(a));
    const tb = new Set(tokens(b));
    if (ta.size === 0 || tb.size === 0) return false;
    const common = [...ta].filter((t) => tb.has(t)).length;
    // One may carry a little more of the sentence than the other.
    return common / Math.min(ta.size, tb.size) >= 0.8 && common / Math.max(ta.size, tb.size) >= 0.5;
  }
  return flat(a) === flat(b);
}

/** Confidence factor for a merged code list. */
export const MERGE_FACTOR = 0.9;

function overlapping(a: FieldValue, b: FieldValue): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return false;
  const sb = new Set(b.map((s) => s.toUpperCase()));
  return a.some((s) => sb.has(s.toUpperCase()));
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

export function combineFields(
  offline: ExtractedFields,
  claude: ExtractedFields,
): { fields: ExtractedFields; stats: Omit<CombineStats, 'typeAgreed'> } {
  const fields: ExtractedFields = {};
  const stats = { agreed: [] as FieldKey[], merged: [] as FieldKey[], disagreed: [] as FieldKey[], claudeOnly: [] as FieldKey[], offlineOnly: [] as FieldKey[] };
  for (const key of FIELD_KEYS) {
    const off = offline[key];
    const cl = claude[key];
    if (off && cl) {
      if (valuesAgree(key, off.value, cl.value)) {
        const joint = 1 - (1 - off.confidence) * (1 - cl.confidence) * AGREEMENT_CORRELATION;
        const confidence = Math.min(AGREEMENT_MAX, Math.max(off.confidence, cl.confidence, joint));
        // The offline value and box are kept: its normalizers produced them from the same words.
        fields[key] = { ...off, confidence: round(confidence) };
        stats.agreed.push(key);
      } else if (overlapping(off.value, cl.value)) {
        // One reader saw a code the other missed (often on another line): keep
        // every code both validated, for a person to confirm.
        const union = [...new Set([...(off.value as string[]), ...(cl.value as string[])])];
        fields[key] = { ...off, value: union, confidence: round(Math.min(off.confidence, cl.confidence) * MERGE_FACTOR) };
        stats.merged.push(key);
      } else {
        const pick: ExtractedField = cl.confidence >= off.confidence ? cl : off;
        const other = pick === cl ? off : cl;
        fields[key] = { ...pick, confidence: round(Math.min(DISAGREEMENT_MAX, pick.confidence * (1 - other.confidence))) };
        stats.disagreed.push(key);
      }
    } else if (cl) {
      fields[key] = cl;
      stats.claudeOnly.push(key);
    } else if (off) {
      fields[key] = { ...off, confidence: round(off.confidence * OFFLINE_ONLY_FACTOR) };
      stats.offlineOnly.push(key);
    }
  }
  return { fields, stats };
}

/** The combined extraction; `offline` must be a decoded document (referral or other). */
export function combineExtractions(
  offline: Extraction,
  claude: ClaudeView,
  reviewThreshold: number,
): { extraction: Extraction; stats: CombineStats } {
  const cover = coverPagesOf(offline);
  const claudeFields: ExtractedFields = {};
  for (const [k, f] of Object.entries(claude.fields) as Array<[FieldKey, ExtractedField]>) {
    claudeFields[k] =
      cover.has(f.page) && coverOnly(k) ? { ...f, confidence: Math.min(f.confidence, COVER_SHEET_CAP) } : f;
  }
  const { fields, stats } = combineFields(offline.fields, claudeFields);
  const typeAgreed = offline.documentType === claude.documentType;
  let documentType: DocumentType;
  let confidence: number;
  if (typeAgreed) {
    documentType = claude.documentType;
    confidence = Math.max(offline.confidence, CLAUDE_TYPE_CONFIDENCE);
  } else {
    // Claude reads narrative letters better, so its type is shown; the low
    // confidence sends the document to a person either way.
    documentType = claude.documentType;
    confidence = TYPE_DISAGREEMENT_CONFIDENCE;
  }
  const { needsReview: review, gate } = reviewGate(documentType, confidence, fields, reviewThreshold, DOCUMENT_FIELD_FLOOR);
  return {
    extraction: {
      documentType,
      confidence: round(confidence),
      needsReview: review,
      ...(gate ? { gate } : {}),
      fields,
      pages: offline.pages,
      extractor: 'claude',
    },
    stats: { ...stats, typeAgreed },
  };
}

