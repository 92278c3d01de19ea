/**
 * Per-field normalisers and validators for the canonical referral fields
 * (shared/spec/referral-fields.md). Shared by the offline and Claude extractors
 * and by the review API to validate a reviewer's corrections. Problems are short
 * and never echo the value (no PHI in messages).
 */
import type { FieldKey, FieldValue } from '../fields.ts';
import { normalizeState, normalizeZip, isStateCode, parseCityStateZip, stateForZip, STATE_NAMES } from './address.ts';
import { normalizeIdentifier, normalizeSex, normalizeSexLoose, normalizeUrgency } from './codes.ts';
import { dobProblem, findDate, normalizeDate, recentDateProblem, DATE_PATTERNS, type DateOptions } from './dates.ts';
import { isCommonIcd10, isIcd10Format, normalizeIcd10, suggestIcd10, icd10Description, ICD10_CANDIDATE, isKnownCategory, looksTruncatedIcd10, repairCategoryLetter } from './icd10.ts';
import { isValidNpi, luhnValid, normalizeNpi, npiCheckDigit } from './npi.ts';
import { countDigitFixes, digitsOf, fixDigits } from './ocr-digits.ts';
import { isValidPhone, normalizePhone } from './phone.ts';
import { normalizeProviderName, parsePersonName, CREDENTIALS, NAME_WORD, type PersonName } from './names.ts';

export {
  normalizeState, normalizeZip, isStateCode, parseCityStateZip, stateForZip, STATE_NAMES,
  normalizeIdentifier, normalizeSex, normalizeSexLoose, normalizeUrgency,
  dobProblem, findDate, normalizeDate, recentDateProblem, DATE_PATTERNS,
  isCommonIcd10, isIcd10Format, normalizeIcd10, suggestIcd10, icd10Description, ICD10_CANDIDATE, isKnownCategory, looksTruncatedIcd10, repairCategoryLetter,
  isValidNpi, luhnValid, normalizeNpi, npiCheckDigit,
  countDigitFixes, digitsOf, fixDigits,
  isValidPhone, normalizePhone,
  normalizeProviderName, parsePersonName, CREDENTIALS, NAME_WORD,
};
export type { DateOptions, PersonName };

export interface NormalizeOptions {
  /** "Today" for date plausibility (tests pin it). */
  today?: Date;
}

export interface Normalized {
  value: FieldValue;
  valid: boolean;
  problem?: string;
}

function asText(raw: string): string {
  return raw.replace(/\s+/g, ' ').trim().replace(/^[:;,.\-–]+\s*/, '').replace(/[,;]+$/, '');
}

function result(value: FieldValue, problem: string | null): Normalized {
  return problem === null ? { value, valid: true } : { value, valid: false, problem };
}

/**
 * Normal form of one raw value. When the raw text cannot be normalised, the
 * trimmed text comes back with `valid: false` and a short problem.
 */
export function normalizeField(key: FieldKey, raw: string, options: NormalizeOptions = {}): Normalized {
  const text = asText(raw);
  const today = options.today ?? new Date();
  switch (key) {
    case 'patient.firstName':
    case 'patient.lastName':
    case 'patient.middleName': {
      const v = key === 'patient.middleName' ? text.replace(/\.$/, '') : text;
      return result(v, validateFieldValue(key, v));
    }
    case 'patient.dob': {
      const d = normalizeDate(text, { kind: 'dob', today });
      return d ? result(d, dobProblem(d, today)) : result(text, 'not a recognised date');
    }
    case 'referral.date': {
      const d = normalizeDate(text, { kind: 'recent', today });
      return d ? result(d, recentDateProblem(d, today)) : result(text, 'not a recognised date');
    }
    case 'patient.sex': {
      const s = normalizeSex(text);
      return s ? result(s, null) : result(text, 'sex must be M, F, X or U');
    }
    case 'patient.phone':
    case 'referringProvider.phone':
    case 'referringProvider.fax': {
      const p = normalizePhone(text);
      return p ? result(p, null) : result(text, 'not a 10-digit US phone number');
    }
    case 'patient.address.state': {
      const s = normalizeState(text);
      return s ? result(s, null) : result(text, 'not a USPS state code');
    }
    case 'patient.address.postalCode': {
      const z = normalizeZip(text);
      return z ? result(z, null) : result(text, 'not a 5-digit ZIP code');
    }
    case 'insurance.memberId':
    case 'insurance.groupNumber': {
      const id = normalizeIdentifier(text);
      return id ? result(id, null) : result(text.toUpperCase().replace(/\s+/g, ''), 'not an identifier');
    }
    case 'referringProvider.name': {
      const n = normalizeProviderName(text);
      return n ? result(n, null) : result(text, 'not a provider name');
    }
    case 'referringProvider.npi': {
      const digits = fixDigits(text).replace(/[\s-]+/g, '');
      const n = normalizeNpi(text);
      return n ? result(n, null) : result(digits, validateFieldValue(key, digits) ?? 'NPI checksum fails');
    }
    case 'referral.urgency': {
      const u = normalizeUrgency(text);
      return u ? result(u, null) : result(text.toLowerCase(), 'urgency must be routine, urgent or stat');
    }
    case 'referral.diagnosisCodes': {
      const codes: string[] = [];
      for (const part of text.split(/[,;/\s]+/).filter(Boolean)) {
        const c = normalizeIcd10(part);
        if (!c) return result(text.split(/[,;\s]+/).filter(Boolean).map((p) => p.toUpperCase()), 'not an ICD-10-CM code');
        if (!codes.includes(c.code)) codes.push(c.code);
      }
      return codes.length ? result(codes, null) : result([], 'no diagnosis code');
    }
    case 'patient.mrn':
    case 'patient.address.line1':
    case 'patient.address.city':
    case 'insurance.payer':
    case 'referringProvider.practice':
    case 'referral.specialty':
    case 'referral.reason':
      return result(text, validateFieldValue(key, text));
    default: {
      const never: never = key;
      return result(String(never), 'unknown field');
    }
  }
}

