/**
 * The form reader: finds labels on a page, decides which field each names (from
 * the label itself or the section heading above it, column-aware), and reads the
 * value to the right of the label, in the next cell on the same line, or under it
 * (table headers, stacked forms). Works on geometry, not on fixed templates.
 */
import type { FieldKey } from '../fields.ts';
import { inMargin, minConfidence, wordsBox, type Candidate, type Method } from './candidates.ts';
import { COLON_SPECK, matchLabelAt, type LabelMatch, type Section, type Slot } from './labels.ts';
import { lineHeight, type PageInfo, type Segment, type Word } from './segments.ts';
import { readValue, STRICT_KEYS } from './values.ts';
import { countDigitFixes, normalizeZip } from '../normalize/index.ts';
import { lookAlikeCodes } from '../normalize/icd10.ts';
import { findSpecialty, specialtyLike } from '../normalize/specialty.ts';
import { codesMatchReason } from './fragility.ts';

interface Occurrence {
  seg: Segment;
  match: LabelMatch;
  words: Word[];
  /** Words after the label up to the next label in the same segment. */
  rest: Word[];
  x0: number;
  y0: number;
  y1: number;
  x1: number;
}

/** Short typed fields whose label may sit mid-line without a colon ("Jane Doe DOB 3/14/62"). */
const INLINE_OK = new Set(['patient.dob', 'patient.sex', 'npi', 'patient.mrn', 'insurance.memberId', 'insurance.groupNumber']);

/** The word after an inline label looks like that label's value. */
function inlineValueFits(slot: string, next: string): boolean {
  if (slot === 'patient.sex') return /^(m|f|x|u|male|female)[,;]?$/i.test(next);
  return /\d/.test(next);
}

/** What makes a name an organisation's ("Westlake Family Medicine", "Cedar Pediatrics"). */
const ORGANISATION_WORD = /^(medicine|medical|clinic|clinics|health|healthcare|associates|group|center|centre|practice|care|physicians|pediatrics|partners|family|internal|primary)$/i;

/** The whole text names a service: a listed specialty, or a phrase written like one ("Outpatient Rehabilitation", "PT Eval and Treat"). */
function namesService(text: string): boolean {
  const sp = findSpecialty(text);
  return (sp !== null && sp.index === 0 && sp.value.length >= text.length * 0.9) || specialtyLike(text);
}

/**
 * After a colon-less label starting its line, the rest of the line is that label's value only when
 * it could not be anything else: all of it a service's name, or a capitalised organisation name.
 */
