/**
 * Diagnosis lists often run down a column with a description under or beside
 * each code ("R00.2 / Palpitations / I49.3 / Ventricular premature
 * depolarization"), and OCR reads a leading I as 1 ("I10" → "110"). After the
 * codes under a label are read, this sweeps the same column downwards for more
 * code lines, so secondary diagnoses are not silently dropped. Only codes on
 * the bundled list, or with a listed category and a subcode (I49.3 when I49.9 is
 * listed), are taken from a sweep: a stray number is not a diagnosis.
 */
import { isCommonIcd10, isKnownCategory, lookAlikeCodes, normalizeIcd10 } from '../normalize/icd10.ts';
import { boxesOverlap, type Candidate } from './candidates.ts';
import type { PageInfo, Segment } from './segments.ts';

/** A code token as OCR may write it: "I10", "110" (I read as 1), "149.3", "M54.50,", "M25.511\"". */
export function codeFromToken(text: string): string | null {
  // A quote mark OCR made of speckle ("M25.511\"") is no part of the code.
  const raw = text.replace(/^[([‘“"']+|[)\],;:.’”"']+$/g, '');
  // The dot lost by OCR ("F411"): only a listed code.
  if (/^[A-Z][0-9][0-9A-Z]{2,5}$/i.test(raw)) {
    const dotted = `${raw.slice(0, 3)}.${raw.slice(3)}`.toUpperCase();
    return isCommonIcd10(dotted) ? dotted : null;
  }
  if (!/^[A-Za-z0-9]{3}(\.[A-Za-z0-9]{1,4})?$/.test(raw)) return null;
  // A leading "1" or "l" where the category letter I belongs.
  const asI = /^[1l|]\d{2}(\.\d{1,4})?$/.test(raw) ? `I${raw.slice(1)}` : null;
  for (const r of asI ? [raw, asI] : [raw]) {
    if (/^\d+$/.test(r)) continue;
    const c = normalizeIcd10(r);
    if (c && (isCommonIcd10(c.code) || (c.code.length > 3 && isKnownCategory(c.code.slice(0, 3))))) return c.code;
  }
  return null;
}

/** The chosen codes plus further listed codes in their column, in reading order. */
export function sweepCodes(page: PageInfo, chosen: Candidate, have: readonly string[]): string[] {
  if (chosen.page !== page.pageNumber) return [];
  const x0 = chosen.bbox[0];
  // From the top of the codes already read: a multi-line reading may have skipped
  // a misread code between two good ones.
  const below: Segment[] = page.segments
    .filter((s) => !s.faxHeader && s.bbox[1] >= chosen.bbox[1] - 2 && Math.abs(s.bbox[0] - x0) <= 15)
    .sort((a, b) => a.bbox[1] - b.bbox[1]);
  if (!below.length) return [];
  const lineH = Math.max(6, below[0]!.bbox[3] - below[0]!.bbox[1]);
  let bottom = below[0]!.bbox[1];
  const out: string[] = [];
  let found = 0;
  let misses = 0;
  for (const s of below) {
    // A gap of more than two lines ends the list.
    if (s.bbox[1] - bottom > lineH * 2.6) break;
    const first = s.words[0]?.text.replace(/^[([]+|[)\],;:.]+$/g, '') ?? '';
    // A code already read (under the label) continues the list even when it is off the bundled list.
    const already = normalizeIcd10(first)?.code;
    let code = s.words[0] ? codeFromToken(s.words[0].text) ?? (already && have.includes(already) ? already : null) : null;
    // The chosen reading's own code, its category letter mended there from the description beside it ("120.9" as L20.9).
    if (code && !have.includes(code) && boxesOverlap(s.words[0]!.bbox, chosen.bbox)) code = lookAlikeCodes(code).find((c) => have.includes(c)) ?? code;
    if (code) {
      if (!out.includes(code)) out.push(code);
      if (!have.includes(code)) found++;
      misses = 0;
    } else if (++misses >= 2) break;
    bottom = s.bbox[3];
  }
  if (found === 0) return [...have];
  // Reading order down the column; codes read elsewhere (beside the label) keep their place first.
  return [...have.filter((c) => !out.includes(c)), ...out];
}
