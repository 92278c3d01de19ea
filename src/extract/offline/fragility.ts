/**
 * Caps for readings that are inherently fragile, applied after calibration. The
 * calibration table is fitted on generated documents, which cannot reproduce
 * every way a real scanner and OCR engine fail (a filled checkbox read as "@", a
 * confident 4→1 digit slip). Where a reading depends on such a failure-prone
 * step and nothing in the document corroborates it, its confidence is held below
 * the review gate, so a person looks at it (issue 4: ≥ 0.95 must be right at
 * least 99.5% of the time; a wrong patient name or DOB is never auto-accepted).
 */
import type { FieldKey } from '../fields.ts';
import { icd10Description } from '../normalize/icd10.ts';
import { lookAlikeName } from '../normalize/name-lexicon.ts';
import { isListedPayer } from '../normalize/payers.ts';
import { findSpecialty } from '../normalize/specialty.ts';
import { samePlace, type Candidate } from './candidates.ts';
import type { Chosen } from './confidence.ts';
import type { PageInfo } from './segments.ts';

/** A capped value still clears the document floor (0.8) but never the review gate. */
export const FRAGILE_CAP = 0.9;
/** A value we probably read from the wrong place (an unmarked option list). */
export const UNREADABLE_CAP = 0.6;

/** Fields a reviewer must see when the page was OCR'd and nothing confirms them. */
const IDENTITY: ReadonlySet<FieldKey> = new Set(['patient.firstName', 'patient.lastName', 'patient.middleName', 'patient.dob']);

const NAME_KEYS: ReadonlySet<FieldKey> = new Set(['patient.firstName', 'patient.lastName', 'patient.middleName', 'referringProvider.name']);

/** Digit strings with no check digit: one confident OCR slip makes them wrong. */
const DIGITS: ReadonlySet<FieldKey> = new Set([
  'patient.dob', 'referral.date', 'patient.phone', 'referringProvider.phone', 'referringProvider.fax',
  'insurance.memberId', 'insurance.groupNumber', 'patient.mrn', 'patient.address.postalCode',
]);

/** Dates: a calendar and a plausible range check every reading. */
const DATE_KEYS: ReadonlySet<FieldKey> = new Set(['patient.dob', 'referral.date']);

/**
 * The OCR confidence from which a date or identifier read twice alike, unmended, is not held
 * for OCR's doubt alone. Counted on renders (OCR 0.5-0.8, read twice alike, no mend, no
 * letter/digit look-alike at the prefix): training seed 8 (600 documents) dates 22/22 right,
 * identifiers 34/35; sets 99, 4680, 5791, 6802 dates 25/25, identifiers 41/41. Under it
 * identifiers were right 9 of 12 times. Phones stay held (training 39/45: a slipped area-code
 * digit reads alike twice), as do ZIPs.
 */
export const READ_TWICE_FLOOR = 0.5;

/** Identifiers with no check digit, letters and digits mixed. */
const ID_KEYS: ReadonlySet<FieldKey> = new Set(['insurance.memberId', 'insurance.groupNumber', 'patient.mrn']);
/** Letters then digits, the last letter one OCR confuses with a digit (B/8, G/6, S/5, O/0, Z/2, I/1, D/0, Q/0). */
const BOUNDARY_LOOKALIKE = /^[A-Z]*[BGSOZIDQ]\d{5,}$/;

/** Values from a small closed set, or self-checking: a slip rarely lands on another valid value. */
const CLOSED: ReadonlySet<FieldKey> = new Set(['patient.sex', 'patient.address.state', 'referringProvider.npi', 'referral.urgency']);

/** Scored by meaning (token overlap), so a one-letter slip does not make it wrong. */
const LOOSE: ReadonlySet<FieldKey> = new Set(['referral.reason']);

const URGENCY_WORD = /(routine|urgent|stat|emergent|asap)(?![a-z])/gi;

