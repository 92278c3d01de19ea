/**
 * The offline extractor: always available, no network. Reads a DocumentLayout
 * (pages → blocks → lines → words with boxes) into the canonical referral fields
 * of shared/spec/referral-fields.md with calibrated confidence and evidence.
 * Synchronous and pure: the same layout and options give the same result.
 */
import { FIELD_KEYS, type FieldKey } from '../fields.ts';
import { reviewGate, type ExtractedFields, type Extraction } from '../extraction.ts';
import type { BBox, DocumentLayout } from '../layout.ts';
import { isCommonIcd10, normalizeState, stateForZip, validateFieldValue } from '../normalize/index.ts';
import { icd10Description, lookAlikeCodes } from '../normalize/icd10.ts';
import { calibratedConfidence } from './calibration.ts';
import { boxesOverlap, samePlace, type Candidate } from './candidates.ts';
import { readChecklists } from './checklist.ts';
import { classify, type Classification } from './classify.ts';
import { combine, sameValue, type Chosen } from './confidence.ts';
import { sweepCodes } from './dx-sweep.ts';
import { lostValueKeys } from './lost-values.ts';
import { FRAGILE_CAP, codesMatchReason, fragilityCap, pageFacts, type PageFacts } from './fragility.ts';
import { readForm } from './form.ts';
import { readNarrative } from './narrative.ts';
import { buildPages, type PageInfo, type Word } from './segments.ts';
import { rereadVerdict } from './reread-check.ts';
import { capitaliseCaseSlips, readValue } from './values.ts';

export interface OfflineOptions {
  reviewThreshold: number;
  today?: Date;
}

/**
 * A referral is only auto-accepted when every field it reports is at least this
 * sure, not just the required ones: a reviewer feels any wrong field. Set just
 * above FRAGILE_CAP, so any reading held back as fragile (an OCR'd phone or member
 * ID with no check digit, a glyph-guessed checkbox) sends the document to a person.
 * Measured on the dev corpus (bench:extract): a floor of 0.8 accepted 33% of
 * referrals with 1.9% wrong or missing fields among them; this floor 25% with none.
 * Labels whose value could not be read are reported in notes.unreadLabels; they
 * are not a review trigger (measured: it halved auto-acceptance without lowering
 * the error rate among accepted documents).
 */
export const DOCUMENT_FIELD_FLOOR = FRAGILE_CAP + 0.005;

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** Numbers with no check digit whose OCR slips a second image of the same number rules out. */
const DIGIT_KEYS: ReadonlySet<FieldKey> = new Set(['patient.phone', 'referringProvider.phone', 'referringProvider.fax', 'insurance.groupNumber', 'insurance.memberId', 'patient.mrn']);

/**
 * Whether the value's digits (at least 6, nothing else in it) are written, read the same,
 * in another place of the document than the value itself: every page counts, cover sheet
 * and the fax machine's header line included.
 */
function digitsElsewhere(value: string, cand: Candidate, pages: readonly PageInfo[]): boolean {
  if (!/^\d{6,}$/.test(value)) return false;
  for (const page of pages) {
    for (const seg of page.segments) {
      if (page.pageNumber === cand.page && boxesOverlap(seg.bbox, cand.bbox)) continue;
      for (const m of seg.text.matchAll(/\d[\d\s().-]*\d/g)) {
        const digits = m[0].replace(/\D/g, '');
        if (digits === value || (digits.length === value.length + 1 && digits === `1${value}`)) return true;
      }
    }
  }
  return false;
}

/** All candidates, for debugging and tests, with every page of the document. */
export function offlineCandidates(layout: DocumentLayout, today: Date): { candidates: Candidate[]; cls: Classification; unread: number; unreadKeys: Set<FieldKey>; pages: PageInfo[] } {
  const pages = buildPages(layout);
  const cls = classify(pages);
  const candidates: Candidate[] = [];
  const stats = { unread: 0, unreadKeys: new Set<FieldKey>() };
  cls.contentPages.forEach((page, i) => {
    const offPage = i > 0;
    candidates.push(...readForm(page, today, offPage, offPage ? undefined : stats), ...readNarrative(page, today, offPage), ...readChecklists(page, offPage));
  });
  return { candidates, cls, unread: stats.unread, unreadKeys: stats.unreadKeys, pages };
}

