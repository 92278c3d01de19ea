/**
 * National Provider Identifier: 10 digits whose check digit is the Luhn check
 * over the number prefixed with 80840 (CMS NPI check-digit specification).
 */
import { fixDigits } from './ocr-digits.ts';

export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export function isValidNpi(value: string): boolean {
  return /^[12]\d{9}$/.test(value) && luhnValid(`80840${value}`);
}

/** The check digit for the first nine digits of an NPI (for generators and tests). */
export function npiCheckDigit(first9: string): number {
  for (let d = 0; d <= 9; d++) if (luhnValid(`80840${first9}${d}`)) return d;
  return 0;
}

/** "NPI: 1306O82904" → "1306082904" if it then passes the check, else null. */
export function normalizeNpi(raw: string): string | null {
  const digits = fixDigits(raw).replace(/[\s-]+/g, '');
  const m = /^\d{10}$/.exec(digits);
  if (!m) return null;
  return isValidNpi(digits) ? digits : null;
}
