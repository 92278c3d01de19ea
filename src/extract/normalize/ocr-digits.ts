/**
 * OCR confusions in fields that should hold digits: O/o/Q/D → 0, l/I/i/|/! → 1,
 * S/s → 5, B → 8, Z/z → 2, G → 6. Applied only where the field is known to be
 * numeric, so names and free text are never rewritten.
 */

const DIGIT_LOOKALIKES: Record<string, string> = {
  O: '0', o: '0', Q: '0', D: '0',
  l: '1', I: '1', i: '1', '|': '1', '!': '1', L: '1',
  S: '5', s: '5',
  B: '8',
  Z: '2', z: '2',
  G: '6', b: '6',
};

/** Replaces look-alike letters by digits. */
export function fixDigits(raw: string): string {
  let out = '';
  for (const ch of raw) out += DIGIT_LOOKALIKES[ch] ?? ch;
  return out;
}

/** Counts look-alike substitutions that fixDigits would make (each one costs confidence). */
export function countDigitFixes(raw: string): number {
  let n = 0;
  for (const ch of raw) if (DIGIT_LOOKALIKES[ch] !== undefined) n++;
  return n;
}

/** Only the digits of a string after look-alike repair. */
export function digitsOf(raw: string): string {
  return fixDigits(raw).replace(/\D+/g, '');
}
