/**
 * Values the referral page shows that no reader placed: a bare phone number, street or
 * "City, ST ZIP" line (its ZIP perhaps misread) in the body of an OCR'd page whose caption OCR garbled beyond
 * recognition ("Phune", "City/Stane/Z.P"), an identifier after or under a caption no reader
 * knew ("Molina Healthcare 1D: 36109083487", "ACCT #" over "67220704", "Acct #o. MR-615373", "Acct 7... 52400652"), a sex letter alone, or a listed diagnosis
 * code opening a line under a garbled caption or in brackets in prose, or a bare date. Such a line means a field the document gives
 * may be missing from the extraction, so when that field is missing a person looks.
 */
import type { FieldKey } from '../fields.ts';
import { parseCityStateZip } from '../normalize/address.ts';
import { isCommonIcd10, normalizeIcd10, repairCategoryLetter } from '../normalize/icd10.ts';
import { boxesOverlap, type Candidate } from './candidates.ts';
import { matchLabelAt } from './labels.ts';
import type { PageInfo, Segment } from './segments.ts';

const PHONE = /^(\+?1[-.\s]?)?\(?\d{3}\)?[-.\s]?\d{3}[-.\s]?\d{4}$/;
const STREET = /^\d{1,6}\s+([NSEW]\.?\s+)?[A-Z][A-Za-z]+(\s+[A-Z][A-Za-z]+)*\s+(St|Street|Ave|Avenue|Rd|Road|Dr|Drive|Ln|Lane|Blvd|Boulevard|Ct|Court|Way|Pl|Place|Pkwy|Cir|Circle|Trl|Trail|Hwy|Ter|Terrace)\.?(,?\s+(Apt|Unit|Suite|Ste|#)\.?\s*\S+)?$/;

const PHONE_KEYS: readonly FieldKey[] = ['patient.phone', 'referringProvider.phone', 'referringProvider.fax'];
const ID_KEYS: readonly FieldKey[] = ['insurance.memberId', 'patient.mrn'];
/** An identifier's shape: six or more letters and digits, at least five of them digits. */
const ID_SHAPED = (t: string) => /^[A-Za-z0-9-]{6,}$/.test(t) && (t.match(/\d/g) ?? []).length >= 5;
const SEX_ALONE = /^(M|F|Male|Female)$/;
const CITY_KEYS: readonly FieldKey[] = ['patient.address.city', 'patient.address.state', 'patient.address.postalCode'];
const alnum = (s: string) => s.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
const BARE_DATE = /^(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|[A-Z][a-z]{2,8}\.? \d{1,2},? ?\d{4}|\d{1,2} [A-Z][a-z]{2,8}\.? \d{4})$/;
/** Digit groups separated by spaces, the first of three or more digits ("322 587 44015"). */
const SPACED_ID = /^\d{3,}( \d{2,}){1,3}$/;
/** Dates and ZIP+4 have an identifier's shape too. */
const DATE_OR_ZIP = /^(\d{1,4}[-.]\d{1,2}[-.]\d{1,4}|\d{5}-\d{4})$/;

/** A diagnosis code's shape with OCR's look-alikes for digits: a capital, two or three digit-like characters, a dot, one to four more. */
const LOOSE_CODE = /^[A-Z][0-9lIOoSB]{2,3}\.[0-9A-Za-z]{1,4}$/;

/** A reading of the same identifier as `text` (letters and digits alike). */
function sameIdentifier(c: Candidate, text: string): boolean {
  return typeof c.value === 'string' && alnum(c.value) === alnum(text);
}

/** A listed ICD-10 code, as written or with its category letter read as a digit ("647.33"). */
function listedCode(token: string): boolean {
  const t = token.replace(/[,;:]$/, '');
  const code = repairCategoryLetter(t)?.code ?? (/^[A-Z]/i.test(t) ? normalizeIcd10(t)?.code : undefined);
  return code !== undefined && isCommonIcd10(code);
}

/** What kind of value a bare segment is, by its whole text. */
function kindOf(seg: Segment): readonly FieldKey[] {
  const text = seg.text.trim().replace(/[.,;]$/, '');
  if (PHONE.test(text)) return PHONE_KEYS;
  if (STREET.test(text)) return ['patient.address.line1'];
  if (/\d{5}(-\d{4})?$/.test(text) && parseCityStateZip(text)) return CITY_KEYS;
  // "Boise, ID 837608": a city and state before a ZIP OCR gave a digit too many or too few.
  const zipless = /^(.*[A-Za-z.,])\s+\d{4,9}$/.exec(text);
  if (zipless && parseCityStateZip(`${zipless[1]} 10001`)) return CITY_KEYS;
  // A sex letter or word alone, its caption lost ("F" under nothing).
  if (SEX_ALONE.test(text)) return ['patient.sex'];
  // A bare date under a caption OCR garbled ("ATC" for DATE): the referral's date or the birth date.
  if (BARE_DATE.test(text)) return ['referral.date', 'patient.dob'];
  // A bare identifier ("67220704", "XG352083048") whose caption no reader knew ("ACCT #", "Subscriber").
  if (ID_SHAPED(text) && !DATE_OR_ZIP.test(text)) return [...ID_KEYS, 'insurance.groupNumber'];
  // ... or one written in groups ("322 587 44015"), that is no phone number.
  if (SPACED_ID.test(text) && text.replace(/\D/g, '').length >= 8) return [...ID_KEYS, 'insurance.groupNumber'];
  // A listed diagnosis code opening a line ("G47.33 - Obstructive sleep apnea") under a caption OCR garbled.
  const first = seg.words[0]?.text ?? '';
  if (/\d/.test(first) && listedCode(first)) return ['referral.diagnosisCodes'];
  // ... or one the second reading saw where the first garbled its letter ("(56.00" read again "G56.00").
  const again = seg.words[0]?.reread?.trim() ?? '';
  if (/^[A-Z]\d/.test(again) && listedCode(again)) return ['referral.diagnosisCodes'];
  // ... or a code OCR garbled past mending, its digits read as look-alike letters ("F4l1.1").
  if (LOOSE_CODE.test(first.replace(/[,;:]$/, '')) && /\d/.test(first)) return ['referral.diagnosisCodes'];
  return [];
}

/**
 * Fields a bare value line on the page may belong to, where no candidate was read from
 * that line. The letterhead (top 15%) and the footer (bottom 8%) are left out: they
 * hold the sender's own address and numbers, which are not fields of their own.
 */
export function lostValueKeys(page: PageInfo, candidates: readonly Candidate[]): Set<FieldKey> {
  const out = new Set<FieldKey>();
  if (page.source !== 'ocr') return out;
  for (const seg of page.segments) {
    // (A lone sex letter is no letterhead's, wherever it stands.)
    if (seg.faxHeader || (seg.bbox[1] < page.height * 0.15 && !SEX_ALONE.test(seg.text.trim())) || seg.bbox[3] > page.height * 0.92) continue;
    // "1D: 36109083487" inside a line: an identifier after a caption no reader knew.
    seg.words.forEach((w, i) => {
      const next = seg.words[i + 1];
      if (i > 0 && next && /^[A-Za-z0-9#]{1,4}:$/.test(w.text) && ID_SHAPED(next.text.replace(/[,;.]$/, '')) &&
        !candidates.some((c) => c.page === page.pageNumber && boxesOverlap(c.bbox, next.bbox))) for (const k of ID_KEYS) out.add(k);
    });
    // "Chronic sinusitis (132.9)", "dermatitis (1.20.9)": a code in brackets in prose that no reader took.
    if (seg.words.some((w) => /^\([A-Z0-9$£]\.?[0-9lIO]{2}\.[0-9A-Z]{1,4}\)[.,;]?$/.test(w.text) && !candidates.some((c) => c.key === 'referral.diagnosisCodes' && c.page === page.pageNumber && boxesOverlap(c.bbox, w.bbox)))) {
      out.add('referral.diagnosisCodes');
    }
    if (matchLabelAt(seg.words, 0)) continue;
    // "Acct #o. MR-615373": an identifier closing a short line after a caption OCR garbled past knowing.
    const last = seg.words[seg.words.length - 1];
    const lastText = last?.text.replace(/[,;.]$/, '') ?? '';
    if (last && seg.words.length >= 2 && seg.words.length <= 4 && ID_SHAPED(lastText) && !DATE_OR_ZIP.test(lastText) &&
      seg.words.slice(0, -1).every((w) => (w.text.match(/\d/g) ?? []).length <= 1) && /[A-Za-z]{2}/.test(seg.words[0]!.text) &&
      !candidates.some((c) => c.page === page.pageNumber && (boxesOverlap(c.bbox, last.bbox) || sameIdentifier(c, lastText)))) {
      for (const k of [...ID_KEYS, 'insurance.groupNumber'] as const) out.add(k);
    }
    const keys = kindOf(seg);
    if (keys.length === 0) continue;
    if (candidates.some((c) => c.page === page.pageNumber && boxesOverlap(c.bbox, seg.bbox))) continue;
    // An identifier some reader took, the same, from another place (a later page's labelled copy).
    if (keys.includes('patient.mrn') && candidates.some((c) => sameIdentifier(c, seg.text))) continue;
    for (const k of keys) out.add(k);
  }
  return out;
}