/**
 * An urgency option written on the page: a word of its own, or one OCR glued to a
 * box it misread ("[JRoutine", "Ourgent"); not the tail of a longer word ("nonurgent").
 */
function urgencyOptions(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(URGENCY_WORD)) {
    const before = m.index === 0 ? '' : text[m.index - 1]!;
    if (!/[a-z]/.test(before) || /^[A-Z]/.test(m[1]!)) out.push(m[1]!.toLowerCase());
  }
  return out;
}
const MARKED_URGENCY = /(\[\s?[xX✓✔]\s?\]|\([xX]\)|☒|☑|■|✓|✔|⊠)\s*(routine|urgent|stat|emergent|asap)\b/i;

export interface PageFacts {
  ocr: boolean;
  /** Distinct urgency options written on the page (a priority checklist when ≥ 2). */
  urgencyOptions: number;
  /** A checkbox mark is written in the text layer next to an urgency option. */
  urgencyMarkInText: boolean;
  /** Distinct specialties named on separate lines (a specialty checklist when ≥ 3). */
  specialties: number;
  /** Distinct specialties named behind boxes ("[ ] Gastroenterology"): a checklist when ≥ 2. */
  boxedSpecialties: number;
  /**
   * OCR'd priority options, every one behind a box that reads empty twice (the decoder's
   * outline found it unfilled, or OCR read "[ ]", and the second reading saw no mark): no
   * priority was chosen, which is not a choice left unread.
   */
  urgencyAllEmpty: boolean;
}

