/**
 * Turns the model's reported items into ExtractedFields with OUR confidence.
 *
 * The model's own opinion of its certainty is never asked for nor used. A value
 * starts at CLAUDE_BASE_CONFIDENCE, deliberately below the default review gate
 * (0.95): an uncalibrated model alone does not auto-accept a field; agreement
 * with the calibrated offline extractor can lift it (see combine.ts). From there
 * a value loses confidence when it cites no real line, when its text is not on
 * the lines it cites, when its normalizer or validator rejects it, when the
 * evidence words were poorly recognised, or when the model reported the same
 * field twice with different values.
 */
import type { ExtractedField, ExtractedFields } from '../extraction.ts';
import type { FieldKey, FieldValue } from '../fields.ts';
import { normalizeField, validateFieldValue } from '../normalize/index.ts';
import { evidenceFor } from './evidence.ts';
import type { NumberedLine } from './prompt.ts';
import type { FieldItem } from './schema.ts';

export const CLAUDE_BASE_CONFIDENCE = 0.9;
/** Ceiling for a value that cites no real line. */
export const UNCITED_CAP = 0.2;
/** Ceiling for a value its validator rejects. */
export const INVALID_CAP = 0.3;
/** Ceiling when the model reported one field with two different values. */
export const CONFLICT_CAP = 0.4;

export interface FieldAudit {
  /** Fields whose value cited no real line. */
  uncited: FieldKey[];
  /** Fields whose value failed normalization or validation. */
  invalid: FieldKey[];
  /** Fields whose value was not found on the cited lines. */
  unsupported: FieldKey[];
  /** Fields reported more than once with different values. */
  conflicting: FieldKey[];
}

interface Candidate extends ExtractedField {
  key: FieldKey;
}

function sameValue(a: FieldValue, b: FieldValue): boolean {
  const flat = (v: FieldValue) => (Array.isArray(v) ? [...v].sort().join('|') : v).toLowerCase();
  return flat(a) === flat(b);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function candidateFor(item: FieldItem, lines: readonly NumberedLine[], audit: FieldAudit): Candidate | null {
  const key = item.field;
  const rawText = Array.isArray(item.value) ? item.value.join(', ') : item.value;
  let normalized: { value: FieldValue; valid: boolean; problem?: string };
  try {
    normalized = normalizeField(key, rawText);
  } catch {
    // A normalizer must never take the document down: treat the value as invalid.
    normalized = { value: item.value, valid: false, problem: 'normalizer failed' };
  }
  const value = normalized.value;
  if ((Array.isArray(value) && value.length === 0) || value === '') return null;
  let valid = normalized.valid;
  if (valid) {
    try {
      valid = validateFieldValue(key, value) === null;
    } catch {
      valid = false;
    }
  }
  const ev = evidenceFor(key, item.value, value, item.lines, lines);
  let confidence = CLAUDE_BASE_CONFIDENCE;
  confidence *= 0.3 + 0.7 * ev.support;
  if (ev.ocrConfidence < 0.9) confidence *= 0.5 + 0.5 * Math.max(0, ev.ocrConfidence);
  if (ev.citedLines === 0) {
    confidence = Math.min(confidence, UNCITED_CAP);
    audit.uncited.push(key);
  } else if (ev.support < 1) {
    audit.unsupported.push(key);
  }
  if (!valid) {
    confidence = Math.min(confidence, INVALID_CAP);
    audit.invalid.push(key);
  }
  return { key, value, confidence: round(confidence), page: ev.page, bbox: ev.bbox };
}

export function readFields(
  items: readonly FieldItem[],
  lines: readonly NumberedLine[],
): { fields: ExtractedFields; audit: FieldAudit } {
  const audit: FieldAudit = { uncited: [], invalid: [], unsupported: [], conflicting: [] };
  const fields: ExtractedFields = {};
  for (const item of items) {
    const c = candidateFor(item, lines, audit);
    if (c === null) continue;
    const { key, ...field } = c;
    const prior = fields[key];
    if (prior === undefined) {
      fields[key] = field;
      continue;
    }
    if (sameValue(prior.value, field.value)) {
      if (field.confidence > prior.confidence) fields[key] = field;
      continue;
    }
    if (key === 'referral.diagnosisCodes' && Array.isArray(prior.value) && Array.isArray(field.value)) {
      // Codes listed on two lines are one list, not a conflict.
      fields[key] = {
        ...prior,
        value: [...new Set([...prior.value, ...field.value])],
        confidence: Math.min(prior.confidence, field.confidence),
      };
      continue;
    }
    if (!audit.conflicting.includes(key)) audit.conflicting.push(key);
    const better = field.confidence > prior.confidence ? field : prior;
    fields[key] = { ...better, confidence: Math.min(better.confidence, CONFLICT_CAP) };
  }
  return { fields, audit };
}
