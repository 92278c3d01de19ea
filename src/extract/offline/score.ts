/**
 * Scoring an extraction against truth, as a reviewer would feel it: compared in
 * normal form; referral.reason by token overlap (Jaccard ≥ 0.5 over lower-case
 * word tokens); a wrong value, a missing value and a value the document does not
 * contain are each one error. Used by bench/extract.ts and the calibration tests.
 */
import { FIELD_KEYS, type FieldKey, type FieldValue } from '../fields.ts';
import type { Extraction } from '../extraction.ts';

export function tokens(s: string): Set<string> {
  return new Set(s.toLowerCase().split(/[^a-z0-9]+/).filter((t) => t.length > 0));
}

export function jaccard(a: string, b: string): number {
  const x = tokens(a);
  const y = tokens(b);
  if (x.size === 0 && y.size === 0) return 1;
  let inter = 0;
  for (const t of x) if (y.has(t)) inter++;
  return inter / (x.size + y.size - inter);
}

export const REASON_JACCARD = 0.5;

export function valueMatches(key: FieldKey, got: FieldValue, want: FieldValue): boolean {
  if (key === 'referral.reason') return jaccard(String(got), String(want)) >= REASON_JACCARD;
  if (Array.isArray(got) || Array.isArray(want)) {
    const a = ([] as string[]).concat(got).map((s) => s.toUpperCase()).sort().join('|');
    const b = ([] as string[]).concat(want).map((s) => s.toUpperCase()).sort().join('|');
    return a === b;
  }
  return got.trim() === want.trim();
}

export interface FieldOutcome {
  key: FieldKey;
  /** 'right' | 'wrong' (value differs) | 'missing' (truth has it, we do not) | 'extra' (we have it, truth does not). */
  outcome: 'right' | 'wrong' | 'missing' | 'extra';
  confidence: number;
}

export function scoreFields(extraction: Extraction, truth: Partial<Record<FieldKey, FieldValue>>): FieldOutcome[] {
  const out: FieldOutcome[] = [];
  for (const key of FIELD_KEYS) {
    const got = extraction.fields[key];
    const want = truth[key];
    if (got && want !== undefined) out.push({ key, outcome: valueMatches(key, got.value, want) ? 'right' : 'wrong', confidence: got.confidence });
    else if (got) out.push({ key, outcome: 'extra', confidence: got.confidence });
    else if (want !== undefined) out.push({ key, outcome: 'missing', confidence: 0 });
  }
  return out;
}