/** The chosen value per field with its features (the benchmark fits the calibration on these). */
export function offlineChosen(layout: DocumentLayout, today: Date): { cls: Classification; chosen: Partial<Record<FieldKey, Chosen>>; unread: number; unreadKeys: Set<FieldKey> } {
  const { candidates, cls, unread, unreadKeys, pages: allPages } = offlineCandidates(layout, today);
  const chosen: Partial<Record<FieldKey, Chosen>> = {};
  if (cls.documentType !== 'referral') return { cls, chosen, unread, unreadKeys };
  // A bare phone, street or city line no reader placed: its field may be the one missing.
  const referralPage = cls.contentPages[0];
  if (referralPage) for (const k of lostValueKeys(referralPage, candidates)) unreadKeys.add(k);
  const byKey = new Map<FieldKey, Candidate[]>();
  for (const c of candidates) {
    if (validateFieldValue(c.key, c.value, { today }) !== null) continue;
    const list = byKey.get(c.key) ?? [];
    list.push(c);
    byKey.set(c.key, list);
  }
  // Diagnosis codes from several places on the referral page (primary, secondary, a code
  // table) are one list, not rival values.
  const dx = byKey.get('referral.diagnosisCodes');
  if (dx && dx.length > 1) byKey.set('referral.diagnosisCodes', mergeCodes(dx));
  const dobBeside = dobBesideName(byKey, cls.contentPages, today);
  if (dobBeside) byKey.set('patient.dob', [dobBeside]);
  checkStateAgainstZip(byKey, cls.contentPages);
  for (const key of FIELD_KEYS) {
    const ch = combine(key, byKey.get(key) ?? []);
    if (ch) chosen[key] = ch;
  }
  // Secondary codes further down the same column (descriptions between them).
  const dxChosen = chosen['referral.diagnosisCodes'];
  const dxPage = dxChosen && cls.contentPages.find((p) => p.pageNumber === dxChosen.candidate.page);
  if (dxChosen && dxPage) {
    const have = dxChosen.candidate.value as string[];
    const all = sweepCodes(dxPage, dxChosen.candidate, have);
    const more = all.filter((c) => !have.includes(c));
    // A swept code off the bundled list is doubtful, like one read under its label.
    const doubt = more.some((c) => !isCommonIcd10(c)) ? Math.max(dxChosen.candidate.doubt, 0.12) : dxChosen.candidate.doubt;
    if (more.length) dxChosen.candidate = { ...dxChosen.candidate, value: all, doubt };
  }
  const reasonChosen = chosen['referral.reason'];
  if (dxChosen && reasonChosen && codesMatchReason(dxChosen.candidate.value as string[], String(reasonChosen.candidate.value))) {
    dxChosen.crossChecked = true;
    reasonChosen.crossChecked = true;
  } else if (dxChosen && reasonChosen?.candidate.noteLabel && (dxChosen.candidate.value as string[]).every((c) => icd10Description(c) !== undefined)) {
    // A note's text ("Clinical Notes: Records and imaging attached") that the listed codes'
    // descriptions do not bear out is a guess at the reason: a person confirms it.
    reasonChosen.candidate = { ...reasonChosen.candidate, doubt: Math.max(reasonChosen.candidate.doubt, 0.25) };
  }
  for (const [key, ch] of Object.entries(chosen) as Array<[FieldKey, Chosen]>) {
    if (DIGIT_KEYS.has(key) && digitsElsewhere(String(ch.candidate.value), ch.candidate, allPages)) ch.digitsSeenElsewhere = true;
  }
  // An unlabelled NPI-shaped number that another label claims (a member id) is not the NPI.
  const npi = chosen['referringProvider.npi'];
  if (npi && npi.candidate.method === 'generic') {
    const claimed = (['insurance.memberId', 'insurance.groupNumber', 'patient.mrn', 'patient.phone', 'referringProvider.phone', 'referringProvider.fax'] as const)
      .some((k) => chosen[k]?.candidate.value === npi.candidate.value);
    if (claimed) delete chosen['referringProvider.npi'];
  }
  // A middle name only makes sense with the name it belongs to.
  if (chosen['patient.middleName'] && !chosen['patient.firstName']) delete chosen['patient.middleName'];
  // A middle name read beside a first name that disagrees with the chosen one ("DAN IEL
  // ROBINSON" where the form says "Daniel") is part of a misread, not a middle name.
  const mid = chosen['patient.middleName'];
  const fn = chosen['patient.firstName'];
  if (mid && fn) {
    const firsts = byKey.get('patient.firstName') ?? [];
    // The first name of the same reading: on the same line, a few words away at most.
    const misread = (m: Candidate) => firsts.some((c) => c.page === m.page && Math.abs(c.bbox[1] - m.bbox[1]) < 3 &&
      Math.abs(c.bbox[0] - m.bbox[0]) < Math.max(6, m.bbox[3] - m.bbox[1]) * 12 && !sameValue('patient.firstName', c.value, fn.candidate.value));
    if (mid.support.every(misread)) {
      const rest = (byKey.get('patient.middleName') ?? []).filter((c) => !misread(c));
      const again = combine('patient.middleName', rest);
      if (again) chosen['patient.middleName'] = again;
      else delete chosen['patient.middleName'];
    }
  }
  // A name part read only from a stamp in the page margin ("Pt: DOE, JANE ANN") takes the
  // case the referral page itself writes the name in: capitals there are the stamp's style.
  const first = chosen['patient.firstName']?.candidate;
  if (first && !first.margin && typeof first.value === 'string' && /[a-z]/.test(first.value)) {
    for (const k of ['patient.middleName', 'patient.lastName'] as const) {
      const c = chosen[k]?.candidate;
      if (c && c.margin && typeof c.value === 'string' && c.value.length > 1 && c.value === c.value.toUpperCase()) {
        c.value = c.value.toLowerCase().replace(/(^|[\s'’-])([a-z])/g, (_, p: string, ch: string) => p + ch.toUpperCase());
      }
    }
  }
  // "Fort worth", "Deborah white": on an OCR'd page a small first letter of a same-shape pair
  // (c/C, o/O, s/S, w/W ...) inside a capitalised name is its capital read small, whichever reader took it.
  for (const k of ['patient.address.city', 'referringProvider.name', 'referringProvider.practice', 'insurance.payer', 'referral.specialty'] as const) {
    const c = chosen[k]?.candidate;
    if (c && typeof c.value === 'string' && allPages.find((p) => p.pageNumber === c.page)?.source === 'ocr') c.value = capitaliseCaseSlips(c.value);
  }
  for (const ch of Object.values(chosen)) {
    let verdict = rereadVerdict(layout.pages.find((p) => p.pageNumber === ch.candidate.page), ch.candidate.bbox, { key: ch.candidate.key, value: ch.candidate.value, today });
    // A checklist's choice is in its boxes: both readings must show the same marks and option
    // words (checklist.ts), and an option row read from its marks the same choice (values.ts); a
    // box glyph the second reading glued to the option's word ("XM", "Urgent0]") changes neither.
    if (ch.candidate.method === 'checklist' || ch.candidate.marks) verdict = ch.candidate.marks;
    if (verdict) ch.reread = verdict;
  }
  return { cls, chosen, unread, unreadKeys };
}

/**
 * A date of birth whose label OCR mangled ("bos" for "DOB"): when the referral page gives
 * no date of birth at all, a cell holding nothing but a plausible birth date on the
 * patient name's row, right of the name, is read as one (generic, with doubt).
 */
function dobBesideName(byKey: Map<FieldKey, Candidate[]>, pages: readonly PageInfo[], today: Date): Candidate | null {
  if ((byKey.get('patient.dob') ?? []).some((c) => !c.offPage)) return null;
  const name = (byKey.get('patient.lastName') ?? []).find((c) => !c.offPage && (c.method === 'label' || c.method === 'section'));
  const page = name && pages.find((p) => p.pageNumber === name.page);
  if (!name || !page) return null;
  const h = Math.max(4, name.bbox[3] - name.bbox[1]);
  const row = page.segments.filter((s) => !s.faxHeader && s.bbox[0] > name.bbox[2] && Math.abs((s.bbox[1] + s.bbox[3]) / 2 - (name.bbox[1] + name.bbox[3]) / 2) < h * 0.6);
  const dates = row.flatMap((s) => {
    const v = readValue('patient.dob', s.words, today)[0];
    // The cell is the date alone, and it is at least two years back (not the referral's own date).
    if (!v || v.words.length !== s.words.length || Date.parse(String(v.value)) > today.getTime() - 2 * 365 * 86_400_000) return [];
    return [{ v, s }];
  });
  if (dates.length !== 1) return null;
  const { v, s } = dates[0]!;
  return {
    key: 'patient.dob', value: v.value, page: page.pageNumber, bbox: s.bbox, method: 'generic', ocr: s.words.reduce((m, w) => Math.min(m, w.confidence), 1),
    below: false, fuzzyLabel: false, repairs: v.repairs, doubt: Math.max(0.15, v.doubt), offPage: false,
  };
}

/** A state code standing alone between the city and the ZIP read on one row of the referral page. */
function stateBetween(byKey: Map<FieldKey, Candidate[]>, zip: Candidate, pages: readonly PageInfo[]): { value: string; word: Word } | null {
  const city = (byKey.get('patient.address.city') ?? []).find((c) => !c.offPage && c.page === zip.page);
  const page = pages.find((p) => p.pageNumber === zip.page);
  if (!city || !page) return null;
  const h = Math.max(6, zip.bbox[3] - zip.bbox[1]);
  const onRow = (b: readonly number[]) => Math.abs(b[1]! - zip.bbox[1]) < h * 0.6 && Math.abs(city.bbox[1] - zip.bbox[1]) < h * 0.6;
  const found: Array<{ value: string; word: Word }> = [];
  for (const seg of page.segments) {
    for (const w of seg.words) {
      if (w.bbox[0] < city.bbox[2] || w.bbox[2] > zip.bbox[0] || !onRow(w.bbox)) continue;
      const t = w.text.replace(/[,.]$/, '');
      const v = /^[A-Z]{2}$/.test(t) ? normalizeState(t) : null;
      if (v) found.push({ value: v, word: w });
      else if (/[A-Za-z0-9]/.test(t)) return null;
    }
  }
  return found.length === 1 ? found[0]! : null;
}

/**
 * The state and the ZIP check each other (USPS ZIP prefixes): a state that disagrees
 * with the ZIP read beside it is doubtful, and so is the ZIP; a state OCR made
 * unreadable (">" for "TX") is taken from the ZIP, as a doubtful generic reading, and one
 * written between city and ZIP under a caption OCR garbled is read there.
 */
function checkStateAgainstZip(byKey: Map<FieldKey, Candidate[]>, pages: readonly PageInfo[]): void {
  const zips = (byKey.get('patient.address.postalCode') ?? []).filter((c) => !c.offPage);
  const states = byKey.get('patient.address.state') ?? [];
  const near = (a: Candidate, b: Candidate) => a.page === b.page && Math.abs(a.bbox[1] - b.bbox[1]) < Math.max(8, (a.bbox[3] - a.bbox[1]) * 3);
  for (const st of states) {
    const zip = zips.find((z) => near(z, st));
    const expected = zip ? stateForZip(String(zip.value)) : null;
    if (zip && expected && expected !== st.value) {
      st.doubt = Math.max(st.doubt, 0.25);
      zip.doubt = Math.max(zip.doubt, 0.25);
    }
  }
  const city = (byKey.get('patient.address.city') ?? []).some((c) => !c.offPage);
  if (states.some((c) => !c.offPage) || !city || zips.length === 0) return;
  const zip = zips[0]!;
  const inferred = stateForZip(String(zip.value));
  const written = stateBetween(byKey, zip, pages);
  if (written) {
    // Under a caption OCR garbled ("st" for "State"): the code written between the city and the
    // ZIP on their row is read, and the ZIP's state confirms it or puts it in doubt.
    byKey.set('patient.address.state', [...states, { ...zip, key: 'patient.address.state', value: written.value, bbox: written.word.bbox, ocr: written.word.confidence,
      repairs: 0, doubt: written.value === inferred ? Math.max(0.05, zip.doubt) : 0.35 }]);
    return;
  }
  if (inferred && zips.every((z) => z.value === zip.value)) {
    byKey.set('patient.address.state', [...states, { ...zip, key: 'patient.address.state', value: inferred, method: 'generic', repairs: zip.repairs + 1, doubt: Math.max(0.35, zip.doubt) }]);
  }
}

function mergeCodes(cands: Candidate[]): Candidate[] {
  const onPage = cands.filter((c) => !c.offPage);
  if (onPage.length < 2) return cands;
  // The same words read by the label's reader and another (prose) reader: a code the label's reader
  // mended from its description ("120.9 - Atopic dermatitis": L20.9) is not added again as read (I20.9).
  const labelled = onPage.filter((c) => c.method === 'label');
  const mendedAway = (c: Candidate, code: string) => c.method !== 'label' &&
    labelled.some((l) => samePlace(l, c) && !(l.value as string[]).includes(code) && lookAlikeCodes(code).some((a) => (l.value as string[]).includes(a)));
  const codes: string[] = [];
  for (const c of [...onPage].sort((a, b) => a.bbox[1] - b.bbox[1])) for (const code of c.value as string[]) if (!codes.includes(code) && !mendedAway(c, code)) codes.push(code);
  const best = onPage.find((c) => c.method === 'label') ?? onPage[0]!;
  const merged: Candidate = {
    ...best,
    value: codes,
    ocr: Math.min(...onPage.map((c) => c.ocr)),
    repairs: onPage.reduce((n, c) => n + c.repairs, 0),
    doubt: Math.max(...onPage.map((c) => c.doubt)),
  };
  return [merged, ...cands.filter((c) => c.offPage)];
}

/** Per OCR'd page, the boxes of its recovered words (decode/unread-lines.ts): no second reading vouches for them. */
function recoveredBoxes(layout: DocumentLayout): Map<number, BBox[]> {
  const out = new Map<number, BBox[]>();
  for (const page of layout.pages) {
    if (page.source !== 'ocr') continue;
    const boxes = page.blocks.flatMap((b) => b.lines.flatMap((l) => l.words.filter((w) => w.recovered === true).map((w) => w.bbox)));
    if (boxes.length > 0) out.set(page.pageNumber, boxes);
  }
  return out;
}

export function extractOffline(layout: DocumentLayout, options: OfflineOptions): Extraction {
  const today = options.today ?? new Date();
  const { cls, chosen, unread, unreadKeys } = offlineChosen(layout, today);
  const fields: ExtractedFields = {};
  const facts = new Map<number, PageFacts>(cls.contentPages.map((p) => [p.pageNumber, pageFacts(p)]));
  const recovered = recoveredBoxes(layout);
  for (const key of FIELD_KEYS) {
    const ch = chosen[key];
    if (!ch) continue;
    const c = ch.candidate;
    const f = facts.get(c.page);
    let confidence = Math.min(calibratedConfidence(key, ch), f ? fragilityCap(key, ch, f) : 1);
    // Read from a line the page reading missed, cut out and read once alone: a person confirms it.
    if (recovered.get(c.page)?.some((b) => boxesOverlap(b, c.bbox))) confidence = Math.min(confidence, FRAGILE_CAP);
    fields[key] = { value: c.value, confidence: round(confidence), page: c.page, bbox: c.bbox.map(round) as typeof c.bbox };
  }
  let { needsReview: review, gate } = reviewGate(cls.documentType, cls.confidence, fields, options.reviewThreshold, DOCUMENT_FIELD_FLOOR);
  // The referral page offers a choice (a list of specialties, of priorities) and none
  // could be read as chosen: the document says something we did not get, so a person looks.
  const first = cls.documentType === 'referral' ? facts.get(cls.contentPages[0]?.pageNumber ?? -1) : undefined;
  const unreadChoices = first
    ? Number((first.specialties >= 3 || first.boxedSpecialties >= 2) && !fields['referral.specialty']) + Number(first.urgencyOptions >= 2 && !first.urgencyAllEmpty && !fields['referral.urgency'])
    : 0;
  if (unreadChoices > 0 && !review) {
    review = true;
    gate = { threshold: options.reviewThreshold, lowFields: null };
  }
  // An OCR'd referral page labels a field whose value was not read and no other place
  // gave it: recognition most likely lost the value (a lone "F" under "Sex", a faint
  // number), so what the document says is not all here and a person looks.
  const firstPage = cls.documentType === 'referral' ? cls.contentPages[0] : undefined;
  const lostValues = firstPage?.source === 'ocr' ? [...unreadKeys].filter((k) => !fields[k]) : [];
  if (lostValues.length > 0 && !review) {
    review = true;
    gate = { threshold: options.reviewThreshold, lowFields: null };
  }
  return {
    documentType: cls.documentType,
    confidence: round(cls.confidence),
    needsReview: review,
    ...(gate ? { gate } : {}),
    fields,
    pages: layout.pages.length,
    extractor: 'offline',
    notes: { kind: cls.kind, coverPages: cls.coverPages, unreadLabels: unread, unreadChoices, lostValues: lostValues.length },
  };
}
