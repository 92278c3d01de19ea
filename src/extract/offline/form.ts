/**
 * The form reader: finds labels on a page, decides which field each names (from
 * the label itself or the section heading above it, column-aware), and reads the
 * value to the right of the label, in the next cell on the same line, or under it
 * (table headers, stacked forms). Works on geometry, not on fixed templates.
 */
import type { FieldKey } from '../fields.ts';
import { inMargin, minConfidence, wordsBox, type Candidate, type Method } from './candidates.ts';
import { matchLabelAt, type LabelMatch, type Section, type Slot } from './labels.ts';
import { lineHeight, type PageInfo, type Segment, type Word } from './segments.ts';
import { readValue, STRICT_KEYS } from './values.ts';

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

function findOccurrences(page: PageInfo): Occurrence[] {
  const out: Occurrence[] = [];
  for (const seg of page.segments) {
    if (seg.faxHeader) continue;
    const ws = seg.words;
    const found: LabelMatch[] = [];
    let i = 0;
    while (i < ws.length) {
      const m = matchLabelAt(ws, i);
      if (m) {
        const prevIsLabelEnd = found.length > 0 && found[found.length - 1]!.end === i;
        const atStart = i === 0 || prevIsLabelEnd || /:$/.test(ws[i - 1]!.text) || /^[|•·]$/.test(ws[i - 1]!.text);
        const labelOnly = m.end === ws.length;
        const slotKey = m.def.slot;
        const strict = STRICT_KEYS.has(slotKey) || ['npi', 'phone', 'fax', 'zip', 'state', 'cityStateZip', 'date', 'name', 'address'].includes(slotKey);
        let ok = m.colon || (labelOnly && atStart) || (m.def.heading === true && i === 0);
        if (!ok && atStart) ok = strict || (prevIsLabelEnd && i > 0) || (i === 0 && m.def.specific && m.def.words.length >= 2);
        // "Westside Medical Group 1740408947": a capitalised word before an inline "Group" makes it part of a name.
        const inName = slotKey === 'insurance.groupNumber' && i > 0 && /^[A-Z][a-z]+$/.test(ws[i - 1]!.text) && /^group$/i.test(ws[i]!.text);
        if (!ok && !atStart && !labelOnly && m.def.specific && INLINE_OK.has(slotKey) && m.def.words.join(' ').length >= 3 &&
          !matchLabelAt(ws, m.end) && inlineValueFits(slotKey, ws[m.end]!.text) && !inName) ok = true;
        if (!ok && m.def.heading !== true && !atStart) ok = false;
        if (ok) {
          found.push(m);
          i = m.end;
          continue;
        }
      }
      i++;
    }
    for (const [k, m] of found.entries()) {
      const next = found[k + 1];
      const words = ws.slice(m.start, m.end);
      const rest = ws.slice(m.end, next ? next.start : ws.length).filter((w) => !/^[:|]$/.test(w.text));
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
  const inColumn = (a: Occurrence) => a.x0 <= occ.x0 + 15 && a.x0 >= occ.x0 - page.width * 0.45;
  // The nearest heading above bounds the region whose labels can set the section.
  let top = -Infinity;
  for (const a of anchors) {
    if (a === occ || a.seg === occ.seg || a.y0 > occ.y0 - 1 || !inColumn(a)) continue;
    if (a.match.def.heading || isHeadingLike(a, page)) top = Math.max(top, a.y0);
  }
  // A heading alone on its whole row spans the page (grids of cells under it).
  for (const a of anchors) {
    if (a === occ || a.y0 > occ.y0 - 1 || a.x0 > occ.x0 + 15 || !a.match.def.section) continue;
    if (a.match.start !== 0 || a.rest.length > 0) continue;
    const h = lineHeight(a.seg);
    if (!page.segments.some((s) => s !== a.seg && Math.abs(s.bbox[1] - a.seg.bbox[1]) < h * 0.6)) top = Math.max(top, a.y0);
  }
  let best: { d: number; s: Section } | null = null;
  for (const a of anchors) {
    const s = a.match.def.section;
    if (!s || a === occ) continue;
    const sameSeg = a.seg === occ.seg;
    if (sameSeg && a.match.start > occ.match.start) continue;
    if (!sameSeg && (a.y0 > occ.y0 + 2 || a.y0 < top - 1)) continue;
    if (!inColumn(a) && !(Math.abs(a.y0 - top) < 1 && a.x0 <= occ.x0 + 15)) continue;
    const dy = Math.max(0, occ.y0 - a.y0);
    if (dy > page.height * 0.5) continue;
    const d = dy + 0.5 * Math.max(0, occ.x0 - a.x0) - (sameSeg ? 1000 : 0);
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
    .filter((s) => !s.faxHeader && s.bbox[1] >= occ.y1 - h * 0.3)
    .sort((a, b) => a.bbox[1] - b.bbox[1] || a.bbox[0] - b.bbox[0]);
  let lines = 0;
  let lastY = -1;
  for (const s of below) {
    if (s.bbox[1] - bottom > h * (lines === 0 ? 2.0 : 1.2)) break;
    const ws = s.words.filter((w) => w.bbox[0] >= colStart && w.bbox[0] < right - 2);
    if (ws.length === 0) continue;
    if (startsWithLabel(ws) || ws[0]!.bbox[0] > occ.x0 + Math.max(60, (occ.x1 - occ.x0) * 1.2)) {
      if (lines === 0 && startsWithLabel(ws)) break;
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
 * A caption under its value: the label is in smaller type than the line just
 * above it, which starts at the same x and is not itself a label.
 */
function valueAbove(occ: Occurrence, page: PageInfo, occs: Occurrence[]): Word[] {
  const h = lineHeight(occ.seg);
  const right = occs
    .filter((o) => o !== occ && Math.abs(o.y0 - occ.y0) < h * 0.6 && o.x0 > occ.x1)
    .reduce((m, o) => Math.min(m, o.x0), page.width + 1);
  const above = page.segments
    .filter((s) => !s.faxHeader && s.bbox[3] <= occ.y0 + 1 && occ.y0 - s.bbox[3] < h * 0.8)
    .sort((a, b) => b.bbox[3] - a.bbox[3]);
  const s = above.find((x) => x.words.some((w) => w.bbox[0] >= occ.x0 - 10 && w.bbox[0] < right - 2));
  if (!s || lineHeight(s) < h * 1.15) return [];
  const ws = s.words.filter((w) => w.bbox[0] >= occ.x0 - 10 && w.bbox[0] < right - 2);
  if (!ws.length || Math.abs(ws[0]!.bbox[0] - occ.x0) > 12 || startsWithLabel(ws)) return [];
  // Not when this value also sits under a label of its own.
  const gapBelow = occ.y0 - s.bbox[3];
  if (occs.some((o) => o !== occ && o.y1 <= s.bbox[1] + 1 && s.bbox[1] - o.y1 < Math.min(h * 1.5, gapBelow) && Math.abs(o.x0 - ws[0]!.bbox[0]) < 12 && o.rest.length === 0)) return [];
  return ws;
}

/** The next segment to the right on the same line, when the label ended its own. */
function valueRight(occ: Occurrence, page: PageInfo): Word[] {
  const h = lineHeight(occ.seg);
  const cands = page.segments
    .filter((s) => s !== occ.seg && !s.faxHeader && Math.abs(s.bbox[1] - occ.seg.bbox[1]) < h * 0.6 && s.bbox[0] > occ.x1)
    .sort((a, b) => a.bbox[0] - b.bbox[0]);
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
    if (lines >= maxLines || s.bbox[1] - bottom > h * 0.9) break;
    if (Math.abs(s.bbox[0] - x0) > 40 && s.bbox[0] > x0 - 120) continue;
    if (Math.abs(s.bbox[0] - x0) > 40) break;
    if (startsWithLabel(s.words)) break;
    out.push(...s.words);
    bottom = s.bbox[3];
    lines++;
  }
  return out;
}

/** The segment right under `first` that starts at x (a label column), if any. */
function lineUnder(first: Word[], x: number, page: PageInfo): Word[] {
  if (!first.length) return [];
  const bottom = Math.max(...first.map((w) => w.bbox[3]));
  const h = Math.max(6, bottom - Math.min(...first.map((w) => w.bbox[1])));
  const next = page.segments
    .filter((s) => !s.faxHeader && s.bbox[1] > bottom - h * 0.3 && s.bbox[1] - bottom <= h * 0.9 && Math.abs(s.bbox[0] - x) <= 12)
    .sort((a, b) => a.bbox[1] - b.bbox[1])[0];
  return next && !startsWithLabel(next.words) ? next.words : [];
}

/** A reason is a phrase or a sentence, not the history that follows it. */
function firstSentence(words: Word[]): Word[] {
  const out: Word[] = [];
  for (const w of words) {
    if (out.length >= 4 && /^[A-Z]{3,}$/.test(w.text) && out.length > 0) break;
    out.push(w);
    if (/[.]$/.test(w.text) && out.length >= 3) break;
  }
  return out;
}

export interface FormStats {
  /** Labels naming a field whose value could not be read: a sign a value is missing. */
  unread: number;
}

export function readForm(page: PageInfo, today: Date, offPage: boolean, stats?: FormStats): Candidate[] {
  const occs = findOccurrences(page);
  const out: Candidate[] = [];
  for (const occ of occs) {
    if (occ.match.def.heading) continue;
    const section = sectionOf(occ, occs, page);
    const r = resolve(occ.match.def.slot, section, occ, page);
    if (!r) continue;
    let words = occ.rest;
    let below = false;
    let fromRight = false;
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
    if (words.length === 0 && r.target !== 'referral.reason') {
      // Paper forms put a small caption under the filled-in value.
      words = valueAbove(occ, page, occs);
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
      if (stats && r.target !== 'referredTo' && r.method !== 'generic') stats.unread++;
      continue;
    }
    const target = r.target === 'referredTo' ? 'referral.specialty' : r.target;
    let values = readValue(target, words, today);
    // What stood to the right was another column's caption ("Referring Physician    NPI"):
    // the value is under the label instead.
    if (values.length === 0 && fromRight && !textual) {
      const under = valueBelow(occ, page, occs, r.target === 'patient.address.line1' ? 2 : 1);
      const v = under.length ? readValue(target, under, today) : [];
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
      values = values.filter((v) => v.doubt === 0 && (v.value as string).length >= all.length * 0.8);
    }
    if (r.target === 'referral.diagnosisCodes' && values.length) {
      // The description beside the code reads as a reason when no reason label exists.
      const rest = words.filter((w) => !values[0]!.words.includes(w) && /[A-Za-z]{3}/.test(w.text));
      const text = rest.map((w) => w.text).join(' ').replace(/[()[\]]/g, '').replace(/\s*[-–,;:]\s*$/, '').replace(/^\s*[-–,;:]\s*/, '').trim();
      if (rest.length >= 2 && text.length > 5) out.push(candidate('referral.reason', text, rest, page, 'generic', below, occ, offPage, 0.2, 0));
    }
    if (r.target === 'referral.diagnosisCodes' && values.length === 0) {
      const t = readValue('referral.reason', words, today);
      for (const v of t) out.push(candidate('referral.reason', v.value as string, v.words, page, 'generic', below, occ, offPage, 0.2, 0));
    }
    const titleWords = words.every((w) => /^(referral|form|request|information|details|summary|order|consult|consultation|letter|intake)$/i.test(w.text.replace(/[:.]$/, '')));
    if (values.length === 0 && stats && !titleWords && r.target !== 'referredTo' && r.method !== 'generic' && r.target !== 'referral.diagnosisCodes') {
      stats.unread++;
    }
    for (const v of values) {
      out.push(candidate(v.key, v.value, v.words.length ? v.words : words, page, r.method, below, occ, offPage, v.doubt, v.repairs));
    }
  }
  return out;
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
