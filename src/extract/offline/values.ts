/**
 * Value readers: given the words after (or under) a label, take the part that is a
 * value of the expected kind and normalise it. Each reader reports which words it
 * used, so evidence boxes are exact and the rest of the line is left alone.
 */
import type { FieldKey, FieldValue } from '../fields.ts';
import {
  countDigitFixes, findDate, isCommonIcd10, normalizeIcd10, normalizeIdentifier, normalizeNpi, normalizePhone,
  normalizeProviderName, normalizeSex, normalizeState, normalizeUrgency, normalizeZip, parseCityStateZip,
  parsePersonName, suggestIcd10, looksTruncatedIcd10, CREDENTIALS, NAME_WORD, dobProblem, recentDateProblem,
} from '../normalize/index.ts';
import { findSpecialty } from '../normalize/specialty.ts';
import { boxState } from './checklist.ts';
import { matchLabelAt } from './labels.ts';
import type { Word } from './segments.ts';

export interface ReadValue {
  key: FieldKey;
  value: FieldValue;
  words: Word[];
  repairs: number;
  doubt: number;
}

function joinWithOffsets(words: readonly Word[]): { text: string; starts: number[] } {
  const starts: number[] = [];
  let text = '';
  for (const w of words) {
    if (text) text += ' ';
    starts.push(text.length);
    text += w.text;
  }
  return { text, starts };
}

/** The words overlapping the character range [from, to) of the joined text. */
function wordsInRange(words: readonly Word[], starts: number[], from: number, to: number): Word[] {
  return words.filter((w, i) => starts[i]! < to && starts[i]! + w.text.length > from);
}

/** Words that are labels or headings, never part of a person's name. */
const LABEL_WORDS = /^(patient|name|physician|provider|referring|referral|insurance|carrier|priority|diagnosis|reason|address|member|group|clinic|practice|phone|fax|date|birth|sex|gender|specialty|signature|information|npi|dob|mrn|plan|payer|office|policy|comments|notes|consult|consultation|request|form|department|service|urgency|id)$/i;
const NAME_STOP = /^(dob|d\.o\.b|date|born|sex|age|phone|mrn|id|male|female|y\/?o|yo)$/i;
/** Prose words, lower case only ("A" can be a middle initial). */
const PROSE = /^(is|was|has|for|with|who|and|the|a|an|to|at|on|in|of)$/;
const TITLE = /^(mr|mrs|ms|miss|mx|dr)\.?$/i;

