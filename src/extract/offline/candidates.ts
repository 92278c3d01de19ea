/**
 * A candidate value for a field, with the evidence and the features the
 * confidence model combines (shared by the form reader and the narrative reader).
 */
import type { FieldKey, FieldValue } from '../fields.ts';
import type { BBox } from '../layout.ts';
import type { Word } from './segments.ts';

export type Method =
  | 'label' // a label naming exactly this field
  | 'section' // a generic label resolved by its section heading
  | 'generic' // a generic label with no section
  | 'table' // a value under a table header
  | 'narrative' // a sentence pattern
  | 'signature' // the signature block of a letter
  | 'letterhead' // the top of the page
  | 'checklist'; // the one checked box of a checkbox list

export interface Candidate {
  key: FieldKey;
  value: FieldValue;
  page: number;
  bbox: BBox;
  method: Method;
  /** Lowest OCR confidence among the value's words. */
  ocr: number;
  /** The value was below its label rather than beside it. */
  below: boolean;
  /** The label matched with an OCR edit. */
  fuzzyLabel: boolean;
  /** Look-alike characters repaired (O→0 ...) or a code suggested from the list. */
  repairs: number;
  /** Field-specific doubt in [0,1] (e.g. an ICD code not in the common list). */
  doubt: number;
  /** The page is not the referral page itself (cover excluded; notes, card...). */
  offPage: boolean;
  /** In the page's top or bottom strip (a patient stamp, a running header): its case is a style. */
  margin?: boolean;
  /** An OCR'd checklist: whether the second reading of its boxes shows the same choice. */
  marks?: 'agree' | 'differ';
  /**
   * Read only to stand in for a missing value (the description beside a diagnosis code as
   * the reason): it fills the field when nothing else does, and never contradicts a reading
   * that is the field's own.
   */
  standIn?: boolean;
  /** A reason read under a note's label ("Comments", "Clinical notes"), not one naming the reason or a complaint. */
  noteLabel?: boolean;
}

/** Whether a box sits in the top or bottom 6% of its page, where stamps and running headers go. */
export function inMargin(bbox: readonly number[], pageHeight: number): boolean {
  return pageHeight > 0 && (bbox[1]! < pageHeight * 0.06 || bbox[3]! > pageHeight * 0.94);
}

/** Two boxes share some area (touching edges do not count). */
export function boxesOverlap(a: readonly number[], b: readonly number[]): boolean {
  return a[0]! < b[2]! && b[0]! < a[2]! && a[1]! < b[3]! && b[1]! < a[3]!;
}

/** Two candidates read from overlapping places of one page. */
export function samePlace(a: Candidate, b: Candidate): boolean {
  return a.page === b.page && boxesOverlap(a.bbox, b.bbox);
}

export function wordsBox(words: readonly Word[]): BBox {
  let [x0, y0, x1, y1] = words[0]!.bbox;
  for (const w of words) {
    x0 = Math.min(x0, w.bbox[0]);
    y0 = Math.min(y0, w.bbox[1]);
    x1 = Math.max(x1, w.bbox[2]);
    y1 = Math.max(y1, w.bbox[3]);
  }
  return [x0, y0, x1, y1];
}

export function minConfidence(words: readonly Word[]): number {
  return words.reduce((m, w) => Math.min(m, w.confidence), 1);
}
