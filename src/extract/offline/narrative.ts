/**
 * The narrative reader, for letters and notes without labels: "I am referring
 * Ms. Jane Doe, DOB 3/14/1962, for evaluation of ...", a signature block
 * ("Sincerely, / Sarah Montoya, MD"), a letterhead naming the practice, the
 * patient's phone, address and the referral's priority said in a sentence, and
 * ICD-10 codes written anywhere on the referral page.
 */
import type { FieldKey } from '../fields.ts';
import { isCommonIcd10, isValidNpi, normalizeProviderName, normalizeSexLoose } from '../normalize/index.ts';
import { repairPayer } from '../normalize/payers.ts';
import { findSpecialty, specialtyLike } from '../normalize/specialty.ts';
import { inMargin, minConfidence, wordsBox, type Candidate, type Method } from './candidates.ts';
import { boxState } from './checklist.ts';
import { matchLabelAt } from './labels.ts';
import type { PageInfo, Segment, Word } from './segments.ts';
import { readDiagnosisCodes, readPersonName, readValue } from './values.ts';

interface PageWords {
  words: Word[];
  text: string;
  starts: number[];
}

function flatten(page: PageInfo): PageWords {
  const words: Word[] = [];
  // A box standing alone (the checkbox finder's, perhaps a false one in a letter's letters) is no
  // part of a sentence: left in, it would cut "His ☐ insurance is Medicaid" in two.
  for (const s of page.segments) if (!s.faxHeader && !s.words.every((w) => /^[☐☒]$/.test(w.text))) words.push(...s.words);
  const starts: number[] = [];
  let text = '';
  for (const [i, w] of words.entries()) {
    if (text) text += ' ';
    starts.push(text.length);
    // "address 1s 5058 ...": OCR's 1 or l for the i of "is" between two words (same length, so offsets hold).
    text += /^[1l]s$/.test(w.text) && i > 0 && /[A-Za-z]$/.test(words[i - 1]!.text) && i < words.length - 1 ? 'is' : w.text;
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
/** "He can be reached at 512-713-9543", "Her phone number is ..." (OCR: "1s"): the patient's own phone. */
const PATIENT_PHONE = /\b(?:(?:can|may) be (?:reached|contacted) at|(?:her|his|their|the patient's|patient's) (?:home |cell |mobile )?(?:phone(?: number)?|number|cell(?: phone)?) (?:is|1s|ls))\s*/gi;
/** "His current address is 12 Oak St, Austin, TX 78701", "She lives at ...". */
// "address i is": OCR may leave a stray letter between the words.
const PATIENT_ADDRESS = /\b(?:(?:her|his|their|the patient's|patient's) (?:current |home |mailing )?ad+r?es+(?: \S)? is|(?:lives|resides) at)\s*/gi;
/** "a 46 ppardid woman": the age's unit garbled by OCR, the noun still read. */
const SEX_LOOSE = /\b(?:is|a|an)\s+(?:\S\s+)?\d{1,3}[- ]+[A-Za-z.\/-]{2,12}[- ]+(?:old\s+)?(male|female|man|woman)\b/i;
/** "a 40-year-old femalc": the noun itself with one OCR slip. */
const SEX_NOUN = /\b\d{1,3}\s*(?:-?\s*(?:year|yr)s?[- ]old|y\/o|yo|y\.o\.)\s+([A-Za-z]{4,7})\b/i;
/** "Her insurance is Cigna, member ID ...", "He is covered by Aetna.": the payer, up to the comma or full stop ("Is": OCR's capital I). */
const PAYER = /\b(?:(?:[Hh]er|[Hh]is|[Tt]heir|[Tt]he patient's|[Pp]atient's) (?:insurance|insurance carrier|health plan|coverage|insurer) [Ii]s|(?:is )?(?:insured|covered) (?:by|through|with))\s+[‘“"'`]?([A-Z][A-Za-z&'.\- ]{1,40}?)(?=[,;.(]|\s+(?:member|subscriber|id|policy|group|plan id)\b)/;
/** "member ID U2448270456", "group 4530511" inside a sentence. */
const MEMBER_ID = /\b(?:member|subscriber|policy) (?:id|number|no\.?|#)(?: is)?\s*[:#]?\s*/gi;
// Lower-case "group" only: "Westside Medical Group 1740408947" is a practice name and a number.
const GROUP_NO = /\bgroup(?: number| no\.?| #)?(?: is)?\s*[:#]?\s*(?=[A-Z0-9-]*\d)/g;
/** "This referral is urgent", "Please see this patient urgently", "a routine referral". */
const PRIORITY = /\b(?:this (?:referral|request|consult(?:ation)?) is(?: (?:considered|marked))?\s+(urgent|routine|stat|emergent)\b|please see (?:this patient|him|her|them) (urgently|routinely|as soon as possible)|(?:is|as) an? (urgent|routine|stat) (?:referral|consult(?:ation)?|request))/i;
const CLOSING = /^(sincerely|regards|best regards|kind regards|respectfully|thank you|thanks|warm regards|cordially)\b/i;
const PRACTICE_WORD = /\b(clinic|medical|health|family|practice|associates|group|center|centre|care|pediatrics|physicians|medicine|partners|internal|primary|wellness|hospital|healthcare|specialists)\b/i;

/**
 * "I am referring Mr. James Do (DOB 8/5/2005) to your practice for medial meniscus tear
 * right knee." — the reason is what the referring sentence says the patient is sent for,
 * up to the end of that sentence ("for evaluation of" and the like are not part of it).
 */
const FOR_REASON = /^[^.;]{0,160}?\bfor[.,:]?\s+(?:(?:further|an?|the)\s+)?(?:(?:surgical\s+|specialist\s+|second\s+)?(?:evaluation|eval|assessment|management|consultation|treatment|consult|opinion|care|work-?up)(?:\s+and\s+(?:treatment|management|care))?\s*(?:of|for|regarding|due to|concerning)?\s+(?:his|her|their|possible)?\s*)?([^;]{4,220}?)(?:\.\s*(?=[A-Z])|\.\s*$|;|$)/i;

export function reasonAfterName(pw: PageWords, lastNameWord: number): { text: string; words: Word[]; doubt: number } | null {
  if (lastNameWord < 0) return null;
  const from = pw.starts[lastNameWord]! + pw.words[lastNameWord]!.text.length;
  // Dots that do not end a sentence ("DOB 04.13.1969", "Dr. Lee") are masked, keeping offsets.
  const rest = pw.text.slice(from, from + 420)
    .replace(/\b\d{1,2}\.\d{1,2}\.\d{2,4}\b/g, (d) => d.replace(/\./g, '/'))
    .replace(/\b(Dr|Mr|Mrs|Ms|Mx|St|Jr|Sr|approx|e\.g|i\.e|vs)\./gi, (t) => t.replace(/\./g, ' '));
  const m = FOR_REASON.exec(rest);
  if (!m) return null;
  const at = m.index + m[0].indexOf(m[1]!);
  // A sentence whose full stop OCR lost ends where the next one starts ("... program He is a ...").
  const raw = pw.text.slice(from + at, from + at + m[1]!.length);
  const next = /\s(?:He|She|They|This|The patient|Her|His|Please|I|We)\s/.exec(raw);
  const text = (next ? raw.slice(0, next.index) : raw).trim().replace(/[,;:.]+$/, '');
  if (!/[A-Za-z]{3}/.test(text) || text.split(/\s+/).length > 25) return null;
  // "for evaluation." says nothing about why.
  if (/^(evaluation|assessment|consultation|consult|treatment|management|further care|care)$/i.test(text)) return null;
  const start = from + at + (m[1]!.length - m[1]!.trimStart().length);
  const a = wordIndexAt(pw, start);
  const b = wordIndexAt(pw, start + text.length - 1);
  const words = pw.words.slice(a, b + 1);
  // A sentence runs on at the paragraph's left edge; a jump to a word far right on the next
  // line is a reading-order slip of the layout, and the text may be mixed up.
  const left = Math.min(...pw.words.slice(Math.max(0, lastNameWord - 8), b + 1).map((w) => w.bbox[0]));
  const jumbled = words.some((w, i) => i > 0 && w.bbox[1] > words[i - 1]!.bbox[3] - 1 && w.bbox[0] > left + 40);
  return { text, words, doubt: jumbled ? 0.15 : 0 };
}

/**
 * A value beside another field's label on its row ("Birth Date:   12.03.2013") is that
 * field's: the nearest segment to its left is a label of some slot other than a date.
 */
function besideOtherLabel(s: Segment, segs: readonly Segment[]): boolean {
  const h = s.bbox[3] - s.bbox[1];
  const row = (o: Segment) => Math.abs(o.bbox[1] - s.bbox[1]) < h * 0.6 ||
    Math.abs(o.bbox[1] + o.bbox[3] - s.bbox[1] - s.bbox[3]) / 2 < Math.max(h, o.bbox[3] - o.bbox[1]) * 0.5;
  const left = segs.filter((o) => o !== s && o.bbox[2] <= s.bbox[0] + 1 && row(o)).sort((a, b) => b.bbox[2] - a.bbox[2])[0];
  if (!left) return false;
  const lm = matchLabelAt(left.words, 0);
  return lm !== null && lm.end === left.words.length && lm.def.slot !== 'date';
}

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
    const r = reasonAfterName(pw, pw.words.indexOf(name.words[name.words.length - 1]!));
    if (r) out.push(cand('referral.reason', r.text, r.words, page, 'narrative', offPage, 0.1 + r.doubt));
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
  const exact = SEX.exec(pw.text);
  const noun = exact ? null : SEX_NOUN.exec(pw.text);
  const nounSex = noun ? normalizeSexLoose(noun[1]!) : null;
  const sex = exact ?? (nounSex ? noun : SEX_LOOSE.exec(pw.text));
  if (sex) {
    const at = wordIndexAt(pw, sex.index + sex[0].length - 1);
    const v = nounSex ? { value: nounSex } : readValue('patient.sex', [pw.words[at]!].map((w) => ({ ...w, text: sex[1]! })), today)[0];
    if (v) out.push(cand('patient.sex', v.value, [pw.words[at]!], page, 'narrative', offPage, exact ? 0 : 0.1, nounSex ? 1 : 0));
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
    // Only a full address (street and city/state/ZIP) is taken from prose; a city too garbled to keep may be left out.
    if (vals.length >= 4 || (vals.length === 3 && vals.some((v) => v.key === 'patient.address.postalCode'))) {
      for (const v of vals) out.push(cand(v.key, v.value, v.words, page, 'narrative', offPage, 0.05, v.repairs));
      break;
    }
  }
  const payer = PAYER.exec(pw.text);
  if (payer) {
    const from = wordIndexAt(pw, payer.index + payer[0].length - payer[1]!.length);
    const to = wordIndexAt(pw, payer.index + payer[0].length - 1);
    const read = payer[1]!.trim();
    // An OCR slip in a well-known plan's name ("Mcdicare") is repaired, at a cost in confidence.
    const fixed = repairPayer(read);
    const text = fixed ?? read;
    if (/[A-Za-z]{3}/.test(text)) out.push(cand('insurance.payer', text, pw.words.slice(from, to + 1), page, 'narrative', offPage, 0.05, fixed ? 1 : 0));
  }
  for (const [re, key] of [[MEMBER_ID, 'insurance.memberId'], [GROUP_NO, 'insurance.groupNumber']] as const) {
    for (const m of pw.text.matchAll(re)) {
      const at = wordIndexAt(pw, m.index + m[0].length);
      const w = pw.words[at];
      // The identifier itself, not a word of the sentence ("W 993 297 588" printed in groups is one id).
      const grouped = w && /^[A-Z]{1,3}$/.test(w.text) && /^\d{2,}[,;.]?$/.test(pw.words[at + 1]?.text ?? '');
      if (!w || ((!/\d/.test(w.text) || w.text.replace(/[,;.)]+$/, '').length < 4) && !grouped)) continue;
      // The sentence's full stop or comma ends the id: later words are not read into it.
      const ws: Word[] = [];
      for (const x of pw.words.slice(at, at + 5)) {
        ws.push({ ...x, text: x.text.replace(/[,;.)]+$/, '') });
        if (/[,;.)]$/.test(x.text)) break;
      }
      const v = readValue(key, ws, today)[0];
      if (v && String(v.value).length >= 4) {
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
    // An option of a checkbox list ("o Podiatry, o Neurology, XCardiology") is read by checklist.ts, not here.
    if (boxState(before) !== null || /^[\[(]/.test(before)) continue;
    const at = wordIndexAt(pw, m.index + s.index);
    const n = s.value.split(' ').length;
    out.push(cand('referral.specialty', s.value, pw.words.slice(at, at + n), page, 'narrative', offPage, 0.1));
    break;
  }
  // A greeting addressed to a service ("Dear Rheumatology team,", OCR's "pear" or "Oear" too) names the specialty.
  for (const s of page.segments) {
    if (s.faxHeader) continue;
    const g = /^[DdPpO0]ear\s+(?:the\s+)?([A-Za-z][A-Za-z&/ -]{1,40}?)\s+(?:team|colleagues|department|clinic|service|providers|group)\s*[,:]/i.exec(s.text);
    if (!g) continue;
    const sp = findSpecialty(g[1]!);
    const value = sp && sp.index === 0 && sp.value.length === g[1]!.length ? sp.value : specialtyLike(g[1]!) ? g[1]! : null;
    if (!value) continue;
    const at = s.words.findIndex((w) => g[1]!.startsWith(w.text));
    const n = value.split(/\s+/).length;
    if (at >= 0) out.push(cand('referral.specialty', value, s.words.slice(at, at + n), page, 'narrative', offPage, 0.1));
    break;
  }
  // Signature: the first name-with-credentials line after a closing.
  const segs = page.segments.filter((s) => !s.faxHeader);
  // OCR puts stray quotes and marks before a line ("‘Sincerely,", "\"Tobias R. Keller, DO").
  const debris = (t: string) => t.replace(/^["'‘’“”«»~*•·]+(?=[A-Za-z])/, '');
  for (let i = 0; i < segs.length; i++) {
    const closing = CLOSING.exec(debris(segs[i]!.text));
    if (!closing) continue;
    // "Sincerely, Dr. Jane Roe" on the closing's own line, else the lines under it.
    // Only when the closing itself ends at a comma ("Thank you for seeing her, Dr. Lee" names the reader).
    const k = closing[0].split(/\s+/).length;
    const own = /,$/.test(segs[i]!.words[k - 1]?.text ?? '') ? segs[i]!.words.slice(k) : [];
    const lines: Word[][] = [...(own.length ? [own] : []), ...segs.slice(i + 1, i + 5).map((x) => x.words)];
    for (const line of lines) {
      const ws = line.map((w) => ({ ...w, text: debris(w.text) })).filter((w) => !/^(electronically|signed|by:?|\/s\/)$/i.test(w.text));
      // The practice under the name is not a person ("Bayside Physicians Group").
      if (PRACTICE_WORD.test(ws.map((w) => w.text).join(' '))) continue;
      const name = readPersonName(ws);
      if (!name) continue;
      const text = ws.slice(ws.indexOf(name.words[0]!)).map((w) => w.text).join(' ');
      const value = normalizeProviderName(text);
      if (value) {
        out.push(cand('referringProvider.name', value, name.words, page, 'signature', offPage, /,\s*(MD|DO|NP|PA|FNP|APRN|PA-C|DPT|PT)\b|^Dr\.?\s/i.test(text) ? 0 : 0.15));
        break;
      }
    }
    break;
  }
  // Letterhead: a practice name in the first lines of the page.
  // OCR speckle above the letterhead ("Cb re 8 aH aN") is not one of its lines.
  const readable = (s: (typeof segs)[number]) => s.words.some((w) => /[A-Za-z]{3,}/.test(w.text)) && s.words.reduce((n, w) => n + w.confidence, 0) / s.words.length >= 0.6 &&
    s.words.filter((w) => /^[A-Za-z]{1,2}$/.test(w.text)).length <= s.words.length / 2;
  const topSegs = segs.filter((s) => s.bbox[1] < page.height * 0.15 && readable(s)).slice(0, 3);
  for (const s of topSegs) {
    if (PRACTICE_WORD.test(s.text) && !/\d/.test(s.text) && !/referral|fax|form|request|letter|consult|note|report|summary|order|information/i.test(s.text) && !offPage && s.words.length <= 7) {
      out.push(cand('referringProvider.practice', s.text.replace(/[,;]$/, ''), s.words, page, 'letterhead', offPage, 0.1));
      break;
    }
  }
  // Letterhead contact line: "(512) 299-2996 (Office Fax: ...)", "830 579 7434 · Fax ...":
  // an unlabelled phone starting a line under the practice name or address at the top of the
  // referral page is the sending office's. Not when a label stands before or above it.
  if (!offPage) {
    const top = segs.filter((s) => s.bbox[1] < page.height * 0.15);
    for (const s of top) {
      const v = readValue('referringProvider.phone', s.words, today)[0];
      if (!v || v.words[0] !== s.words[0]) continue;
      const h = Math.max(4, s.bbox[3] - s.bbox[1]);
      const labelled = top.some((o) => o !== s && (
        (Math.abs(o.bbox[1] - s.bbox[1]) < h * 0.6 && o.bbox[2] <= s.bbox[0] + 1) ||
        (o.bbox[3] <= s.bbox[1] + 1 && s.bbox[1] - o.bbox[3] < h * 1.5 && o.bbox[0] < s.bbox[2] && o.bbox[2] > s.bbox[0] && /:\s*$|\b(fax|phone|tel)\W*$/i.test(o.text))));
      const headed = top.some((o) => o.bbox[3] <= s.bbox[1] + 1 && (PRACTICE_WORD.test(o.text) || /^\d+\s+\S+.*\b[A-Z]{2}\s+\d{5}\b/.test(o.text)));
      if (labelled || !headed) continue;
      out.push(cand('referringProvider.phone', v.value, v.words, page, 'letterhead', offPage, 0.05, v.repairs));
      break;
    }
  }
  // A date alone on a line near the top of a letter is the date it was written.
  for (const s of segs) {
    if (offPage || s.bbox[1] > page.height * 0.35) break;
    const v = readValue('referral.date', s.words, today)[0];
    const h = s.bbox[3] - s.bbox[1];
    const underSomething = segs.some((o) => o !== s && o.bbox[3] <= s.bbox[1] + 1 && s.bbox[1] - o.bbox[3] < h * 1.5 && o.bbox[0] < s.bbox[2] && o.bbox[2] > s.bbox[0]) ||
      besideOtherLabel(s, segs);
    // Alone on its line, but for OCR specks beside it ("oo November 11, 2024").
    const alone = v && s.words.every((w) => v.words.includes(w) || (/^[^\d]{1,2}$/.test(w.text) && w !== s.words[s.words.length - 1]));
    // A caption under it ("DATE OF BIRTH") names it: a paper form's value, not the letter's date.
    const captioned = segs.some((o) => o !== s && o.bbox[1] >= s.bbox[3] - 1 && o.bbox[1] - s.bbox[3] < h * 1.5 && o.bbox[0] < s.bbox[2] && o.bbox[2] > s.bbox[0] &&
      ((lm) => lm !== null && lm.end === o.words.length && lm.def.slot !== 'date')(matchLabelAt(o.words, 0)));
    if (v && alone && !captioned && !underSomething) {
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
      if (m) return { ...w, text: m[1]! };
      // A bracket of speckle after the category letter ("(J]32.9)."), when the code without it is listed.
      const s = /^[(\[]?([A-TV-Z])[\]|]([0-9][0-9A-Z]\.[0-9A-Z]{1,4})(?=$|[)\],;:.\-–])/.exec(w.text);
      if (s && isCommonIcd10(`${s[1]}${s[2]}`)) return { ...w, text: `${s[1]}${s[2]}` };
      // A three-character code in brackets after its description ("hypertension (I10)"), if listed.
      const b = /^[(\[]([A-TV-Z][0-9][0-9A-Z])[)\]][,;:.]?$/.exec(w.text);
      return b && isCommonIcd10(b[1]!) ? { ...w, text: b[1]! } : null;
    })
    .filter((w): w is Word => w !== null);
  const dx = readDiagnosisCodes(codeWords);
  if (dx) out.push(cand(dx.key, dx.value, dx.words, page, 'narrative', offPage, dx.doubt + 0.05, dx.repairs));
  return out;
}