const EMPTY_BOX = /^(☐|□|\[\s?\]|\[J|\(\s?\))$/;
const WHOLE_EMPTY_BOX = /^(☐|□|\[\s?\]|\(\s?\))$/;

/** Every urgency option on the page stands behind a box both readings show empty. */
function urgencyBoxesEmpty(page: PageInfo): boolean {
  let seen = 0;
  for (const s of page.segments) {
    if (s.faxHeader) continue;
    for (const [i, w] of s.words.entries()) {
      if (!/^(routine|urgent|stat|emergent|asap)[,;]?$/i.test(w.text)) continue;
      const box = s.words[i - 1];
      if (!box || !EMPTY_BOX.test(box.text) || box.reread === undefined || /[xX✓✔]/.test(box.reread) || /^[xX✓✔]/.test(w.reread ?? '')) return false;
      // "[J" is what OCR makes of an empty box, and of a checked one whose X it lost: one of
      // the two readings must show the box whole and empty.
      if (!WHOLE_EMPTY_BOX.test(box.text) && !WHOLE_EMPTY_BOX.test(box.reread)) return false;
      seen++;
    }
  }
  return seen >= 2;
}

export function pageFacts(page: PageInfo): PageFacts {
  const options = new Set<string>();
  const specialties = new Set<string>();
  const boxedSpecialties = new Set<string>();
  let markInText = false;
  for (const s of page.segments) {
    if (s.faxHeader) continue;
    // Options stand in a short row of their own; a sentence ("splinted in urgent care") offers none.
    if (s.words.length <= 12) for (const o of urgencyOptions(s.text.replace(/urgent\s+care/gi, ''))) options.add(o);
    if (MARKED_URGENCY.test(s.text)) markInText = true;
    // One specialty a line, or every one of a row of boxed options ("[ ] Cardiology, ☐ Dermatology, [X] ...").
    const boxed = /☐|☒|☑|\[|\]/.test(s.text);
    // A line of nothing but specialties ("Podiatry, Pulmonology") lists them all too.
    const named: string[] = [];
    let rest = s.text;
    let residue = '';
    for (let sp = findSpecialty(rest); sp; sp = findSpecialty(rest)) {
      named.push(sp.value.toLowerCase());
      residue += rest.slice(0, sp.index);
      rest = rest.slice(sp.index + sp.value.length);
    }
    const onlyNames = named.length >= 2 && /^[\s,;/&|-]*((and|or)[\s,;/&|-]*)?$/i.test(residue.replace(/^[^:]*:/, '') + rest);
    for (const n of boxed || onlyNames ? named : named.slice(0, 1)) specialties.add(n);
    if (boxed) for (const n of named) boxedSpecialties.add(n);
  }
  const ocr = page.source === 'ocr';
  return { ocr, urgencyOptions: options.size, urgencyMarkInText: markInText, specialties: specialties.size, boxedSpecialties: boxedSpecialties.size, urgencyAllEmpty: ocr && urgencyBoxesEmpty(page) };
}

/** A specialty named as its list names it ("Neurology", "Gastroenterology"), case aside. */
function listedSpecialty(value: string): boolean {
  return findSpecialty(value)?.value.toLowerCase() === value.trim().toLowerCase();
}

/** Agreeing readings from different places in the document (not the same words read twice). */
export function independentReadings(chosen: Chosen): number {
  const places: Candidate[] = [];
  for (const c of chosen.support) if (!places.some((p) => samePlace(p, c))) places.push(c);
  return places.length;
}

/** The highest confidence this reading may claim, or 1 when nothing caps it. */
const STOP = new Set(['and', 'the', 'of', 'with', 'without', 'unspecified', 'other', 'side', 'left', 'right', 'for', 'due', 'to', 'in', 'not', 'elsewhere', 'classified']);

function contentWords(s: string): Set<string> {
  return new Set(s.toLowerCase().split(/[^a-z]+/).filter((t) => t.length >= 4 && !STOP.has(t)));
}

/**
 * Diagnosis codes and reason confirm each other when every code is on the bundled
 * list and one code's description shares a content word with the reason
 * ("I10 Essential (primary) hypertension" and "hypertension, poorly controlled").
 */
export function codesMatchReason(codes: readonly string[], reason: string): boolean {
  if (!codes.length || !codes.every((c) => icd10Description(c) !== undefined)) return false;
  const r = contentWords(reason);
  return codes.some((c) => [...contentWords(icd10Description(c)!)].some((t) => r.has(t) || [...r].some((x) => x.length >= 5 && (x.startsWith(t.slice(0, 5)) || t.startsWith(x.slice(0, 5))))));
}

export function fragilityCap(key: FieldKey, chosen: Chosen, facts: PageFacts): number {
  const c = chosen.candidate;
  const corroborated = independentReadings(chosen) > 1 || chosen.crossChecked === true || chosen.digitsSeenElsewhere === true;
  let cap = 1;
  // Read twice alike: a second recognition of the words, cut out and scaled up
  // (decode/reread.ts), saw the same letters and digits (and, for a checklist, the same
  // marks in its boxes). Its calibration bucket, counted on real OCR, then says how sure
  // the value is.
  const verified = chosen.reread === 'agree';
  // A value a validator doubted this much (a state inferred from the ZIP, a clash with
  // a neighbouring field) is a guess, however its bucket fared: a person confirms it.
  if (c.doubt >= 0.25) cap = Math.min(cap, FRAGILE_CAP);
  if (key === 'referral.urgency' && facts.urgencyOptions >= 2) {
    // A priority checklist: on a scan the box's state is a guess from OCR glyphs;
    // in a text layer whose boxes are drawn (not written) the state is invisible.
    // On a scan, a choice read from its boxes that the second reading's marks confirm stands.
    if (facts.ocr && !(verified && (c.method === 'checklist' || c.marks === 'agree'))) cap = Math.min(cap, FRAGILE_CAP);
    else if (!facts.ocr && !facts.urgencyMarkInText && c.method !== 'checklist') cap = Math.min(cap, UNREADABLE_CAP);
  }
  // A specialty checklist (three named, or two behind boxes: "[ ] Endocrinology, ☒ Otolaryr"): OCR'd box
  // glyphs are guesses; in a text layer only a written mark counts.
  if (key === 'referral.specialty' && (facts.specialties >= 3 || facts.boxedSpecialties >= 2) && !corroborated && ((facts.ocr && !verified) || c.method !== 'checklist')) cap = Math.min(cap, FRAGILE_CAP);
  // A sex read from OCR'd boxes is a glyph guess like any other checkbox.
  if (key === 'patient.sex' && c.method === 'checklist' && facts.ocr && !corroborated && !verified) cap = Math.min(cap, FRAGILE_CAP);
  // A digit string OCR itself was unsure of (under 0.8) is right about nine times in ten even
  // when the second reading agrees (training counts: phones 110/119, IDs 96/107, dates 27/29),
  // a rate its coarse calibration bucket does not see: a person confirms it.
  // Dates and identifiers read twice alike, as written (nothing mended), with OCR at least half
  // sure, are the exception: the slips of those read twice alike were under half sure, mended
  // ("1" for a letter) or a letter/digit look-alike at the prefix (held below).
  const sureOfShape = verified && c.repairs === 0 && c.ocr >= READ_TWICE_FLOOR && (DATE_KEYS.has(key) || ID_KEYS.has(key));
  if (facts.ocr && !corroborated && DIGITS.has(key) && c.ocr < 0.8 && !sureOfShape) cap = Math.min(cap, FRAGILE_CAP);
  // The patient is written the same on every page: a name or birth date another page (an office
  // note, a stamp) gives otherwise ("Wel" / "Wei") is a reading a person settles.
  if (IDENTITY.has(key) && chosen.disputed) cap = Math.min(cap, FRAGILE_CAP);
  // A name no list knows, one look-alike slip from a name it knows ("Wel" / "Wei", "lan" / "Ian"):
  // both readings of a line can make the same slip, so agreement does not settle it.
  if (facts.ocr && NAME_KEYS.has(key) && String(c.value).split(/[\s-]+/).some((part) => lookAlikeName(part) !== null)) cap = Math.min(cap, FRAGILE_CAP);
  // A name off its list (a specialty, a payer) with a word OCR was unsure of is garbled about
  // half the time even when both readings agree ("Newology", "Unitedtcaltheare"; rendered sets:
  // specialties 3 of 7 right), where listed names read as unsurely are right.
  if (facts.ocr && c.ocr < 0.7 && typeof c.value === 'string' && ((key === 'referral.specialty' && !listedSpecialty(c.value)) || (key === 'insurance.payer' && !isListedPayer(c.value)))) {
    cap = Math.min(cap, FRAGILE_CAP);
  }
  // An identifier whose letters end in a digit's look-alike before its digits ("AB570472": A8570472 or
  // AB570472?) is as likely the one as the other whatever OCR's confidence: on the rendered sets such
  // IDs at >= 0.95 were right 35 times in 39. Unless another place gives the same, a person looks.
  if (facts.ocr && !corroborated && ID_KEYS.has(key) && typeof c.value === 'string' && BOUNDARY_LOOKALIKE.test(c.value)) cap = Math.min(cap, FRAGILE_CAP);
  // A reason whose weakest word OCR scored under 0.5, read otherwise the second time, is as often
  // garbled as not ("Palproat tons god abnorual £CG"; training's bucket 2 of 4 right): a person reads it.
  if (facts.ocr && key === 'referral.reason' && chosen.reread === 'differ' && c.ocr < 0.5) cap = Math.min(cap, FRAGILE_CAP);
  if (facts.ocr && !corroborated && !verified) {
    if (IDENTITY.has(key)) cap = Math.min(cap, FRAGILE_CAP);
    else if (DIGITS.has(key) && (c.ocr < 0.97 || c.repairs > 0)) cap = Math.min(cap, FRAGILE_CAP);
    else if (c.fuzzyLabel) cap = Math.min(cap, FRAGILE_CAP);
    // Any other OCR'd reading with a doubtful word, unless its vocabulary is closed
    // (sex, state) or it carries a check digit (NPI: Luhn).
    else if (c.ocr < 0.95 && !CLOSED.has(key) && !LOOSE.has(key)) cap = Math.min(cap, FRAGILE_CAP);
  }
  return cap;
}
