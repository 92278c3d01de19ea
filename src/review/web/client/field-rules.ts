/**
 * Field labels, ordering and validation for the item view. Validation is the
 * very code the review API runs on a correction (src/extract/normalize:
 * `normalizeField` puts a typed value in normal form, `validateFieldValue`
 * checks it), bundled into the page, so the page and the API cannot disagree
 * on a date, an NPI checksum or an ICD-10 code.
 */
import { FIELD_KEYS, isFieldKey, REQUIRED_FIELDS, type FieldKey, type FieldValue } from '../../../extract/fields.ts';
import { normalizeField, validateFieldValue } from '../../../extract/normalize/index.ts';
import type { FieldView } from './types.ts';

export { FIELD_KEYS, isFieldKey, type FieldKey, type FieldValue };

export const FIELD_LABELS: Record<FieldKey, string> = {
  'patient.firstName': 'First name',
  'patient.middleName': 'Middle name',
  'patient.lastName': 'Last name',
  'patient.dob': 'Date of birth',
  'patient.sex': 'Sex',
  'patient.phone': 'Patient phone',
  'patient.address.line1': 'Street',
  'patient.address.city': 'City',
  'patient.address.state': 'State',
  'patient.address.postalCode': 'ZIP',
  'patient.mrn': 'MRN (sender)',
  'insurance.payer': 'Insurance payer',
  'insurance.memberId': 'Member ID',
  'insurance.groupNumber': 'Group number',
  'referringProvider.name': 'Referring provider',
  'referringProvider.npi': 'Provider NPI',
  'referringProvider.practice': 'Practice',
  'referringProvider.phone': 'Provider phone',
  'referringProvider.fax': 'Provider fax',
  'referral.specialty': 'Specialty',
  'referral.reason': 'Reason',
  'referral.diagnosisCodes': 'ICD-10 codes',
  'referral.urgency': 'Urgency',
  'referral.date': 'Referral date',
};

/** Placeholders show the normal form the API stores. */
export const FIELD_HINTS: Partial<Record<FieldKey, string>> = {
  'patient.dob': 'YYYY-MM-DD',
  'referral.date': 'YYYY-MM-DD',
  'patient.sex': 'M, F, X or U',
  'patient.phone': '10 digits',
  'referringProvider.phone': '10 digits',
  'referringProvider.fax': '10 digits',
  'patient.address.state': 'e.g. OH',
  'patient.address.postalCode': '5 digits',
  'referringProvider.npi': '10 digits',
  'referral.diagnosisCodes': 'e.g. M54.50, I10',
  'referral.urgency': 'routine, urgent or stat',
};

export function labelFor(key: string): string {
  return isFieldKey(key) ? FIELD_LABELS[key] : key;
}

export function isRequired(key: string): boolean {
  return (REQUIRED_FIELDS as readonly string[]).includes(key);
}

/** Low-confidence fields first (least sure first), then the spec's order. */
export function orderFields(fields: readonly FieldView[]): FieldView[] {
  const rank = new Map<string, number>(FIELD_KEYS.map((k, i) => [k, i]));
  return [...fields].sort((a, b) => {
    if (a.belowThreshold !== b.belowThreshold) return a.belowThreshold ? -1 : 1;
    if (a.belowThreshold && a.confidence !== b.confidence) return a.confidence - b.confidence;
    return (rank.get(a.key) ?? 99) - (rank.get(b.key) ?? 99);
  });
}

/** Canonical keys the extraction did not find, for "add a missing field". */
export function missingKeys(fields: readonly FieldView[]): FieldKey[] {
  const present = new Set(fields.map((f) => f.key));
  return FIELD_KEYS.filter((k) => !present.has(k));
}

export type ConfidenceBand = 'low' | 'medium' | 'high';

export function confidenceBand(confidence: number, threshold: number): ConfidenceBand {
  if (confidence >= threshold) return 'high';
  return confidence >= Math.max(0, threshold - 0.2) ? 'medium' : 'low';
}

export function displayValue(value: FieldValue): string {
  return Array.isArray(value) ? value.join(', ') : value;
}

export interface ParsedInput {
  value: FieldValue;
  /** Short reason the value is not acceptable, or null. */
  problem: string | null;
}

/** A reviewer's typed text in normal form, with the API's verdict on it. */
export function parseInput(key: string, raw: string, today: Date = new Date()): ParsedInput {
  if (!isFieldKey(key)) return { value: raw, problem: 'unknown field' };
  if (raw.trim() === '') return { value: '', problem: 'empty value' };
  const n = normalizeField(key, raw, { today });
  const problem = n.valid ? validateFieldValue(key, n.value, { today }) : (n.problem ?? 'not valid');
  return { value: n.value, problem };
}

export function sameValue(a: FieldValue, b: FieldValue): boolean {
  return displayValue(a) === displayValue(b) && Array.isArray(a) === Array.isArray(b);
}