/** OCR debris ("oo", "ee rrr") is not a name: two letters or more, a vowel, not one repeated letter. */
export function plausibleName(word: string): boolean {
  const w = word.replace(/[^A-Za-zÀ-ÿ]/g, '');
  if (w.length < 2 && !/^(van|von|de|del|la|le|da|di|du|st)$/i.test(word)) return false;
  // Real surnames without a vowel are few and known ("Ng").
  if (!/[aeiouyà-ÿ]/i.test(w) && !/^ng$/i.test(w)) return false;
  if (/^(.)\1+$/i.test(w)) return false;
  // Mixed case inside a word ("DYke", "RiverA") is an OCR slip, not a name.
  if (word.split(/[-'’]/).some((part) => /[a-z][A-Z]/.test(part) && !/^(Mc|Mac|De|Di|La|Le|Van|Von)/.test(part))) return false;
  return true;
}

/** A person's name at the start of `words`: "Doe, Jane A." or "Jane A. Doe" or "DOE, JANE". */
export function readPersonName(words: readonly Word[]): { first: string; middle?: string; last: string; words: Word[] } | null {
  const taken: Word[] = [];
  for (const w of words) {
    const bare = w.text.replace(/[,;:]+$/, '');
    if (taken.length >= 5) break;
    if (NAME_STOP.test(bare) || PROSE.test(bare) || LABEL_WORDS.test(bare.replace(/\.$/, ''))) break;
    if (!(NAME_WORD.test(bare) || /^[A-Z]\.?$/.test(bare) || TITLE.test(bare))) break;
    // Names are written capitalised; a lower-case word is prose.
    if (!/^[A-ZÀ-Ö]/.test(bare) && !/^(van|von|de|del|la|le|da|di|du)$/.test(bare)) break;
    // "MD", "D.O." end a name; "Do" in "Mr. James Do" is a family name, not a credential.
    if (CREDENTIALS.has(bare.replace(/\./g, '').toUpperCase()) && taken.length >= 2 && (bare === bare.toUpperCase() || /,$/.test(taken[taken.length - 1]!.text))) break;
    taken.push(w);
    if (/[;]$/.test(w.text)) break;
    // "Jane Doe, DOB ..." ends the name at the comma once both parts are present.
    const real = taken.filter((t) => !TITLE.test(t.text));
    if (/,$/.test(w.text) && real.length >= 2 && !/^(van|von|de|del|della|der|den|da|di|du|la|le|st\.?)$/i.test(real[0]!.text)) break;
  }
  while (taken.length > 0) {
    const name = parsePersonName(taken.map((w) => w.text).join(' '));
    if (name && plausibleName(name.first) && name.last.split(' ').every(plausibleName)) {
      const realWords = taken.filter((t) => !TITLE.test(t.text));
      if (realWords.length >= 2) return { ...name, words: taken };
    }
    taken.pop();
  }
  return null;
}

function readDate(key: 'patient.dob' | 'referral.date', words: readonly Word[], today: Date): ReadValue | null {
  const { text, starts } = joinWithOffsets(words);
  const found = findDate(text, { kind: key === 'patient.dob' ? 'dob' : 'recent', today });
  if (!found || found.index > 3) return null;
  const problem = key === 'patient.dob' ? dobProblem(found.value, today) : recentDateProblem(found.value, today);
  if (problem) return null;
  const used = wordsInRange(words, starts, found.index, found.index + found.length);
  const raw = text.slice(found.index, found.index + found.length);
  const twoDigitYear = /[/.-]\s?\d{2}$/.test(raw);
  return { key, value: found.value, words: used, repairs: countDigitFixes(raw.replace(/[A-Za-z]{3,}/g, '')), doubt: twoDigitYear ? 0.15 : 0 };
}

const PHONE_RE = /^(?:\+?1[\s.-]?)?(\(?[0-9OlIS]{3}\)?[\s.-]{0,2}[0-9OlIS]{3}[\s.-]{0,2}[0-9OlIS]{4})(?![0-9])/;

function readPhone(key: FieldKey, words: readonly Word[]): ReadValue | null {
  const joined = joinWithOffsets(words);
  const starts = joined.starts;
  const text = joined.text.replace(/^[lI|](?=[\s.-]?\(?\d)/, '1');
  const m = PHONE_RE.exec(text);
  if (!m) return null;
  const value = normalizePhone(m[1]!);
  if (!value) return null;
  return { key, value, words: wordsInRange(words, starts, 0, m[0].length), repairs: countDigitFixes(m[1]!), doubt: 0 };
}

function firstToken(words: readonly Word[]): Word | undefined {
  return words[0];
}

function readIdentifier(key: FieldKey, words: readonly Word[]): ReadValue | null {
  const w = firstToken(words);
  if (!w) return null;
  // "W 993 297 588" split by OCR: join digit runs that follow.
  const parts = [w];
  for (const next of words.slice(1, 4)) {
    if (/^\d{2,}$/.test(next.text) && next.bbox[0] - parts[parts.length - 1]!.bbox[2] < 8) parts.push(next);
    else break;
  }
  const raw = parts.map((p) => p.text).join('').replace(/[,;]$/, '');
  const value = normalizeIdentifier(raw);
  if (!value) return null;
  return { key, value, words: parts, repairs: 0, doubt: 0 };
}

function readMrn(words: readonly Word[]): ReadValue | null {
  const w = firstToken(words);
  if (!w) return null;
  const raw = w.text.replace(/^[#:]+|[,;.]+$/g, '');
  if (!/^[A-Za-z0-9][A-Za-z0-9-]{1,24}$/.test(raw) || !/\d/.test(raw)) return null;
  return { key: 'patient.mrn', value: raw, words: [w], repairs: 0, doubt: 0 };
}

function readNpi(words: readonly Word[]): ReadValue | null {
  const w = firstToken(words);
  if (!w) return null;
  const parts = [w];
  if (words[1] && /^\d+$/.test(words[1].text) && w.text.length < 10) parts.push(words[1]);
  const raw = parts.map((p) => p.text).join('').replace(/[^0-9A-Za-z]/g, '');
  const value = normalizeNpi(raw);
  if (!value) return null;
  return { key: 'referringProvider.npi', value, words: parts, repairs: countDigitFixes(raw), doubt: 0 };
}

function readSex(words: readonly Word[]): ReadValue | null {
  const w = firstToken(words);
  if (!w) return null;
  // "☒ M ☐ F", "X M [ ] F": boxes, read by checklist.ts; "X" here is a mark, not sex X.
  if (boxState(w.text) !== null && words[1] && /^(m|f|male|female)[,;]?$/i.test(words[1].text)) return null;
  const value = normalizeSex(w.text.replace(/[,;]$/, ''));
  if (value) return { key: 'patient.sex', value, words: [w], repairs: 0, doubt: 0 };
  // "Age/Sex: 62/F", "62 F", "62 y/o female".
  for (const x of words.slice(0, 4)) {
    const m = /^(?:\d{1,3}\s*(?:y\/?o|yo|y)?\s*\/?\s*)?(m|f|male|female)[,;.]?$/i.exec(x.text);
    const v = m ? normalizeSex(m[1]!) : null;
    if (v && words.indexOf(x) > 0 && /^\d/.test(words[0]!.text)) return { key: 'patient.sex', value: v, words: [x], repairs: 0, doubt: 0.05 };
    if (v && /^\d/.test(x.text)) return { key: 'patient.sex', value: v, words: [x], repairs: 0, doubt: 0.05 };
  }
  return null;
}

function readState(words: readonly Word[]): ReadValue | null {
  for (const n of [1, 2]) {
    const ws = words.slice(0, n);
    if (ws.length < n) break;
    const value = normalizeState(ws.map((w) => w.text).join(' ').replace(/[,]$/, ''));
    if (value) return { key: 'patient.address.state', value, words: ws, repairs: 0, doubt: 0 };
  }
  return null;
}

function readZip(words: readonly Word[]): ReadValue | null {
  const w = firstToken(words);
  if (!w) return null;
  const value = normalizeZip(w.text.replace(/[,;.]$/, ''));
  return value ? { key: 'patient.address.postalCode', value, words: [w], repairs: countDigitFixes(w.text.slice(0, 5)), doubt: 0 } : null;
}

/** "Austin, TX 78731" → three values. */
export function readCityStateZip(words: readonly Word[]): ReadValue[] {
  for (let n = Math.min(words.length, 6); n >= 3; n--) {
    const ws = words.slice(0, n);
    const parsed = parseCityStateZip(ws.map((w) => w.text).join(' '));
    if (!parsed) continue;
    const zipWord = ws[ws.length - 1]!;
    const stateWords = ws.filter((w) => normalizeState(w.text.replace(/[,.]$/, '')) === parsed.state).slice(-1);
    const cityWords = ws.slice(0, Math.max(1, ws.indexOf(stateWords[0] ?? zipWord)));
    return [
      { key: 'patient.address.city', value: parsed.city, words: cityWords, repairs: 0, doubt: 0 },
      { key: 'patient.address.state', value: parsed.state, words: stateWords.length ? stateWords : [zipWord], repairs: 0, doubt: 0 },
      { key: 'patient.address.postalCode', value: parsed.postalCode, words: [zipWord], repairs: countDigitFixes(zipWord.text), doubt: 0 },
    ];
  }
  return [];
}

/** A street line, and the city/state/ZIP when they follow on the same line. */
export function readAddress(words: readonly Word[]): ReadValue[] {
  if (words.length === 0) return [];
  const text = words.map((w) => w.text).join(' ');
  if (!/^\d+[A-Za-z]?\s+\S/.test(text) && !/^p\.?\s*o\.?\s*box/i.test(text)) return [];
  // Try "line1, City, ST ZIP" splits.
  for (let cut = 2; cut < words.length - 2; cut++) {
    const tail = readCityStateZip(words.slice(cut));
    if (tail.length && words[cut - 1]!.text.endsWith(',')) {
      const lineWords = words.slice(0, cut);
      const line1 = lineWords.map((w) => w.text).join(' ').replace(/,$/, '');
      return [{ key: 'patient.address.line1', value: line1, words: lineWords, repairs: 0, doubt: 0 }, ...tail];
    }
  }
  // "12 Oak St Austin TX 78701": the street ends at its type word or unit.
  const STREET_END = /^(st|street|ave|avenue|rd|road|dr|drive|ln|lane|blvd|ct|court|way|pkwy|trl|trail|pl|place|cir|hwy|loop|pass|run|ter|sq)\.?,?$/i;
  for (let cut = 2; cut < words.length - 2; cut++) {
    const prev = words[cut - 1]!.text;
    const unit = /^(apt|unit|ste|suite|#)/i.test(words[cut]!.text);
    const afterUnit = /^#\w+,?$/.test(prev) || (cut >= 2 && /^(apt|unit|ste|suite)\.?$/i.test(words[cut - 2]!.text));
    if (!(STREET_END.test(prev) || afterUnit) || unit) continue;
    const tail = readCityStateZip(words.slice(cut));
    if (tail.length) {
      const lineWords = words.slice(0, cut);
      return [{ key: 'patient.address.line1', value: lineWords.map((w) => w.text).join(' ').replace(/,$/, ''), words: lineWords, repairs: 0, doubt: 0.05 }, ...tail];
    }
  }
  const line1 = text.replace(/[,;]$/, '');
  if (line1.length > 60) return [];
  return [{ key: 'patient.address.line1', value: line1, words: [...words], repairs: 0, doubt: 0 }];
}

function readCity(words: readonly Word[]): ReadValue | null {
  const ws: Word[] = [];
  for (const w of words.slice(0, 3)) {
    if (!/^[A-Za-z][A-Za-z.'-]*,?$/.test(w.text)) break;
    ws.push(w);
    if (w.text.endsWith(',')) break;
  }
  if (!ws.length) return null;
  return { key: 'patient.address.city', value: ws.map((w) => w.text).join(' ').replace(/,$/, ''), words: ws, repairs: 0, doubt: 0 };
}

/** ICD-10-CM codes anywhere in the words; codes off the common list are doubtful. */
export function readDiagnosisCodes(words: readonly Word[]): ReadValue | null {
  const codes: string[] = [];
  const used: Word[] = [];
  let repairs = 0;
  let doubt = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    let raw = w.text.replace(/^[([]+|[)\],;:.]+$/g, '');
    // "M54. 50" split by OCR.
    if (/^[A-Z0-9][0-9OlIS][0-9A-Z]\.$/i.test(w.text) && words[i + 1] && /^[0-9A-Z]{1,4}[,;)]?$/i.test(words[i + 1]!.text)) {
      raw = `${w.text}${words[i + 1]!.text.replace(/[,;)]$/, '')}`;
    }
    if (!/^[A-Za-z0-9]{3}(\.[A-Za-z0-9]{1,4})?$/.test(raw) || !/[0-9]/.test(raw)) continue;
    if (!/^[A-Za-z]/.test(raw) && !/^[01][0-9]/.test(raw)) continue;
    if (!/\./.test(raw) && raw.length > 3) continue;
    const c = normalizeIcd10(raw);
    if (!c) continue;
    let code = c.code;
    if (!isCommonIcd10(code)) {
      const s = suggestIcd10(code);
      if (s.length === 1 && c.repaired > 0) {
        code = s[0]!;
        repairs++;
      } else doubt = Math.max(doubt, 0.12);
    }
    // "M62" where the list has M62.81: the decimals were probably lost.
    if (looksTruncatedIcd10(code)) doubt = Math.max(doubt, 0.3);
    repairs += c.repaired;
    if (!codes.includes(code)) codes.push(code);
    used.push(w);
  }
  if (!codes.length) return null;
  return { key: 'referral.diagnosisCodes', value: codes, words: used, repairs, doubt };
}

function readUrgency(input: readonly Word[]): ReadValue | null {
  let words = input;
  // Checkboxes: "[X] Routine [ ] Urgent", "☒ Urgent ☐ Routine", "X Urgent".
  const marks = /^(\[x\]|\(x\)|x|☒|☑|■|✓|✔|\[✓\]|\[v\]|\[\*\]|\*|⊠)$/i;
  const options: Array<{ value: 'routine' | 'urgent' | 'stat'; word: Word; marked: boolean | null }> = [];
  // "[ ]" read as two words is one empty box.
  const merged: Word[] = [];
  for (const w of words) {
    const prev = merged[merged.length - 1];
    if (prev && /^[[(]$/.test(prev.text) && /^[\])]$/.test(w.text)) merged[merged.length - 1] = { ...prev, text: `${prev.text} ${w.text}` };
    else merged.push(w);
  }
  words = merged;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const glued = /^(\[x\]|☒|☑|■|\(x\))(.+)$/i.exec(w.text);
    const value = normalizeUrgency((glued ? glued[2]! : w.text).replace(/[,;:]$/, ''));
    if (!value) continue;
    const prev = words[i - 1];
    const marked = glued ? true : prev ? marks.test(prev.text) ? true : /^(\[\s?\]|☐|□|\(\s?\)|o)$/i.test(prev.text) ? false : null : null;
    options.push({ value, word: w, marked });
  }
  if (!options.length) return null;
  const boxed = options.filter((o) => o.marked !== null);
  if (boxed.length) {
    const on = boxed.filter((o) => o.marked);
    if (on.length !== 1) return null;
    // Every other option must read as an empty box, or the marks are not trustworthy.
    if (boxed.length < options.length - 1) return null;
    // The mark's own OCR confidence counts: a misread box is the usual urgency error.
    const i = words.indexOf(on[0]!.word);
    const mark = i > 0 ? [words[i - 1]!] : [];
    return { key: 'referral.urgency', value: on[0]!.value, words: [...mark, on[0]!.word], repairs: 0, doubt: 0.03 };
  }
  // Several options and no readable marks: an OCR'd checkbox row we cannot read.
  if (options.length > 1) return null;
  return { key: 'referral.urgency', value: options[0]!.value, words: [options[0]!.word], repairs: 0, doubt: 0 };
}

function readText(key: FieldKey, input: readonly Word[]): ReadValue | null {
  // A reason ends where a code or a date column starts ("Symptomatic gallstones K80.20 08/30/2026").
  let words = input;
  if (key === 'referral.reason') {
    const cut = words.findIndex((w, i) => i >= 2 && /^[([]?([A-TV-Z]\d[0-9A-Z]\.[0-9A-Z]{1,4}|\d{1,2}\/\d{1,2}\/\d{2,4})[)\],;]?$/.test(w.text));
    if (cut > 0) words = words.slice(0, cut);
  }
  // A value that is itself a label ("Insurance Carrier") is a misread layout, not a value.
  const lm = matchLabelAt(words, 0);
  if (lm && lm.end >= words.length - 0) return null;
  const text = words.map((w) => w.text).join(' ').replace(/^[-–:]\s*/, '').replace(/[,;.]$/, '').trim();
  if (!/[A-Za-z]{2}/.test(text) || text.length > 300) return null;
  // A priority word is never the reason (a caption layout read one row off).
  if (key === 'referral.reason' && normalizeUrgency(text) !== null) return null;
  // A payer or practice is named by at least one word that is not a form label
  // ("Insurance 10" is a misread "Insurance ID", not a plan).
  if ((key === 'insurance.payer' || key === 'referringProvider.practice') && !text.split(/\s+/).some((t) => /^[A-Za-z][A-Za-z&'’-]{2,}[,.]?$/.test(t) && !LABEL_WORDS.test(t.replace(/[,.]$/, '')))) return null;
  return { key, value: text, words: [...words], repairs: 0, doubt: 0 };
}

function readSpecialty(words: readonly Word[]): ReadValue | null {
  // A checkbox list is read by checklist.ts (the checked option), never as "the first option".
  if (words[0] && boxState(words[0].text) !== null) return null;
  if (words.some((w) => /^(☒|☐|☑|□|\[[xX ]?\])/.test(w.text))) return null;
  // A labelled specialty is kept as written ("Physical Therapy - Eval & Treat"), up to six words.
  const t0 = readText('referral.specialty', words);
  if (t0 && /^(consultation|consult|referral|evaluation|request|other|n\/a|none|see below|see attached)$/i.test(t0.value as string)) return null;
  if (t0 && (t0.value as string).split(' ').length <= 6 && !/\d/.test(t0.value as string) && /^[A-Za-z]/.test(t0.value as string)) return { ...t0, doubt: findSpecialty(t0.value as string) ? 0 : 0.05 };
  const text = words.map((w) => w.text).join(' ');
  const s = findSpecialty(text);
  if (s) {
    const { starts } = joinWithOffsets(words);
    const used = wordsInRange(words, starts, s.index, s.index + s.value.length);
    return { key: 'referral.specialty', value: s.value, words: used, repairs: 0, doubt: 0 };
  }
  const t = readText('referral.specialty', words);
  if (!t || (t.value as string).split(' ').length > 5) return null;
  return { ...t, doubt: 0.1 };
}

/**
 * Reads the value for `key` from `words`. Person-name slots return several
 * values (first, middle, last).
 */
export function readValue(key: FieldKey | 'patientName' | 'cityStateZip', input: readonly Word[], today: Date): ReadValue[] {
  // Label debris before the value ("#:919...", ": Jane").
  let words = input;
  if (words[0] && /^([#:|]+|[._…]{2,})[^#:|._…]/.test(words[0].text)) words = [{ ...words[0], text: words[0].text.replace(/^([#:|]+|[._…]{2,})/, '') }, ...words.slice(1)];
  while (words[0] && /^([#:|]+|[._\-–—…]{2,})$/.test(words[0].text)) words = words.slice(1);
  if (words.length === 0) return [];
  const one = (v: ReadValue | null): ReadValue[] => (v ? [v] : []);
  switch (key) {
    case 'patientName': {
      const n = readPersonName(words);
      if (!n) return [];
      const out: ReadValue[] = [
        { key: 'patient.firstName', value: n.first, words: n.words.filter((w) => w.text.replace(/[,.]$/, '') === n.first), repairs: 0, doubt: 0 },
        { key: 'patient.lastName', value: n.last, words: n.words.filter((w) => n.last.split(' ').includes(w.text.replace(/[,.]$/, ''))), repairs: 0, doubt: 0 },
      ];
      // A middle name is initials or name-like words; OCR debris ("Cos EE") is dropped, not reported.
      const middleOk = n.middle !== undefined && n.middle.split(' ').every((p) => /^[A-Z]\.?$/.test(p) || plausibleName(p));
      if (n.middle && middleOk) out.push({ key: 'patient.middleName', value: n.middle, words: n.words.filter((w) => w.text.replace(/[,.]+$/g, '') === n.middle), repairs: 0, doubt: 0 });
      for (const o of out) if (o.words.length === 0) o.words = n.words;
      return out;
    }
    case 'patient.firstName':
    case 'patient.lastName':
    case 'patient.middleName': {
      const w = words[0]!;
      const bare = w.text.replace(/[,;]$/, '').replace(key === 'patient.middleName' ? /\.$/ : /$^/, '');
      if (!NAME_WORD.test(bare) || /\.$/.test(bare) && key !== 'patient.middleName') return [];
      if (NAME_STOP.test(bare) || LABEL_WORDS.test(bare)) return [];
      if (key !== 'patient.middleName' && !plausibleName(bare)) return [];
      return [{ key, value: bare, words: [w], repairs: 0, doubt: 0 }];
    }
    case 'referringProvider.name': {
      const n = readPersonName(words);
      if (!n) return [];
      const value = normalizeProviderName(n.words.map((w) => w.text).join(' '));
      return value ? [{ key, value, words: n.words, repairs: 0, doubt: 0 }] : [];
    }
    case 'patient.dob':
    case 'referral.date':
      return one(readDate(key, words, today));
    case 'patient.phone':
    case 'referringProvider.phone':
    case 'referringProvider.fax':
      return one(readPhone(key, words));
    case 'patient.sex':
      return one(readSex(words));
    case 'patient.mrn':
      return one(readMrn(words));
    case 'insurance.memberId':
    case 'insurance.groupNumber':
      return one(readIdentifier(key, words));
    case 'referringProvider.npi':
      return one(readNpi(words));
    case 'patient.address.line1':
      return readAddress(words);
    case 'cityStateZip':
      return readCityStateZip(words);
    case 'patient.address.city':
      return one(readCity(words));
    case 'patient.address.state':
      return one(readState(words));
    case 'patient.address.postalCode':
      return one(readZip(words));
    case 'referral.diagnosisCodes':
      return one(readDiagnosisCodes(words));
    case 'referral.urgency':
      return one(readUrgency(words));
    case 'referral.specialty':
      return one(readSpecialty(words));
    case 'insurance.payer':
    case 'referringProvider.practice':
    case 'referral.reason':
      return one(readText(key, words));
    default: {
      const never: never = key;
      return one(never);
    }
  }
}

/** Slots whose values are strictly checkable (safe to accept without a colon). */
export const STRICT_KEYS: ReadonlySet<string> = new Set([
  'patientName', 'patient.dob', 'referral.date', 'patient.phone', 'referringProvider.phone', 'referringProvider.fax',
  'patient.sex', 'referringProvider.npi', 'patient.address.postalCode', 'patient.address.state', 'cityStateZip',
  'referral.diagnosisCodes', 'referral.urgency', 'insurance.memberId', 'insurance.groupNumber', 'patient.mrn',
  'referringProvider.name', 'patient.address.line1',
]);
