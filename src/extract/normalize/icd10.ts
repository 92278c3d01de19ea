/**
 * ICD-10-CM codes: format check, OCR repair (letters and digits by position) and
 * the bundled list of common codes. Normal form: upper case with the dot.
 * Format per the ICD-10-CM Official Guidelines: a letter, a digit, a digit or
 * letter, then optionally a dot and 1-4 characters (the 7th may be a letter).
 */
import { COMMON_ICD10 } from './icd10-common.ts';

export const ICD10_FORMAT = /^[A-TV-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?$/;

/** Finds code-shaped tokens in text (before repair). */
export const ICD10_CANDIDATE = /\b([A-TV-Za-z0-9][0-9OlIS][0-9A-Za-z])(?:\s?\.\s?([0-9A-Za-z]{1,4}))?\b/g;

const TO_DIGIT: Record<string, string> = { O: '0', Q: '0', D: '0', I: '1', L: '1', S: '5', Z: '2', B: '8', G: '6' };
const TO_LETTER: Record<string, string> = { '0': 'O', '1': 'I', '5': 'S', '2': 'Z', '8': 'B', '6': 'G' };

export function isIcd10Format(code: string): boolean {
  return ICD10_FORMAT.test(code);
}

export function isCommonIcd10(code: string): boolean {
  return Object.hasOwn(COMMON_ICD10, code);
}

export function icd10Description(code: string): string | undefined {
  return COMMON_ICD10[code];
}

/**
 * Repairs and formats a raw code: "m545O" → "M54.50", "E119" → "E11.9".
 * Returns null when it cannot be a code. `repaired` counts look-alike fixes.
 */
export function normalizeIcd10(raw: string): { code: string; repaired: number } | null {
  let s = raw.trim().toUpperCase().replace(/\s+/g, '').replace(/[,;:]$/, '');
  if (s.length < 3 || s.length > 8) return null;
  const dot = s.indexOf('.');
  if (dot !== -1 && dot !== 3) return null;
  s = s.replace('.', '');
  if (s.length < 3 || s.length > 7) return null;
  // All digits and no dot is a number, not a misread code.
  if (/^\d+$/.test(s) && dot === -1) return null;
  let repaired = 0;
  const chars = [...s];
  // 1st: a letter (not U); 2nd: a digit; 3rd: digit or letter; 4th-6th: usually digits.
  if (/[0-9]/.test(chars[0]!)) {
    const l = TO_LETTER[chars[0]!];
    if (!l) return null;
    chars[0] = l;
    repaired++;
  }
  if (!/[0-9]/.test(chars[1]!)) {
    const d = TO_DIGIT[chars[1]!];
    if (!d) return null;
    chars[1] = d;
    repaired++;
  }
  // No ICD-10-CM category uses the letter O in third place (C4A, M1A... use others).
  if (chars[2] === 'O') {
    chars[2] = '0';
    repaired++;
  }
  for (let i = 3; i < Math.min(chars.length, 6); i++) {
    const c = chars[i]!;
    if (c === 'O') {
      chars[i] = '0';
      repaired++;
    }
  }
  const body = chars.join('');
  const code = body.length > 3 ? `${body.slice(0, 3)}.${body.slice(3)}` : body;
  if (!isIcd10Format(code)) return null;
  // A look-alike fix is only trusted when it lands on a known code or category:
  // "ZZZ" → "Z2Z" is a guess, not a reading.
  if (repaired > 0 && !isCommonIcd10(code) && !isKnownCategory(code.slice(0, 3))) return null;
  return { code, repaired };
}

let categories: Set<string> | null = null;

/** The 3-character category of some bundled code ("M54" for M54.50). */
export function isKnownCategory(category: string): boolean {
  categories ??= new Set(Object.keys(COMMON_ICD10).map((c) => c.slice(0, 3)));
  return categories.has(category);
}

/**
 * A bare 3-character category that is not itself a billable code on the list
 * while the list has codes under it ("M62" for M62.81): usually a truncated
 * reading (the decimals lost to OCR or a line break).
 */
export function looksTruncatedIcd10(code: string): boolean {
  return code.length === 3 && !isCommonIcd10(code) && isKnownCategory(code);
}

/** Listed codes one OCR look-alike away from `code` (to suggest a repair). */
export function suggestIcd10(code: string): string[] {
  if (isCommonIcd10(code)) return [code];
  const out: string[] = [];
  for (const listed of Object.keys(COMMON_ICD10)) {
    if (listed.length !== code.length) continue;
    let diff = 0;
    for (let i = 0; i < code.length && diff < 2; i++) {
      const a = code[i]!;
      const b = listed[i]!;
      if (a !== b && !(TO_DIGIT[a] === b || TO_DIGIT[b] === a)) diff = 2;
      else if (a !== b) diff++;
    }
    if (diff === 1) out.push(listed);
  }
  return out;
}

/** Letters a category letter is misread as, by OCR: "$83.241A" (S), "247.1" (Z), "796.641" (Z or T), "]32.9" (J). */
const LETTER_LOOKALIKES: Record<string, readonly string[]> = {
  $: ['S'], '£': ['E'], ']': ['J'], '|': ['I', 'J', 'L'], '5': ['S'], '2': ['Z'], '7': ['Z', 'T'], '8': ['B', 'S'], '1': ['I', 'L'], '0': ['O', 'D', 'Q'], '6': ['G'], '4': ['A'],
};

/**
 * A dotted code whose category letter OCR read as a digit or a symbol. Taken when exactly
 * one look-alike letter gives a listed code or a listed category (an ICD-9 code such as
 * "401.9" has the same shape, so an unlisted guess is not taken). Only for tokens read
 * where a code is expected (under a diagnosis label): a bare number elsewhere is not a code.
 */
export function repairCategoryLetter(raw: string): { code: string; doubt: number } | null {
  const m = /^([0-9$£\]|])([0-9])([0-9A-Z])\.([0-9A-Z]{1,4})$/.exec(raw.toUpperCase());
  if (!m) return null;
  const letters = LETTER_LOOKALIKES[m[1]!] ?? [];
  const codes = letters.map((l) => `${l}${m[2]}${m[3]}.${m[4]}`).filter((c) => isIcd10Format(c));
  const known = codes.filter((c) => isCommonIcd10(c) || isKnownCategory(c.slice(0, 3)));
  if (known.length === 1) return { code: known[0]!, doubt: isCommonIcd10(known[0]!) ? 0 : 0.12 };
  return null;
}

/**
 * Listed codes that differ from `code` only in a category letter OCR confuses with it
 * (I/L, both read from a "1"; O/D/Q; B/S; Z/T): "I20.9" -> ["L20.9"].
 */
export function lookAlikeCodes(code: string): string[] {
  const letter = code[0]!.toUpperCase();
  const others = new Set<string>();
  for (const letters of Object.values(LETTER_LOOKALIKES)) if (letters.includes(letter)) for (const l of letters) if (l !== letter) others.add(l);
  return [...others].map((l) => `${l}${code.slice(1)}`).filter((c) => isCommonIcd10(c));
}

