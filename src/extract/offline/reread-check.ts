/**
 * Whether the second OCR reading (decode/reread.ts) agrees with the words a value
 * was read from. Letters, digits and "&" are compared, case aside: punctuation and
 * spacing differences ("S52.501A" / "S52501A", "03/1 4/1962") do not change a
 * value, a different glyph does, unless the field's own reader makes the same coded
 * value of both readings ("E11.65" / "El1.65").
 */
import type { FieldKey, FieldValue } from '../fields.ts';
import type { BBox, LayoutPage } from '../layout.ts';
import { sameValue } from './confidence.ts';
import { normWord, type Word } from './segments.ts';
import { readValue } from './values.ts';

export type RereadVerdict = 'agree' | 'differ';

// "&" is kept: one reading seeing "Endocrinology&" where the other saw "Endocrinology" lost a word of the value.
const canon = (s: string) => s.normalize('NFKC').replace(/[^\p{L}\p{N}&]/gu, '').toLowerCase();

function overlapsMostly(a: BBox, b: BBox): boolean {
  const ox = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const oy = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  return ox > 0.5 * Math.min(a[2] - a[0], b[2] - b[0]) && oy > 0.5 * Math.min(a[3] - a[1], b[3] - b[1]);
}

/**
 * 'agree' when every OCR'd word under the value's box was read twice alike;
 * 'differ' when any was read differently; undefined on a text layer, or when a
 * word was not read twice.
 */
export function rereadVerdict(page: LayoutPage | undefined, bbox: BBox, value?: { key: FieldKey; value: FieldValue; today: Date }): RereadVerdict | undefined {
  if (!page || page.source !== 'ocr') return undefined;
  let words = 0;
  const again: Word[] = [];
  let first = '';
  let second = '';
  for (const block of page.blocks) {
    for (const line of block.lines) {
      if (line.bbox[3] < bbox[1] || line.bbox[1] > bbox[3]) continue;
      for (const w of line.words) {
        if (!/[\p{L}\p{N}]/u.test(w.text) || !overlapsMostly(w.bbox, bbox)) continue;
        if (w.reread === undefined) return undefined;
        words += 1;
        first += canon(w.text);
        second += canon(w.reread);
        if (w.reread.trim()) again.push({ text: w.reread.trim(), norm: normWord(w.reread.trim()), bbox: w.bbox, confidence: w.confidence });
      }
    }
  }
  if (words === 0) return undefined;
  // Compared as one run of characters: a second reading that glued two words ("CommunityHealth",
  // given to one word's box and none to the other's) read the same letters.
  if (first === second) return 'agree';
  // Coded values (digits, codes, a state) and names from a closed list (payer, specialty, sex,
  // priority): the second reading, read by the field's own reader, gives the same value
  // ("E11.65" / "El1.65", "ID" / "1D", "Cigna" / "Cigha", "GI" / "Gl"). Free text (names,
  // streets, practices) keeps the letter-for-letter comparison.
  if (value && VALUE_CHECKED.has(value.key)) {
    const read = readValue(value.key, again, value.today)[0];
    if (read && read.key === value.key && sameValue(value.key, read.value, value.value)) return 'agree';
  }
  return 'differ';
}

const VALUE_CHECKED: ReadonlySet<FieldKey> = new Set([
  'patient.dob', 'referral.date', 'patient.phone', 'referringProvider.phone', 'referringProvider.fax', 'insurance.memberId',
  'insurance.groupNumber', 'patient.mrn', 'patient.address.postalCode', 'referringProvider.npi', 'referral.diagnosisCodes', 'patient.address.state',
  'insurance.payer', 'referral.specialty', 'patient.sex', 'referral.urgency',
]);