function colonlessValueFits(slot: string, label: readonly string[], rest: readonly Word[]): boolean {
  if (rest.length === 0 || rest.length > 6 || matchLabelAt(rest, 0)) return false;
  const text = rest.map((w) => w.text).join(' ').replace(/[.,;]$/, '');
  if (slot === 'referral.specialty' || slot === 'referredTo') return namesService(text);
  // "Practice Westlake Family Medicine", "Referring Practice Bayside Internal Medicine", "Clinic Name ...".
  const noun = label.filter((w) => w !== 'name' && w !== 'referring');
  if (slot === 'practice' && noun.length === 1 && /^(practice|clinic|facility|organi[sz]ation)$/.test(noun[0]!) && label.length <= 2) {
    const names = rest.map((w) => w.text.replace(/[.,;]$/, ''));
    return rest.length >= 2 && names.every((t) => /^[A-Z][A-Za-z&'’-]*$/.test(t) || t === '&') && ORGANISATION_WORD.test(names[names.length - 1]!);
  }
  return false;
}

const WEAK_REASON = new Set(['chief complaint', 'comments', 'notes', 'clinical notes', 'problem', 'request', 'clinical summary',
  'presenting problem', 'reason for visit']);

/** Labels of free notes: what follows may be about the referral rather than its reason ("Records attached"). */
const NOTE_LABELS = new Set(['comments', 'notes', 'clinical notes', 'clinical summary']);

const WEAK_GENERIC = new Set(['physician', 'provider', 'doctor', 'clinician', 'provider name', 'physician name', 'signed', 'signed by']);

type Target = FieldKey | 'patientName' | 'cityStateZip' | 'referredTo';

function resolve(slot: Slot, section: Section | null, occ: Occurrence, page: PageInfo): { target: Target; method: Method } | null {
  const sec = section;
  const topOfPage = occ.y0 < page.height * 0.18;
  switch (slot) {
    case 'ignore':
      return null;
    case 'referredTo':
      return { target: 'referredTo', method: 'label' };
    case 'patientName':
      return sec === 'provider' || sec === 'recipient' ? (occ.match.def.words.join(' ') === 're' ? null : { target: 'patientName', method: 'label' }) : { target: 'patientName', method: 'label' };
    case 'name':
      if (sec === 'patient') return { target: 'patientName', method: 'section' };
      if (sec === 'provider') return { target: 'referringProvider.name', method: 'section' };
      if (sec === null) return { target: 'patientName', method: 'generic' };
      return null;
    case 'phone':
      if (sec === 'patient') return { target: 'patient.phone', method: 'section' };
      if (sec === 'provider') return { target: 'referringProvider.phone', method: 'section' };
      if (sec === null) return topOfPage ? { target: 'referringProvider.phone', method: 'generic' } : { target: 'patient.phone', method: 'generic' };
      return null;
    case 'fax':
      if (sec === 'recipient' || sec === 'insurance') return null;
      return { target: 'referringProvider.fax', method: sec === 'provider' ? 'section' : 'generic' };
    case 'npi':
      if (sec === 'recipient') return null;
      return { target: 'referringProvider.npi', method: 'label' };
    case 'practice':
      // "Referring Practice:" names its owner whatever section the layout put it in.
      if (occ.match.def.words[0] === 'referring' || occ.match.def.words[0] === 'sending') return { target: 'referringProvider.practice', method: 'label' };
      if (sec === 'recipient' || sec === 'patient' || sec === 'insurance') return null;
      return { target: 'referringProvider.practice', method: sec === 'provider' ? 'section' : 'generic' };
    case 'date':
      if (sec === 'patient' || sec === 'insurance') return null;
      return { target: 'referral.date', method: sec === 'referral' || topOfPage ? 'section' : 'generic' };
    case 'address':
    case 'city':
    case 'state':
    case 'zip':
    case 'cityStateZip': {
      if (sec !== null && sec !== 'patient') return null;
      const target: Target = slot === 'address' ? 'patient.address.line1' : slot === 'city' ? 'patient.address.city'
        : slot === 'state' ? 'patient.address.state' : slot === 'zip' ? 'patient.address.postalCode' : 'cityStateZip';
      return { target, method: sec === 'patient' ? 'section' : 'generic' };
    }
    default: {
      const key = slot;
      if (key === 'referringProvider.name' && WEAK_GENERIC.has(occ.match.def.words.join(' '))) {
        if (sec === 'recipient') return null;
        return { target: key, method: sec === 'provider' ? 'section' : 'generic' };
      }
      if (key.startsWith('patient.') && (sec === 'provider' || sec === 'recipient') && !occ.match.def.specific) return null;
      if ((key === 'patient.lastName' || key === 'patient.firstName' || key === 'patient.middleName') && (sec === 'provider' || sec === 'recipient')) return null;
      if (key.startsWith('insurance.') && sec === 'provider' && occ.match.def.words[0] === 'id') return null;
      return { target: key, method: occ.match.def.specific ? 'label' : 'generic' };
    }
  }
}

/**
 * The line carries on a sentence of the line just above it ("... Diagnoses pertinent to this" over
 * "request include ..."): a long line of prose in the same column that breaks off mid-sentence.
 * Its first word, whatever label it spells, is prose.
 */
function continuesSentence(seg: Segment, page: PageInfo): boolean {
  const h = lineHeight(seg);
  const above = page.segments.find((s) => s !== seg && !s.faxHeader && Math.abs(s.bbox[0] - seg.bbox[0]) <= h &&
    s.bbox[3] <= seg.bbox[1] + h * 0.3 && seg.bbox[1] - s.bbox[3] < h * 0.9 && s.words.length >= 6);
  // Prose: no "Label:" in it, and it breaks off mid-sentence, after a small word or a comma.
  return above !== undefined && !above.words.some((w) => /:$/.test(w.text)) && /(^|\s)[a-z]+,?$/.test(above.text);
}

function findOccurrences(page: PageInfo): Occurrence[] {
  const out: Occurrence[] = [];
  // Where lines open with "Label:": a form's column of labels (found when first needed: rarely).
  let colonStarts: number[] | null = null;
  const labelColumnAt = (x: number) =>
    (colonStarts ??= page.segments.filter((s) => !s.faxHeader && matchLabelAt(s.words, 0)?.colon).map((s) => s.bbox[0])).filter((c) => Math.abs(c - x) <= 3).length >= 2;
  for (const seg of page.segments) {
    if (seg.faxHeader) continue;
    const ws = seg.words;
    const found: LabelMatch[] = [];
    let i = 0;
    while (i < ws.length) {
      const m = matchLabelAt(ws, i);
      if (m) {
        const prevIsLabelEnd = found.length > 0 && found[found.length - 1]!.end === i;
        // A lone character before a label at the line's start is a speck or a border ("1 City/State/ZIP").
        const atStart = i === 0 || prevIsLabelEnd || /:$/.test(ws[i - 1]!.text) || /^[|•·]$/.test(ws[i - 1]!.text) ||
          (i === 1 && ws[0]!.text.length === 1 && (ws[0]!.confidence < 0.9 || !/[A-Za-z0-9]/.test(ws[0]!.text)));
        const labelOnly = m.end === ws.length;
        const slotKey = m.def.slot;
        const strict = STRICT_KEYS.has(slotKey) || ['npi', 'phone', 'fax', 'zip', 'state', 'cityStateZip', 'date', 'name', 'address'].includes(slotKey);
        let ok = m.colon || (labelOnly && atStart) || (m.def.heading === true && i === 0);
        if (!ok && atStart) ok = strict || (prevIsLabelEnd && i > 0) || (i === 0 && m.def.specific && m.def.words.length >= 2);
        // "Insurance Aetna", "Payer Medicaid": a plan label starting its line, without a colon, before a capitalised name.
        if (!ok && i === 0 && slotKey === 'insurance.payer' && !labelOnly && /^[A-Z][A-Za-z&'’.-]+$/.test(ws[m.end]!.text) && !matchLabelAt(ws, m.end)) ok = true;
        // "Consult Gastroenterology", "Practice Westlake Family Medicine": a one-word label starting its line,
        // without a colon, before the whole rest of the line reads as that label's kind of value.
        if (!ok && i === 0 && !labelOnly && colonlessValueFits(slotKey, m.def.words, ws.slice(m.end)) && !continuesSentence(seg, page)) ok = true;
        // "Reason Iron deficiency anemia": a reason label without its colon, opening a line in a
        // column of lines that open with "Label:", before text that is no label.
        if (!ok && i === 0 && !labelOnly && !m.fuzzy && slotKey === 'referral.reason' && !matchLabelAt(ws, m.end) && /^[A-Za-z]{3}/.test(ws[m.end]!.text) &&
          labelColumnAt(seg.bbox[0]) && !continuesSentence(seg, page)) ok = true;
        // "Westside Medical Group 1740408947": a capitalised word before an inline "Group" makes it part of a name.
        const inName = slotKey === 'insurance.groupNumber' && i > 0 && /^[A-Z][a-z]+$/.test(ws[i - 1]!.text) && /^group$/i.test(ws[i]!.text);
        if (!ok && !atStart && !labelOnly && m.def.specific && INLINE_OK.has(slotKey) && m.def.words.join(' ').length >= 3 &&
          !matchLabelAt(ws, m.end) && inlineValueFits(slotKey, ws[m.end]!.text) && !inName) ok = true;
        // "Phone 210-423-2774 Fax 210-423-2775": a phone or fax label between two numbers.
        if (!ok && !atStart && !labelOnly && (slotKey === 'fax' || slotKey === 'phone' || slotKey === 'referringProvider.phone') &&
          /\d[)\]]?[,;]?$/.test(ws[i - 1]!.text) && /^(\+?1[-.\s]?)?\(?\d{3}/.test(ws[m.end]!.text)) ok = true;
        if (!ok && m.def.heading !== true && !atStart) ok = false;
        // "Service Requested: PT Eval and Treat": a colon-less label word opening a service's
        // name right after its label ("PT" for patient) is the value, not the next label.
        const prev = found[found.length - 1];
        if (ok && !m.colon && prevIsLabelEnd && prev!.colon && (prev!.def.slot === 'referral.specialty' || prev!.def.slot === 'referredTo') &&
          namesService(ws.slice(i, Math.min(ws.length, i + 6)).map((w) => w.text).join(' ').replace(/[.,;]$/, ''))) ok = false;
        // A lone two-letter "label" without a colon read with low confidence ("RE", "ID") is
        // usually a speck or a cell border, not a label: it must not set a section.
        if (ok && !m.colon && labelOnly && m.def.words.join('').length <= 2 && ws.slice(m.start, m.end).some((w) => w.confidence < 0.6)) ok = false;
        if (ok) {
          found.push(m);
          i = m.end;
          continue;
        }
      }
      i++;
    }
    // "Problem list for this visit: ...": a colon-less label and a few small words up to another
    // label's colon ("visits", a word no field has, or a fuzzy reading) are one caption: the value follows the colon.
    for (let k = 0; k + 1 < found.length; k++) {
      const m = found[k]!;
      const n = found[k + 1]!;
      const between = ws.slice(m.end, n.start);
      if (!m.colon && n.colon && between.length >= 1 && between.length <= 4 && (n.def.slot === 'ignore' || n.fuzzy) &&
        between.every((w) => /^[a-z]+$/.test(w.text))) {
        found.splice(k, 2, { ...m, end: n.end, colon: true });
      }
    }
    for (const [k, m] of found.entries()) {
      let next = found[k + 1];
      // "Insurance Company: Medicare ID: 1EG4TE5MK73": the plan's name opens the next label.
      if (next && m.def.slot === 'insurance.payer' && next.start === m.end && next.end - next.start >= 2 && /^medica(re|id)$/i.test(ws[next.start]!.text)) {
        next = { ...next, start: next.start + 1 };
        found[k + 1] = next;
      }
      const words = ws.slice(m.start, m.end);
      // A "|" is a column rule, unless OCR was unsure of it between two words: then it may be a
      // letter it could not read ("Steven | Ng", the initial J).
      const span = ws.slice(m.end, next ? next.start : ws.length);
      const unsureBar = (j: number) => j > 0 && j < span.length - 1 && span[j]!.confidence < 0.8 && /^[A-Z]/.test(span[j + 1]!.text);
      const rest = span.filter((w, j) => !COLON_SPECK.test(w.text) && w.text !== ':' && (w.text !== '|' || unsureBar(j)));
      if (rest[0]) rest[0] = { ...rest[0], text: rest[0].text.replace(/^:/, '') };
      const b = wordsBox(words);
      out.push({ seg, match: m, words, rest: rest.filter((w) => w.text.length > 0), x0: b[0], y0: b[1], x1: b[2], y1: b[3] });
    }
  }
  return out;
}

/** A section anchor that stands alone in its column: a heading the fields below belong to. */
function isHeadingLike(a: Occurrence, page: PageInfo): boolean {
  if (!a.match.def.section) return false;
  if (a.match.start !== 0 || a.rest.length > 0) return false;
  const h = lineHeight(a.seg);
  return !page.segments.some((s) => s !== a.seg && Math.abs(s.bbox[1] - a.seg.bbox[1]) < h * 0.6 &&
    s.bbox[0] > a.seg.bbox[0] - 10 && s.bbox[0] < a.seg.bbox[0] + page.width * 0.45);
}

function sectionOf(occ: Occurrence, anchors: Occurrence[], page: PageInfo): Section | null {
  // A run-on line ("Phone #: ... Fax #: ...") reads as one: a later label on it with no section
  // label before it on the line shares the section of the line's first label, wherever it stands.
  const before = anchors.filter((a) => a.seg === occ.seg && a.match.start < occ.match.start);
  const lead = before.find((a) => a.match.start === 0);
  if (lead && !before.some((a) => a.match.def.section)) return sectionOf(lead, anchors, page);
  // Tolerances in page units: a phone photo or fine fax is 1200-1500 units wide, a PDF 612.
  const tol = 15 * Math.max(1, page.width / 700);
  const inColumn = (a: Occurrence) => a.x0 <= occ.x0 + tol && a.x0 >= occ.x0 - page.width * 0.45;
  // The nearest heading above bounds the region whose labels can set the section.
  let top = -Infinity;
  for (const a of anchors) {
    if (a === occ || a.seg === occ.seg || a.y0 > occ.y0 - 1 || !inColumn(a)) continue;
    if (a.match.def.heading || isHeadingLike(a, page)) top = Math.max(top, a.y0);
  }
  // A heading alone on its whole row spans the page (grids of cells under it).
  for (const a of anchors) {
    if (a === occ || a.y0 > occ.y0 - 1 || a.x0 > occ.x0 + tol || !a.match.def.section) continue;
    if (a.match.start !== 0 || a.rest.length > 0) continue;
    const h = lineHeight(a.seg);
    // A box glyph or speck on the row (no letter or digit) does not make it a row of cells.
    if (!page.segments.some((s) => s !== a.seg && Math.abs(s.bbox[1] - a.seg.bbox[1]) < h * 0.6 && /[\p{L}\p{N}]/u.test(s.text))) top = Math.max(top, a.y0);
  }
  let best: { d: number; s: Section } | null = null;
  for (const a of anchors) {
    const s = a.match.def.section;
    if (!s || a === occ) continue;
    // A sentence that opens with a label's word ("Diagnoses pertinent to this request include ...")
    // is prose, not a field or heading: it sets no section.
    if (!a.match.colon && !a.match.def.heading && a.rest.length > 6) continue;
    // Nor does a label in a bracketed aside ("... covered by Aetna (subscriber ID W123)."): forms set no caption in brackets.
    if (!a.match.colon && a.seg.words[a.match.start]!.text.startsWith('(')) continue;
    const sameSeg = a.seg === occ.seg;
    if (sameSeg && a.match.start > occ.match.start) continue;
    if (!sameSeg && (a.y0 > occ.y0 + 2 || a.y0 < top - 1)) continue;
    // A run-on line just above (an EHR printout: "ID: ... Referring Physician: ..."), starting in
    // this column or where this label's own run-on line starts ("Tel: ... Return Fax:" under
    // "Requesting Provider: ... NPI:"): its labels read in order, so the last one sets the section.
    const aligned = Math.abs(a.seg.bbox[0] - occ.x0) <= tol || Math.abs(a.seg.bbox[0] - occ.seg.bbox[0]) <= tol;
    const lineAbove = !sameSeg && aligned && a.y0 < occ.y0 - 1 && occ.y0 - a.y0 < lineHeight(occ.seg) * 1.8;
    if (!inColumn(a) && !lineAbove && !(Math.abs(a.y0 - top) < 1 && a.x0 <= occ.x0 + tol)) continue;
    // The labels of one run-on line share its height (OCR boxes of its words jitter by a unit or two).
    const dy = Math.max(0, occ.y0 - (lineAbove ? a.seg.bbox[1] : a.y0));
    if (dy > page.height * 0.5) continue;
    // The run-on line just above reads in order wherever its labels stand: no penalty for sitting
    // left, and its later labels win.
    const d = (lineAbove ? dy - 0.01 * a.match.start : dy + 0.5 * Math.max(0, occ.x0 - a.x0)) - (sameSeg ? 1000 : 0);
    if (!best || d < best.d) best = { d, s };
  }
  return best?.s ?? null;
}

function startsWithLabel(words: readonly Word[]): boolean {
  const m = matchLabelAt(words, 0);
  return m !== null && (m.colon || m.end === words.length || m.def.heading === true);
}

/** The words in the cell below the label, bounded by the next label to its right. */
function valueBelow(occ: Occurrence, page: PageInfo, occs: Occurrence[], maxLines: number): Word[] {
  const right = occs
    .filter((o) => o !== occ && Math.abs(o.y0 - occ.y0) < lineHeight(occ.seg) * 0.6 && o.x0 > occ.x1)
    .reduce((m, o) => Math.min(m, o.x0), page.width + 1);
  const colStart = occ.x0 - 10;
  const out: Word[] = [];
  let bottom = occ.y1;
  const h = lineHeight(occ.seg);
  const below = page.segments
    // OCR line boxes can be taller than their text and overlap the label's: a line whose
    // middle is below the label still sits under it.
    .filter((s) => !s.faxHeader && s !== occ.seg && (s.bbox[1] >= occ.y1 - h * 0.3 || (s.bbox[1] + s.bbox[3]) / 2 > occ.y1 + h * 0.2))
    .sort((a, b) => a.bbox[1] - b.bbox[1] || a.bbox[0] - b.bbox[0]);
  let lines = 0;
  let lastY = -1;
  for (const s of below) {
    if (s.bbox[1] - bottom > h * (lines === 0 ? 2.0 : 1.2)) break;
    const ws = s.words.filter((w) => w.bbox[0] >= colStart && w.bbox[0] < right - 2);
    if (ws.length === 0) continue;
    // A line that opens with another field's label, with or without its colon ("Referred By Dr. Hall"
    // under a "Referring Physician" caption), is that field's, not this one's value.
    const labelled = startsWithLabel(ws) || occs.some((o) => o !== occ && o.words[0] === ws[0] && !o.match.def.heading);
    if (labelled || ws[0]!.bbox[0] > occ.x0 + Math.max(60, (occ.x1 - occ.x0) * 1.2)) {
      if (lines === 0 && labelled) break;
      if (lines > 0) break;
      continue;
    }
    if (Math.abs(s.bbox[1] - lastY) > 2) {
      if (lines >= maxLines) break;
      lines++;
      lastY = s.bbox[1];
    }
    out.push(...ws);
    bottom = Math.max(bottom, s.bbox[3]);
  }
  return out;
}

/**
 * A caption under its value: the line just above the label starts at the same x and
 * is not itself a label (paper forms print small captions under the filled-in line). It
 * must be taller than the caption and close over it, unless the page's other captions already
 * showed their values above them (`captionsUnder`): then only about as tall, and as close as
 * the value's own line height allows.
 */
function valueAbove(occ: Occurrence, page: PageInfo, occs: Occurrence[], captionsUnder = false): Word[] {
  const h = lineHeight(occ.seg);
  const right = occs
    .filter((o) => o !== occ && Math.abs(o.y0 - occ.y0) < h * 0.6 && o.x0 > occ.x1)
    .reduce((m, o) => Math.min(m, o.x0), page.width + 1);
  const above = page.segments
    // On a page of captions under values, a small caption may sit most of the value's line height under it.
    .filter((s) => !s.faxHeader && s.bbox[3] <= occ.y0 + 1 && occ.y0 - s.bbox[3] < (captionsUnder ? Math.max(h, lineHeight(s)) : h) * 0.8)
    .sort((a, b) => b.bbox[3] - a.bbox[3]);
  const s = above.find((x) => x.words.some((w) => w.bbox[0] >= occ.x0 - 10 && w.bbox[0] < right - 2));
  if (!s || lineHeight(s) < h * (captionsUnder ? 0.85 : 1.15)) return [];
  const ws = s.words.filter((w) => w.bbox[0] >= occ.x0 - 10 && w.bbox[0] < right - 2);
  if (!ws.length || Math.abs(ws[0]!.bbox[0] - occ.x0) > 12 || startsWithLabel(ws)) return [];
  // Nor a line that opens with another field's label read without its colon ("Department Psychiatry");
  // a two-letter one ("PT Eval and Treat") is as likely a word of the value.
  if (occs.some((o) => o !== occ && o.words[0] === ws[0] && !o.match.def.heading && o.words.map((w) => w.text).join('').length > 2)) return [];
  // Not when this value also sits under a label of its own.
  const gapBelow = occ.y0 - s.bbox[3];
  if (occs.some((o) => o !== occ && o.y1 <= s.bbox[1] + 1 && s.bbox[1] - o.y1 < Math.min(h * 1.5, gapBelow) && Math.abs(o.x0 - ws[0]!.bbox[0]) < 12 && o.rest.length === 0)) return [];
  return ws;
}

/**
 * Segments on the label's line to its right, in x order. A value set as its own text
 * run may start a little inside the label's box (a bold label's width is estimated),
 * so a segment counts when it starts past the label's middle and near its end.
 */
function segmentsRight(occ: Occurrence, page: PageInfo): Segment[] {
  const h = lineHeight(occ.seg);
  const slack = Math.min(h, (occ.x1 - occ.x0) * 0.25);
  return page.segments
    .filter((s) => s !== occ.seg && !s.faxHeader && sameRow(s.bbox, occ.seg.bbox, h) && s.bbox[0] > occ.x1 - slack)
    .sort((a, b) => a.bbox[0] - b.bbox[0]);
}

/** Two boxes on one text row: tops aligned, or (a tall OCR box) middles aligned. */
function sameRow(a: readonly number[], b: readonly number[], h: number): boolean {
  const tall = Math.max(h, a[3]! - a[1]!, b[3]! - b[1]!);
  return Math.abs(a[1]! - b[1]!) < h * 0.6 || Math.abs((a[1]! + a[3]!) / 2 - (b[1]! + b[3]!) / 2) < Math.min(tall, h * 2) * 0.4;
}

/**
 * The whole row right of an option label ("Priority:  Routine   Urgent   STAT"), up to
 * the next label: an option list must be read as a whole, never as its first option.
 */
function rowRight(occ: Occurrence, page: PageInfo): Word[][] {
  const out: Word[][] = [];
  for (const s of segmentsRight(occ, page)) {
    if (startsWithLabel(s.words)) break;
    const ws: Word[] = [];
    for (let i = 0; i < s.words.length; i++) {
      if (i > 0 && matchLabelAt(s.words, i)?.colon) break;
      ws.push(s.words[i]!);
    }
    if (ws.length) out.push(ws);
    if (ws.length < s.words.length) break;
  }
  return out;
}

/** Words split into runs wherever a gap is wider than a cell gap: the cells of a row. */
export function cellRuns(words: readonly Word[]): Word[][] {
  const runs: Word[][] = [];
  for (const w of words) {
    const run = runs[runs.length - 1];
    const prev = run?.[run.length - 1];
    const h = Math.max(4, w.bbox[3] - w.bbox[1]);
    if (prev && Math.abs(w.bbox[1] - prev.bbox[1]) < h * 0.6 && w.bbox[0] - prev.bbox[2] <= Math.max(2.2 * h, 18)) run!.push(w);
    else runs.push([w]);
  }
  return runs;
}

const SERVICE_OPTION = /^(evaluat\w*|eval|second opinion|consult(ation)? only|imaging|treat|procedure|follow[- ]?up|other)\b/i;

/**
 * Cells that are each an option (a specialty or a kind of service), at least two:
 * a checkbox row whose marks did not come through (vector boxes in a PDF, OCR that
 * dropped them). Without a readable mark none of them is the value.
 */
function optionCells(cells: readonly Word[][]): boolean {
  // A cell may hold a comma-separated run of options ("Podiatry, Neurology").
  const texts = cells.flatMap((c) => c.map((w) => w.text).join(' ').split(/[,;]\s+/));
  if (texts.length < 2) return false;
  const options = texts.filter((t) => {
    const text = t.replace(/[,;:.]+$/, '').trim();
    const sp = findSpecialty(text);
    return (sp && sp.index === 0 && sp.value.length >= text.length * 0.6) || SERVICE_OPTION.test(text);
  });
  return options.length >= 2;
}

/** Segments further right on the line of `words` (a grid row), up to the next label. */
function cellsBeside(words: readonly Word[], page: PageInfo): Word[][] {
  if (!words.length) return [];
  const last = words[words.length - 1]!;
  const h = Math.max(4, last.bbox[3] - last.bbox[1]);
  const out: Word[][] = [];
  const segs = page.segments
    .filter((s) => !s.faxHeader && sameRow(s.bbox, last.bbox, h) && s.bbox[0] > last.bbox[2] + 1)
    .sort((a, b) => a.bbox[0] - b.bbox[0]);
  for (const s of segs) {
    if (startsWithLabel(s.words)) break;
    out.push(s.words);
  }
  return out;
}

/** The next segment to the right on the same line, when the label ended its own. */
function valueRight(occ: Occurrence, page: PageInfo): Word[] {
  const cands = segmentsRight(occ, page);
  const s = cands[0];
  if (!s || s.bbox[0] - occ.x1 > page.width * 0.4) return [];
  if (startsWithLabel(s.words)) return [];
  const out: Word[] = [];
  for (let i = 0; i < s.words.length; i++) {
    if (i > 0) {
      const m = matchLabelAt(s.words, i);
      if (m && m.colon) break;
    }
    out.push(s.words[i]!);
  }
  return out;
}

/**
 * The largest gap, in heights of the line above, between two lines of one value.
 * A text layer's boxes span the whole font size; OCR boxes hug the ink, so a line
 * without descenders is only cap-high and the same leading is a larger multiple of it.
 */
function lineGap(page: PageInfo): number {
  return page.source === 'ocr' ? 1.3 : 0.9;
}

/** Continuation lines of a free-text value (reason) under its first line. */
function continuation(first: Word[], page: PageInfo, maxLines: number): Word[] {
  if (!first.length) return [];
  const x0 = first[0]!.bbox[0];
  let bottom = Math.max(...first.map((w) => w.bbox[3]));
  const h = Math.max(6, bottom - Math.min(...first.map((w) => w.bbox[1])));
  const out: Word[] = [];
  let lines = 0;
  const below = page.segments.filter((s) => !s.faxHeader && s.bbox[1] > bottom - h * 0.3).sort((a, b) => a.bbox[1] - b.bbox[1]);
  for (const s of below) {
    if (lines >= maxLines || s.bbox[1] - bottom > h * lineGap(page)) break;
    if (Math.abs(s.bbox[0] - x0) > 40 && s.bbox[0] > x0 - 120) continue;
    if (Math.abs(s.bbox[0] - x0) > 40) break;
    if (startsWithLabel(s.words) || startsWithNextField(s.words)) break;
    // The next row's value column ("Priority:   C Urgent"): its label stands to the left.
    if (page.segments.some((o) => o !== s && o.bbox[2] <= s.bbox[0] + 1 && Math.abs(o.bbox[1] - s.bbox[1]) < h * 0.6 && startsWithLabel(o.words))) break;
    out.push(...s.words);
    bottom = s.bbox[3];
    lines++;
  }
  return out;
}

/** A line that starts with the label of a field that usually follows a free-text one ("Priority [ ] Routine ..."). */
function startsWithNextField(words: readonly Word[]): boolean {
  const m = matchLabelAt(words, 0);
  return m !== null && ['referral.urgency', 'referral.diagnosisCodes', 'referral.specialty', 'date', 'npi', 'phone', 'fax'].includes(m.def.slot);
}

/** The segment right above `first`, starting at its x, if it is not a label. */
function lineAbove(first: Word[], page: PageInfo): Word[] {
  const top = Math.min(...first.map((w) => w.bbox[1]));
  const h = Math.max(6, Math.max(...first.map((w) => w.bbox[3])) - top);
  const x = first[0]!.bbox[0];
  const prev = page.segments
    .filter((s) => !s.faxHeader && s.bbox[3] <= top + h * 0.3 && top - s.bbox[3] <= h * 0.9 && Math.abs(s.bbox[0] - x) <= 12)
    .sort((a, b) => b.bbox[3] - a.bbox[3])[0];
  return prev && !startsWithLabel(prev.words) ? prev.words : [];
}

/** The segment right under `first` that starts at x (a label column), if any. */
function lineUnder(first: Word[], x: number, page: PageInfo): Word[] {
  if (!first.length) return [];
  const bottom = Math.max(...first.map((w) => w.bbox[3]));
  const h = Math.max(6, bottom - Math.min(...first.map((w) => w.bbox[1])));
  const next = page.segments
    .filter((s) => !s.faxHeader && s.bbox[1] > bottom - h * 0.3 && s.bbox[1] - bottom <= h * lineGap(page) && Math.abs(s.bbox[0] - x) <= 12)
    .sort((a, b) => a.bbox[1] - b.bbox[1])[0];
  return next && !startsWithLabel(next.words) ? next.words : [];
}

/**
 * A capitalised word that starts the next field or section ("HISTORY", "DATE"), not an
 * acronym inside the reason ("abnormal ECG", "GERD", "PPI").
 */
const NEXT_FIELD_CAPS = /^([A-Z]{5,}|DATE|NPI|DOB|MRN|ICD|FAX|NAME|SEX|PHONE|PLAN|MEDS|NOTE|NOTES)$/;

/** A reason is a phrase or a sentence, not the history that follows it. */
function firstSentence(words: Word[]): Word[] {
  const out: Word[] = [];
  for (const w of words) {
    // In a reason written in capitals throughout, the next capitalised word after four is taken as the next field's.
    const capsSoFar = out.filter((o) => /^[A-Z]{2,}[,.;:]?$/.test(o.text)).length;
    const next = capsSoFar * 2 >= out.length ? /^[A-Z]{3,}:?$/.test(w.text) : /^[A-Z]{3,}:$/.test(w.text) || NEXT_FIELD_CAPS.test(w.text);
    if (out.length >= 4 && next) break;
    out.push(w);
    if (/[.]$/.test(w.text) && out.length >= 3) break;
  }
  return out;
}

export interface FormStats {
  /** Labels naming a field whose value could not be read: a sign a value is missing. */
  unread: number;
  /**
   * Fields whose label has words beside or under it that do not read as a value ("Sex:
   * [JM EF", "|daho"): something is written there that OCR garbled. A label with
   * nothing by it is a blank field, which forms often leave. A name label counts for
   * first and last name, a city/state/ZIP label for all three.
   */
  unreadKeys: Set<FieldKey>;
}

/** A diagnosis code's shape, OCR's look-alikes and "@" standing for digits, in brackets or before a comma. */
const CODE_SHAPED = /^[([{|]?[A-Z0-9$]?[\d@OoGSBIlZDQ]{1,2}[0-9A-Z@]?\.[0-9A-Z@]{1,4}[)\],;]?$/;

/** Words of captions: a cell that reads as one is the next caption, not a garbled value. */
const CAPTION_WORD = /^(code|zip|phone|name|date|number|no|id|state|city|address|fax|sex|gender|dob|mrn|group|member)$/;

const TARGET_KEYS: Partial<Record<Target, readonly FieldKey[]>> = {
  patientName: ['patient.firstName', 'patient.lastName'],
  cityStateZip: ['patient.address.city', 'patient.address.state', 'patient.address.postalCode'],
};

const DIGIT_TARGETS = new Set<Target>(['referral.date', 'patient.dob', 'patient.phone', 'patient.mrn', 'insurance.memberId', 'insurance.groupNumber',
  'referringProvider.npi', 'referringProvider.phone', 'referringProvider.fax']);

/** A word of four digits or more on the first line under the caption, across its left edge. */
function digitsUnder(occ: Occurrence, page: PageInfo): boolean {
  const h = lineHeight(occ.seg);
  return page.segments.some((s) => !s.faxHeader && s !== occ.seg && s.bbox[1] >= occ.y1 - h * 0.3 && s.bbox[1] - occ.y1 < h * 2 &&
    s.words.some((w) => w.bbox[0] < occ.x0 && w.bbox[2] > occ.x0 + (occ.x1 - occ.x0) * 0.5 && (w.text.match(/\d/g) ?? []).length >= 4));
}

function noteUnread(stats: FormStats, target: Target, garbled: boolean): void {
  stats.unread++;
  if (garbled) for (const k of TARGET_KEYS[target] ?? [target as FieldKey]) stats.unreadKeys.add(k);
}

export function readForm(page: PageInfo, today: Date, offPage: boolean, stats?: FormStats): Candidate[] {
  const occs = findOccurrences(page);
  const out: Candidate[] = [];
  // Two or more bare captions with a taller value right over them: this page prints captions under values.
  const captionsUnder = occs.filter((o) => !o.match.def.heading && o.rest.length === 0 && valueRight(o, page).length === 0 && valueAbove(o, page, occs).length > 0).length >= 2;
  for (const occ of occs) {
    if (occ.match.def.heading) continue;
    const section = sectionOf(occ, occs, page);
    const r = resolve(occ.match.def.slot, section, occ, page);
    if (!r) continue;
    let words = occ.rest;
    let below = false;
    let fromRight = false;
    let fromAbove = false;
    let tookAbove = false;
    if (words.length === 0) {
      words = valueRight(occ, page);
      fromRight = words.length > 0;
    }
    const textual = r.target === 'referral.reason';
    // "Reason for Referral / Comments: ..." — drop the alternative label after a slash.
    if (words[0] && /^\/$/.test(words[0].text)) {
      const alt = matchLabelAt(words, 1);
      words = alt ? words.slice(alt.end) : words.slice(1);
    }
    // A reason is read from above only as a caption's value (a label without a colon under a larger line).
    if (words.length === 0 && (r.target !== 'referral.reason' || !occ.match.colon)) {
      // Paper forms put a small caption under the filled-in value.
      words = valueAbove(occ, page, occs, captionsUnder);
      // An address over its caption takes two lines: the street above the city, state and ZIP.
      if (r.target === 'patient.address.line1' && words.length && readValue('cityStateZip', words, today).length) {
        const street = lineAbove(words, page);
        if (street.length && /^\d/.test(street[0]!.text)) words = [...street, ...words];
      }
      // A section title above the label ("REFERRAL") is not a caption's value: the value is below.
      fromAbove = words.length > 0 && words.length <= 4 && words.every((w) => /^[A-Z][A-Z&/-]+:?$/.test(w.text));
      // Captions over their values (stacked grids): what is above is the previous row's value.
      tookAbove = words.length > 0 && (String(r.target).startsWith('patient') || String(r.target).startsWith('insurance') || r.target === 'cityStateZip');
    }
    if (words.length === 0) {
      words = valueBelow(occ, page, occs, textual ? 4 : r.target === 'referredTo' || r.target === 'patient.address.line1' ? 2 : r.target === 'referral.diagnosisCodes' ? 4 : 1);
      below = true;
    } else if (textual) {
      if (!/[.]$/.test(words[words.length - 1]!.text)) words = [...words, ...continuation(words, page, 2)];
    } else if (r.target === 'referral.diagnosisCodes') {
      words = [...words, ...continuation(words, page, 4)];
    } else if (r.target === 'patient.address.line1') {
      // The city, state and ZIP often sit on the line under the street.
      // It may align with the street (under the value) or with the label's start.
      let next = continuation(words, page, 1);
      if (!(next.length && readValue('cityStateZip', next, today).length)) next = lineUnder(words, occ.x0, page);
      if (next.length && readValue('cityStateZip', next, today).length) words = [...words, ...next];
    }
    if (textual) words = firstSentence(words);
    if (words.length === 0) {
      // A sex is one letter, which OCR drops more often than any other value ("X" above its
      // caption): on a scan an empty sex cell is more likely lost than blank.
      // A number run into the next cell's writing just under the caption, starting left of it
      // ("STAV-19-2026" under ORDER DATE): the value is there, unread.
      if (stats && r.target !== 'referredTo' && r.method !== 'generic') noteUnread(stats, r.target, page.source === 'ocr' && (r.target === 'patient.sex' || (DIGIT_TARGETS.has(r.target) && digitsUnder(occ, page))));
      continue;
    }
    const target = r.target === 'referredTo' ? 'referral.specialty' : r.target;
    // Option lists: read the whole row, never its first option alone.
    if (fromRight && (target === 'referral.urgency' || target === 'referral.specialty' || target === 'patient.sex')) {
      const row = rowRight(occ, page);
      if (row.length > 1) words = target === 'referral.urgency' || target === 'patient.sex' ? row.flat() : optionCells(row) ? [] : words;
      if (words.length === 0) continue;
    }
    // Wherever the first option was read from, further option cells on its row make it a list.
    if (target === 'referral.specialty' && optionCells([...cellRuns(words), ...cellsBeside(words, page)])) continue;
    if (target === 'referral.urgency' && !fromRight) words = [...words, ...cellsBeside(words, page).flat()];
    let values = readValue(target, words, today);
    // What stood to the right was another column's caption ("Referring Physician    NPI"):
    // the value is under the label instead.
    // A doubtful specialty to the right ("Specialty ... Pronty") may be the next column's
    // caption in a row of captions: a surer one under the label wins.
    if (fromRight && target === 'referral.specialty' && values.length && values.every((v) => v.doubt >= 0.1)) {
      const under = valueBelow(occ, page, occs, 1);
      const grid = optionCells([...cellRuns(under), ...cellsBeside(under, page)]);
      const v = under.length && !grid ? readValue(target, under, today) : [];
      if (v.length && v.every((x) => x.doubt < 0.1)) {
        values = v;
        words = under;
        below = true;
      }
    }
    // "SeX at Birth Co": a speck read after the label on its line; the value is under it.
    const specks = !below && !fromRight && !fromAbove && words.length <= 2 && words.every((w) => w.text.length <= 2 && !/\d/.test(w.text));
    if (values.length === 0 && (fromRight || fromAbove || specks || (tookAbove && !textual)) && (!textual || fromRight)) {
      let under = valueBelow(occ, page, occs, textual ? 4 : r.target === 'patient.address.line1' ? 2 : 1);
      if (textual) under = firstSentence(under);
      const grid = target === 'referral.specialty' && optionCells([...cellRuns(under), ...cellsBeside(under, page)]);
      const v = under.length && !grid ? readValue(target, under, today) : [];
      if (v.length) {
        values = v;
        words = under;
        below = true;
      }
    }
    // A recipient is a specialty only when the value is nothing but one ("Referred to: Cardiology"),
    // not an organisation whose name contains one ("Austin Orthopedics Associates").
    if (r.target === 'referredTo') {
      const all = words.map((w) => w.text).join(' ').replace(/[,;.:]+$/, '');
      // ... or the service beside the person it is addressed to ("Dr. Lee, Cardiology").
      const withPerson = (v: string) => /(^|[\s,(])(dr|md|do|np|pa-c|fnp(-c)?|aprn)\.?($|[\s,)])/i.test(all.replace(v, ''));
      values = values.filter((v) => (v.doubt === 0 || specialtyLike(v.value as string)) && ((v.value as string).length >= all.length * 0.8 || (v.doubt === 0 && withPerson(v.value as string))));
    }
    if (r.target === 'referral.diagnosisCodes' && values.length) {
      // The description beside the code reads as a reason when no reason label exists.
      const rest = words.filter((w) => !values[0]!.words.includes(w) && /[A-Za-z]{3}/.test(w.text));
      const text = rest.map((w) => w.text).join(' ').replace(/[()[\]]/g, '').replace(/\s*[-–,;:]\s*$/, '').replace(/^\s*[-–,;:]\s*/, '').trim();
      if (rest.length >= 2 && text.length > 5) out.push({ ...candidate('referral.reason', text, rest, page, 'generic', below, occ, offPage, 0.2, 0), standIn: true });
      // One code with its description beside it: a category letter OCR confused ("120.9 - Atopic
      // dermatitis" read as I20.9, angina) is mended when the description fits one look-alike code only
      // (on a scan, or a code already mended: a text layer's letter is as written).
      const codes = values[0]!.value as string[];
      if (codes.length === 1 && text.length > 5 && (page.source === 'ocr' || values[0]!.repairs > 0) && !codesMatchReason(codes, text)) {
        const alt = lookAlikeCodes(codes[0]!).filter((c) => codesMatchReason([c], text));
        if (alt.length === 1) values[0] = { ...values[0]!, value: alt, repairs: values[0]!.repairs + 1, doubt: Math.max(values[0]!.doubt, 0.12) };
      }
    }
    if (r.target === 'referral.diagnosisCodes' && values.length === 0) {
      const t = readValue('referral.reason', words, today);
      for (const v of t) out.push(candidate('referral.reason', v.value as string, v.words, page, 'generic', below, occ, offPage, 0.2, 0));
    }
    const titleWords = words.every((w) => /^(referral|form|request|information|details|summary|order|consult|consultation|letter|intake)$/i.test(w.text.replace(/[:.]$/, '')));
    if (values.length === 0 && stats && r.target !== 'referredTo' && r.method !== 'generic') {
      if (r.target === 'referral.diagnosisCodes') {
        // Code-shaped writing under a diagnosis label that reads as no code ("796.641" for
        // Z96.641 off the bundled list): the codes are there, unread (not counted in `unread`).
        // A code whose letter OCR read as a bracket ("(43.909") is one too, or a digit as "@" ("M@6.9").
        // Or its digits as look-alike letters ("RGO.2" for R00.2), a digit left somewhere in it.
        // Under the label too, when what was tried first was the row above a caption.
        const seen = below ? words : [...words, ...valueBelow(occ, page, occs, 2)];
        if (seen.some((w) => CODE_SHAPED.test(w.text) && /\d/.test(w.text))) stats.unreadKeys.add('referral.diagnosisCodes');
      } else if (!titleWords) {
        // Garbled: three or more letters or digits (specks, "|", "oo", are a blank field's marks),
        // and not the next caption (a blank "ST" cell beside "Zip Code"). An option row is
        // the checklist reader's (an unread choice holds the document there).
        const written = words.map((w) => w.text).join(' ');
        // A sex is one letter: one that reads as none ("N" for M) is garbled too.
        // On a scan, where an empty sex cell already counts as lost, any mark in it does ("\\").
        const least = r.target === 'patient.sex' ? (page.source === 'ocr' ? 0 : 1) : 3;
        const garbled = (written.match(/[\p{L}\p{N}]/gu) ?? []).length >= least && !words.some((w) => CAPTION_WORD.test(w.norm)) && r.target !== 'referral.urgency';
        noteUnread(stats, r.target, garbled);
      }
    }
    // A symptom or a note ("Chief complaint", "Comments") is a weaker source of the reason
    // for referral than a label that names it: where both exist, the named one wins.
    const weakReason = target === 'referral.reason' && WEAK_REASON.has(occ.match.def.words.join(' ')) ? 0.08 : 0;
    for (const v of values) {
      const c = candidate(v.key, v.value, v.words.length ? v.words : words, page, r.method, below, occ, offPage, Math.min(1, v.doubt + (v.key === 'referral.reason' ? weakReason : 0)), v.repairs);
      out.push({ ...c, ...(v.marks ? { marks: v.marks } : {}), ...(v.key === 'referral.reason' && NOTE_LABELS.has(occ.match.def.words.join(' ')) ? { noteLabel: true } : {}) });
    }
  }
  const zip = zipBesideState(out, page);
  if (zip) out.push(zip);
  return out;
}

/**
 * A City | ST | ZIP row whose ZIP caption OCR mangled ("iP", "FI"): the ZIP-shaped
 * value in the next cell right of the state value, on its line, is the ZIP. Weaker
 * than a labelled ZIP (a generic reading, with doubt).
 */
function zipBesideState(cands: readonly Candidate[], page: PageInfo): Candidate | null {
  if (cands.some((c) => c.key === 'patient.address.postalCode')) return null;
  const state = cands.find((c) => c.key === 'patient.address.state' && (c.method === 'section' || c.method === 'generic' || c.method === 'label'));
  if (!state) return null;
  const h = Math.max(4, state.bbox[3] - state.bbox[1]);
  const next = page.segments
    .filter((s) => !s.faxHeader && sameRow(s.bbox, state.bbox, h) && s.bbox[0] >= state.bbox[2] - 1 && s.bbox[0] - state.bbox[2] < page.width * 0.35)
    .sort((a, b) => a.bbox[0] - b.bbox[0])[0];
  const w = next?.words[0];
  if (!w || next!.words.length > 1 && !/^-?\d{4}$/.test(next!.words[1]!.text)) return null;
  const value = normalizeZip(w.text.replace(/[,;.]$/, ''));
  if (!value || !/^\d/.test(w.text)) return null;
  return {
    key: 'patient.address.postalCode', value, page: page.pageNumber, bbox: w.bbox, method: 'generic', ocr: w.confidence, below: state.below,
    fuzzyLabel: false, repairs: countDigitFixes(w.text.slice(0, 5)), doubt: 0.1, offPage: state.offPage, margin: inMargin(w.bbox, page.height),
  };
}

function candidate(
  key: FieldKey, value: Candidate['value'], words: Word[], page: PageInfo, method: Method, below: boolean,
  occ: Occurrence, offPage: boolean, doubt: number, repairs: number,
): Candidate {
  const bbox = wordsBox(words);
  return {
    key, value, page: page.pageNumber, bbox, method, ocr: minConfidence(words), below,
    fuzzyLabel: occ.match.fuzzy, repairs, doubt, offPage, margin: inMargin(bbox, page.height),
  };
}
