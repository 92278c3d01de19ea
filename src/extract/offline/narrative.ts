/**
 * The narrative reader, for letters and notes without labels: "I am referring
 * Ms. Jane Doe, DOB 3/14/1962, for evaluation of ...", a signature block
 * ("Sincerely, / Sarah Montoya, MD"), a letterhead naming the practice, the
 * patient's phone, address and the referral's priority said in a sentence, and
 * ICD-10 codes written anywhere on the referral page.
 */
import type { FieldKey } from '../fields.ts';
import { isValidNpi, normalizeProviderName } from '../normalize/index.ts';
import { findSpecialty } from '../normalize/specialty.ts';
import { inMargin, minConfidence, wordsBox, type Candidate, type Method } from './candidates.ts';
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
  const bbox = wordsBox(words);
  return { key, value, page: page.pageNumber, bbox, method, ocr: minConfidence(words), below: false, fuzzyLabel: false, repairs, doubt, offPage, margin: inMargin(bbox, page.height) };
}

const INTRO = /\b(?:am referring|are referring|would like to refer|to refer|I refer|referring|please see|please evaluate|kindly see|kindly evaluate|sending you|asked to see|referral of|for your patient|regarding)\s+(?:our\s+(?:mutual\s+)?patient,?\s+|my\s+patient,?\s+|patient,?\s+|the patient,?\s+)?(?=(?:(?:Mr|Mrs|Ms|Miss|Mx)\.?\s+)?[A-Z])/gi;
const DOB = /\b(?:DOB|D\.O\.B\.?|date of birth|born(?: on)?|birthdate|birth date)\s*[:,-]?\s*/gi;
const SEX = /\b\d{1,3}\s*(?:-?\s*(?:year|yr)s?[- ]old|y\/o|yo|y\.o\.)\s+(male|female|man|woman|boy|girl)\b/i;
const REASON = /\b(?:for|regarding)\s+(?:further\s+|an?\s+)?(?:evaluation and management|evaluation and treatment|evaluation|assessment|management|consultation|treatment|consult|surgical evaluation|opinion)\s+(?:of|for|regarding|due to)\s+(?:his|her|their|a|an|possible)?\s*([^.;]{4,160})[.;]/i;
/** "He can be reached at 512-713-9543", "Her phone number is ...": the patient's own phone. */
const PATIENT_PHONE = /\b(?:(?:can|may) be (?:reached|contacted) at|(?:her|his|their|the patient's|patient's) (?:home |cell |mobile )?(?:phone(?: number)?|number|cell(?: phone)?) is)\s*/gi;
/** "His current address is 12 Oak St, Austin, TX 78701", "She lives at ...". */
const PATIENT_ADDRESS = /\b(?:(?:her|his|their|the patient's|patient's) (?:current |home |mailing )?address is|(?:lives|resides) at)\s*/gi;
/** "Her insurance is Cigna, member ID ...", "He is covered by Aetna.": the payer, up to the comma or full stop. */
const PAYER = /\b(?:(?:[Hh]er|[Hh]is|[Tt]heir|[Tt]he patient's|[Pp]atient's) (?:insurance|insurance carrier|health plan|coverage|insurer) is|(?:is )?(?:insured|covered) (?:by|through|with))\s+([A-Z][A-Za-z&'.\- ]{1,40}?)(?=[,;.]|\s+(?:member|id|policy|group|plan id)\b)/;
/** "member ID U2448270456", "group 4530511" inside a sentence. */
const MEMBER_ID = /\b(?:member|subscriber|policy) (?:id|number|no\.?|#)(?: is)?\s*[:#]?\s*/gi;
// Lower-case "group" only: "Westside Medical Group 1740408947" is a practice name and a number.
const GROUP_NO = /\bgroup(?: number| no\.?| #)?(?: is)?\s*[:#]?\s*(?=[A-Z0-9-]*\d)/g;
/** "This referral is urgent", "Please see this patient urgently", "a routine referral". */
const PRIORITY = /\b(?:this (?:referral|request|consult(?:ation)?) is(?: (?:considered|marked))?\s+(urgent|routine|stat|emergent)\b|please see (?:this patient|him|her|them) (urgently|routinely|as soon as possible)|(?:is|as) an? (urgent|routine|stat) (?:referral|consult(?:ation)?|request))/i;
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
  for (const m of pw.text.matchAll(PATIENT_PHONE)) {
    const at = wordIndexAt(pw, m.index + m[0].length);
    const v = readValue('patient.phone', pw.words.slice(at, at + 4), today)[0];
    if (v) {
      out.push(cand(v.key, v.value, v.words, page, 'narrative', offPage, 0.05, v.repairs));
      break;
    }
  }
  for (const m of pw.text.matchAll(PATIENT_ADDRESS)) {
    const at = wordIndexAt(pw, m.index + m[0].length);
    // The sentence ends at the ZIP: "..., Austin, TX 78701." → trim the full stop for the reader.
    const words = pw.words.slice(at, at + 12).map((w) => (/^\d{5}(-\d{4})?\.$/.test(w.text) ? { ...w, text: w.text.slice(0, -1) } : w));
    const vals = readValue('patient.address.line1', words, today);
    // Only a full address (street and city/state/ZIP) is taken from prose.
    if (vals.length >= 4) {
      for (const v of vals) out.push(cand(v.key, v.value, v.words, page, 'narrative', offPage, 0.05, v.repairs));
      break;
    }
  }
  const payer = PAYER.exec(pw.text);
  if (payer) {
    const from = wordIndexAt(pw, payer.index + payer[0].length - payer[1]!.length);
    const to = wordIndexAt(pw, payer.index + payer[0].length - 1);
    const text = payer[1]!.trim();
    if (/[A-Za-z]{3}/.test(text)) out.push(cand('insurance.payer', text, pw.words.slice(from, to + 1), page, 'narrative', offPage, 0.05));
  }
  for (const [re, key] of [[MEMBER_ID, 'insurance.memberId'], [GROUP_NO, 'insurance.groupNumber']] as const) {
    for (const m of pw.text.matchAll(re)) {
      const at = wordIndexAt(pw, m.index + m[0].length);
      const w = pw.words[at];
      // The identifier itself, not a word of the sentence.
      if (!w || !/\d/.test(w.text) || w.text.replace(/[,;.]+$/, '').length < 4) continue;
      const v = readValue(key, [{ ...w, text: w.text.replace(/[,;.]+$/, '') }], today)[0];
      if (v) {
        out.push(cand(v.key, v.value, v.words, page, 'narrative', offPage, 0.05, v.repairs));
        break;
      }
    }
  }
  const pr = PRIORITY.exec(pw.text);
  if (pr) {
    const word = (pr[1] ?? pr[2] ?? pr[3] ?? '').toLowerCase();
    const value = /^(urgent|urgently|as soon as possible)$/.test(word) ? 'urgent' : /^(stat|emergent)$/.test(word) ? 'stat' : 'routine';
    const at = wordIndexAt(pw, pr.index + pr[0].length - 1);
    out.push(cand('referral.urgency', value, [pw.words[at]!], page, 'narrative', offPage, 0.05));
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
  // An NPI whose label OCR mangled ("NPY", "NP1"): a bare 10-digit run that passes
  // the NPI check digit (Luhn with 80840). Phone numbers never start with 1 (no US
  // area code does); one starting with 2 needs an NPI-like word before it.
  for (let i = 0; i < pw.words.length; i++) {
    const w = pw.words[i]!;
    const raw = w.text.replace(/^[#:]+|[,;.]+$/g, '');
    if (!/^[12]\d{9}$/.test(raw) || !isValidNpi(raw)) continue;
    const prev = pw.words[i - 1]?.text ?? '';
    if (raw[0] === '2' && !/^n\W?p\W?[il1y|]/i.test(prev)) continue;
    out.push(cand('referringProvider.npi', raw, [w], page, 'generic', offPage, 0.1));
    break;
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
