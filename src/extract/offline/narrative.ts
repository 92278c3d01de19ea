/**
 * The narrative reader, for letters and notes without labels: "I am referring
 * Ms. Jane Doe, DOB 3/14/1962, for evaluation of ...", a signature block
 * ("Sincerely, / Sarah Montoya, MD"), a letterhead naming the practice, and
 * ICD-10 codes written anywhere on the referral page.
 */
import type { FieldKey } from '../fields.ts';
import { normalizeProviderName } from '../normalize/index.ts';
import { findSpecialty } from '../normalize/specialty.ts';
import { minConfidence, wordsBox, type Candidate, type Method } from './candidates.ts';
import type { PageInfo, Word } from './segments.ts';
import { readDiagnosisCodes, readPersonName, readValue } from './values.ts';

interface PageWords {
  words: Word[];
  text: string;
  starts: number[];
}

function flatten(page: PageInfo): PageWords {
  const words: Word[] = [];
  for (const s of page.segments) if (!s.faxHeader) words.push(...s.words);
  const starts: number[] = [];
  let text = '';
  for (const w of words) {
    if (text) text += ' ';
    starts.push(text.length);
    text += w.text;
  }
  return { words, text, starts };
}

function wordIndexAt(pw: PageWords, offset: number): number {
  let lo = 0;
  let hi = pw.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (pw.starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function cand(key: FieldKey, value: Candidate['value'], words: Word[], page: PageInfo, method: Method, offPage: boolean, doubt = 0, repairs = 0): Candidate {
  return { key, value, page: page.pageNumber, bbox: wordsBox(words), method, ocr: minConfidence(words), below: false, fuzzyLabel: false, repairs, doubt, offPage };
}

const INTRO = /\b(?:am referring|are referring|would like to refer|to refer|I refer|referring|please see|please evaluate|kindly see|kindly evaluate|sending you|asked to see|referral of|for your patient|regarding)\s+(?:our\s+(?:mutual\s+)?patient,?\s+|my\s+patient,?\s+|patient,?\s+|the patient,?\s+)?(?=(?:(?:Mr|Mrs|Ms|Miss|Mx)\.?\s+)?[A-Z])/gi;
const DOB = /\b(?:DOB|D\.O\.B\.?|date of birth|born(?: on)?|birthdate|birth date)\s*[:,-]?\s*/gi;
const SEX = /\b\d{1,3}\s*(?:-?\s*(?:year|yr)s?[- ]old|y\/o|yo|y\.o\.)\s+(male|female|man|woman|boy|girl)\b/i;
const REASON = /\b(?:for|regarding)\s+(?:further\s+|an?\s+)?(?:evaluation and management|evaluation and treatment|evaluation|assessment|management|consultation|treatment|consult|surgical evaluation|opinion)\s+(?:of|for|regarding|due to)\s+(?:his|her|their|a|an|possible)?\s*([^.;]{4,160})[.;]/i;
const CLOSING = /^(sincerely|regards|best regards|kind regards|respectfully|thank you|thanks|warm regards|cordially)\b/i;
const PRACTICE_WORD = /\b(clinic|medical|health|family|practice|associates|group|center|centre|care|pediatrics|physicians|medicine|partners|internal|primary|wellness|hospital|healthcare|specialists)\b/i;

export function readNarrative(page: PageInfo, today: Date, offPage: boolean): Candidate[] {
  const out: Candidate[] = [];
  const pw = flatten(page);
  if (pw.words.length === 0) return out;
  for (const m of pw.text.matchAll(INTRO)) {
    const at = wordIndexAt(pw, m.index + m[0].length);
    const name = readPersonName(pw.words.slice(at, at + 6));
    if (!name || !/^[A-Z]/.test(name.first) || !/^[A-Z]/.test(name.last)) continue;
    const vals = readValue('patientName', name.words, today);
    for (const v of vals) out.push(cand(v.key, v.value, v.words, page, 'narrative', offPage));
    break;
  }
  for (const m of pw.text.matchAll(DOB)) {
    const at = wordIndexAt(pw, m.index + m[0].length);
    const v = readValue('patient.dob', pw.words.slice(at, at + 4), today)[0];
    if (v) {
      out.push(cand(v.key, v.value, v.words, page, 'narrative', offPage, v.doubt, v.repairs));
      break;
    }
  }
  const sex = SEX.exec(pw.text);
  if (sex) {
    const at = wordIndexAt(pw, sex.index + sex[0].length - 1);
    const v = readValue('patient.sex', [pw.words[at]!].map((w) => ({ ...w, text: sex[1]! })), today)[0];
    if (v) out.push(cand('patient.sex', v.value, [pw.words[at]!], page, 'narrative', offPage));
  }
  const reason = REASON.exec(pw.text);
  if (reason) {
    const from = wordIndexAt(pw, reason.index + reason[0].indexOf(reason[1]!));
    const to = wordIndexAt(pw, reason.index + reason[0].length - 2);
    const text = reason[1]!.trim();
    if (/[A-Za-z]{3}/.test(text)) out.push(cand('referral.reason', text, pw.words.slice(from, to + 1), page, 'narrative', offPage, 0.15));
  }
  // Specialty named in a sentence about referring.
  const sentence = /\b(?:refer|referral|referring|consult|evaluation|please see|to your|to the|to our)\b.{0,160}/gi;
  for (const m of pw.text.matchAll(sentence)) {
    const s = findSpecialty(m[0]);
    if (!s) continue;
    // Inside an organisation's name ("Austin Orthopedics Associates") it is not the service asked for.
    const before = m[0].slice(0, s.index).trim().split(/\s+/).pop() ?? '';
    const after = m[0].slice(s.index + s.value.length).trim().split(/\s+/)[0] ?? '';
    if (/^[A-Z]/.test(before) || (/^[A-Z]/.test(after) && !/^(Clinic|Consult|Department|Team|Service|Evaluation)/.test(after))) continue;
    const at = wordIndexAt(pw, m.index + s.index);
    const n = s.value.split(' ').length;
    out.push(cand('referral.specialty', s.value, pw.words.slice(at, at + n), page, 'narrative', offPage, 0.1));
    break;
  }
  // Signature: the first name-with-credentials line after a closing.
  const segs = page.segments.filter((s) => !s.faxHeader);
  for (let i = 0; i < segs.length; i++) {
    if (!CLOSING.test(segs[i]!.text)) continue;
    for (const s of segs.slice(i + 1, i + 5)) {
      const name = readPersonName(s.words.filter((w) => !/^(electronically|signed|by:?|\/s\/)$/i.test(w.text)));
      if (!name) continue;
      const value = normalizeProviderName(s.text.replace(/^(electronically signed by:?|signed:?|\/s\/)\s*/i, ''));
      if (value) {
        out.push(cand('referringProvider.name', value, name.words, page, 'signature', offPage, /,\s*(MD|DO|NP|PA|FNP|APRN|PA-C)\b|^Dr\.?\s/i.test(s.text) ? 0 : 0.15));
        break;
      }
    }
    break;
  }
  // Letterhead: a practice name in the first lines of the page.
  const topSegs = segs.filter((s) => s.bbox[1] < page.height * 0.15).slice(0, 3);
  for (const s of topSegs) {
    if (PRACTICE_WORD.test(s.text) && !/\d/.test(s.text) && !/referral|fax|form|request|letter|consult|note|report|summary|order|information/i.test(s.text) && !offPage && s.words.length <= 7) {
      out.push(cand('referringProvider.practice', s.text.replace(/[,;]$/, ''), s.words, page, 'letterhead', offPage, 0.1));
      break;
    }
  }
  // A date alone on a line near the top of a letter is the date it was written.
  for (const s of segs) {
    if (offPage || s.bbox[1] > page.height * 0.35) break;
    const v = readValue('referral.date', s.words, today)[0];
    const h = s.bbox[3] - s.bbox[1];
    const underSomething = segs.some((o) => o !== s && o.bbox[3] <= s.bbox[1] + 1 && s.bbox[1] - o.bbox[3] < h * 1.5 && o.bbox[0] < s.bbox[2] && o.bbox[2] > s.bbox[0]);
    if (v && v.words.length === s.words.length && !underSomething) {
      out.push(cand('referral.date', v.value, v.words, page, 'narrative', offPage, v.doubt + 0.03, v.repairs));
      break;
    }
  }
  // ICD-10 codes with a dot anywhere on the page (strict shape only).
  const codeWords = pw.words
    .map((w) => {
      const m = /^[(\[]?([A-TV-Z][0-9][0-9A-Z]\.[0-9A-Z]{1,4})(?=$|[)\],;:.\-–])/.exec(w.text);
      return m ? { ...w, text: m[1]! } : null;
    })
    .filter((w): w is Word => w !== null);
  const dx = readDiagnosisCodes(codeWords);
  if (dx) out.push(cand(dx.key, dx.value, dx.words, page, 'narrative', offPage, dx.doubt + 0.05, dx.repairs));
  return out;
}
