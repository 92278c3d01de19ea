/**
 * US phone numbers (NANP): normal form is 10 digits. The area code and exchange
 * must start with 2-9, as the North American Numbering Plan requires.
 */
import { fixDigits } from './ocr-digits.ts';

/** Extracts a 10-digit NANP number from text such as "(512) 774-0152 ext 4", or null. */
export function normalizePhone(raw: string): string | null {
  const cleaned = fixDigits(raw.replace(/\b(ext|x|extension)\.?\s*\d+\s*$/i, ''));
  let digits = cleaned.replace(/\D+/g, '');
  if (digits.length === 11 && digits.startsWith('1')) digits = digits.slice(1);
  if (digits.length !== 10) return null;
  return isValidPhone(digits) ? digits : null;
}

export function isValidPhone(digits: string): boolean {
  return /^[2-9]\d{2}[2-9]\d{6}$/.test(digits);
}

/** "(512) 774-0152" shapes as a regex source, for finding phones inside a line. */
export const PHONE_PATTERN = String.raw`(?:\+?1[\s.-]?)?\(?[2-9OlIS]\w{2}\)?[\s.-]{0,2}\w{3}[\s.-]{0,2}\w{4}`;
