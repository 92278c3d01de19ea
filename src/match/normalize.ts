/**
 * Normal forms for comparing demographics: names as upper-case ASCII letters with
 * the generational suffix split off (so "Smith Jr." and "SMITH" compare as the
 * same surname but a Jr./Sr. conflict is still seen), phones as 10 digits, DOBs
 * as validated ISO dates, and the DOB error variants (day/month swapped, adjacent
 * digits transposed, one digit off) that blocking and comparison both use.
 * Bad input yields null fields, never an exception.
 */
import type { Demographics } from './demographics.ts';

export interface NormalDemographics {
  /** Letters only, upper case, e.g. "MARYANN" for "Mary-Ann". */
  first: string | null;
  middle: string | null;
  /** Letters only, no suffix, e.g. "GARCIALOPEZ". */
  last: string | null;
  /** Surname parts split on hyphens and spaces, e.g. ["GARCIA", "LOPEZ"]. */
  lastParts: string[];
  /** JR, SR, II, III, IV, V or null. */
  suffix: string | null;
  dob: string | null;
  sex: 'M' | 'F' | 'X' | 'U' | null;
  phone: string | null;
  postal: string | null;
  address: string | null;
  memberId: string | null;
  mrn: string | null;
}

const SUFFIXES: Record<string, string> = {
  JR: 'JR', JUNIOR: 'JR', SR: 'SR', SENIOR: 'SR', II: 'II', '2ND': 'II', III: 'III', '3RD': 'III', IV: 'IV', '4TH': 'IV', V: 'V',
};

function clean(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const v = value.trim();
  return v.length > 0 && v.length <= 200 ? v : null;
}

/** Upper-case words of a name, accents stripped, punctuation dropped (hyphens split words). */
export function nameWords(value: unknown): string[] {
  const v = clean(value);
  if (!v) return [];
  return v
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/['’`.]/g, '')
    .split(/[^A-Z0-9]+/)
    .filter((w) => w.length > 0);
}

/** Splits a trailing generational suffix off a name's words. */
export function splitSuffix(words: string[]): { words: string[]; suffix: string | null } {
  if (words.length > 1) {
    const last = words[words.length - 1] as string;
    const suffix = SUFFIXES[last];
    if (suffix) return { words: words.slice(0, -1), suffix };
  }
  return { words, suffix: null };
}

function lettersOnly(words: string[]): string | null {
  const joined = words.join('').replace(/[^A-Z]/g, '');
  return joined.length > 0 ? joined : null;
}

export function normalizePhone(value: unknown): string | null {
  const v = clean(value);
  if (!v) return null;
  let digits = v.replace(/\D/g, '');
  if (digits.length === 11 && digits.startsWith('1')) digits = digits.slice(1);
  return digits.length === 10 ? digits : null;
}

export function isValidIsoDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1850 || y > 2200 || mo < 1 || mo > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d <= days;
}

/** ISO date from YYYY-MM-DD or MM/DD/YYYY; null when not a real date. */
export function normalizeDob(value: unknown): string | null {
  const v = clean(value);
  if (!v) return null;
  let iso = v.slice(0, 10);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
  if (us) iso = `${us[3]}-${us[1]!.padStart(2, '0')}-${us[2]!.padStart(2, '0')}`;
  return isValidIsoDate(iso) ? iso : null;
}

export function normalizeSex(value: unknown): NormalDemographics['sex'] {
  const v = clean(value)?.toUpperCase();
  if (!v) return null;
  if (v === 'M' || v === 'MALE') return 'M';
  if (v === 'F' || v === 'FEMALE') return 'F';
  if (v === 'X') return 'X';
  if (v === 'U' || v === 'UNKNOWN') return 'U';
  return null;
}

export function normalizePostal(value: unknown): string | null {
  const v = clean(value);
  if (!v) return null;
  const m = /^(\d{5})(?:-?\d{4})?$/.exec(v.replace(/\s/g, ''));
  return m ? (m[1] as string) : null;
}

function normalizeId(value: unknown): string | null {
  const v = clean(value);
  if (!v) return null;
  const id = v.toUpperCase().replace(/\s+/g, '');
  return id.length > 0 ? id : null;
}

export function normalizeAddress(value: unknown): string | null {
  const words = nameWords(value);
  return words.length > 0 ? words.join(' ') : null;
}

/** The normalised last name and its blocking parts, as the loader and the matcher compute them. */
export function normalizeLastName(value: unknown): { last: string | null; parts: string[]; suffix: string | null } {
  const { words, suffix } = splitSuffix(nameWords(value));
  const parts = words.map((w) => w.replace(/[^A-Z]/g, '')).filter((w) => w.length > 0);
  return { last: lettersOnly(words), parts, suffix };
}

export function normalizeDemographics(d: Demographics): NormalDemographics {
  const firstSplit = splitSuffix(nameWords(d.firstName));
  const lastName = normalizeLastName(d.lastName);
  const explicitSuffix = splitSuffix(['X', ...nameWords(d.suffix)]).suffix;
  return {
    first: lettersOnly(firstSplit.words),
    middle: lettersOnly(nameWords(d.middleName)),
    last: lastName.last,
    lastParts: lastName.parts,
    suffix: explicitSuffix ?? lastName.suffix ?? firstSplit.suffix,
    dob: normalizeDob(d.dob),
    sex: normalizeSex(d.sex),
    phone: normalizePhone(d.phone),
    postal: normalizePostal(d.postalCode),
    address: normalizeAddress(d.addressLine1),
    memberId: normalizeId(d.memberId),
    mrn: normalizeId(d.mrn),
  };
}

// ---- DOB error variants ----

function isoOf(digits: string): string {
  return `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`;
}

/** Day and month exchanged (only when both could be a month and they differ). */
export function swapDayMonth(dob: string): string | null {
  const swapped = `${dob.slice(0, 4)}-${dob.slice(8, 10)}-${dob.slice(5, 7)}`;
  return swapped !== dob && isValidIsoDate(swapped) ? swapped : null;
}

/** Dates one adjacent-digit transposition away (YYYYMMDD). */
export function transposedDates(dob: string): string[] {
  const digits = dob.replace(/-/g, '');
  const out = new Set<string>();
  for (let i = 0; i < 7; i++) {
    if (digits[i] === digits[i + 1]) continue;
    const t = digits.slice(0, i) + digits[i + 1] + digits[i] + digits.slice(i + 2);
    const iso = isoOf(t);
    if (isValidIsoDate(iso)) out.add(iso);
  }
  return [...out];
}

/** Dates with exactly one digit different (YYYYMMDD). */
export function oneDigitOffDates(dob: string): string[] {
  const digits = dob.replace(/-/g, '');
  const out: string[] = [];
  for (let i = 0; i < 8; i++) {
    for (let c = 0; c <= 9; c++) {
      const ch = String(c);
      if (ch === digits[i]) continue;
      const iso = isoOf(digits.slice(0, i) + ch + digits.slice(i + 1));
      if (isValidIsoDate(iso)) out.push(iso);
    }
  }
  return out;
}

/** Every date a typo could have turned `dob` into (for name-keyed blocking). */
export function dobVariants(dob: string): string[] {
  const set = new Set<string>([dob, ...transposedDates(dob), ...oneDigitOffDates(dob)]);
  const swapped = swapDayMonth(dob);
  if (swapped) set.add(swapped);
  return [...set];
}