/** Checks a value already in normal form: null when valid, else a short non-PHI problem. */
export function validateFieldValue(key: FieldKey, value: FieldValue, options: NormalizeOptions = {}): string | null {
  const today = options.today ?? new Date();
  if (key === 'referral.diagnosisCodes') {
    if (!Array.isArray(value) || value.length === 0) return 'expected a list of ICD-10-CM codes';
    return value.every((c) => isIcd10Format(c)) ? null : 'not an ICD-10-CM code';
  }
  if (typeof value !== 'string') return 'expected text';
  if (value.trim() === '') return 'empty value';
  if (value.length > 500) return 'value too long';
  switch (key) {
    case 'patient.firstName':
    case 'patient.lastName':
      return value.split(/[\s]+/).every((w) => NAME_WORD.test(w)) && !/\.$/.test(value) ? null : 'not a name';
    case 'patient.middleName':
      return value.split(/\s+/).every((w) => NAME_WORD.test(w)) && !/\.$/.test(value) ? null : 'not a name';
    case 'patient.dob':
      return dobProblem(value, today);
    case 'referral.date':
      return recentDateProblem(value, today);
    case 'patient.sex':
      return /^[MFXU]$/.test(value) ? null : 'sex must be M, F, X or U';
    case 'patient.phone':
    case 'referringProvider.phone':
    case 'referringProvider.fax':
      return isValidPhone(value) ? null : 'not a 10-digit US phone number';
    case 'patient.address.state':
      return isStateCode(value) ? null : 'not a USPS state code';
    case 'patient.address.postalCode':
      return /^\d{5}$/.test(value) && value !== '00000' ? null : 'not a 5-digit ZIP code';
    case 'insurance.memberId':
    case 'insurance.groupNumber':
      return /^[A-Z0-9][A-Z0-9-]{2,24}$/.test(value) ? null : 'identifier must be upper case without spaces';
    case 'referringProvider.name': {
      const n = normalizeProviderName(value);
      return n === value ? null : 'provider name must be "First Last" without credentials';
    }
    case 'referringProvider.npi':
      if (!/^\d{10}$/.test(value)) return 'NPI must be 10 digits';
      return isValidNpi(value) ? null : 'NPI checksum fails';
    case 'referral.urgency':
      return /^(routine|urgent|stat)$/.test(value) ? null : 'urgency must be routine, urgent or stat';
    case 'patient.address.line1':
      return /\d/.test(value) || /^p\.?\s*o\.?\s*box/i.test(value) ? null : 'street line has no number';
    case 'patient.address.city':
      return /^[A-Za-z][A-Za-z .'-]*$/.test(value) ? null : 'not a city name';
    case 'patient.mrn':
      return /^[A-Za-z0-9][A-Za-z0-9-]{1,24}$/.test(value) && /\d/.test(value) ? null : 'not a record number';
    case 'insurance.payer':
    case 'referringProvider.practice':
    case 'referral.specialty':
    case 'referral.reason':
      return /[A-Za-z]{2}/.test(value) ? null : 'no text';
    default: {
      const never: never = key;
      return `unknown field ${String(never)}`;
    }
  }
}

