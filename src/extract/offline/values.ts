/**
 * Value readers: given the words after (or under) a label, take the part that is a
 * value of the expected kind and normalise it. Each reader reports which words it
 * used, so evidence boxes are exact and the rest of the line is left alone.
 */
import type { FieldKey, FieldValue } from '../fields.ts';
import {
  countDigitFixes, fixDigits, findDate, isCommonIcd10, normalizeIcd10, normalizeIdentifier, normalizeNpi, normalizePhone,
  normalizeProviderName, normalizeSex, normalizeSexLoose, normalizeState, normalizeUrgency, normalizeZip, parseCityStateZip,
  parsePersonName, suggestIcd10, looksTruncatedIcd10, repairCategoryLetter, CREDENTIALS, NAME_WORD, dobProblem, recentDateProblem,
} from '../normalize/index.ts';
import { levenshtein } from '../normalize/edit-distance.ts';
import { repairPayer } from '../normalize/payers.ts';
import { capitalisedSpecialty, findSpecialty, nearSpecialty, specialtyLike } from '../normalize/specialty.ts';
import { boxState } from './checklist.ts';
import { matchLabelAt } from './labels.ts';
import type { Word } from './segments.ts';

export interface ReadValue {
  key: FieldKey;
  value: FieldValue;
  words: Word[];
  repairs: number;
  doubt: number;
  /** A choice read from checkbox marks on an OCR'd row: whether the second reading of the row gives the same choice. */
  marks?: 'agree' | 'differ';
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
const LABEL_WORDS = /^(patient|name|physician|provider|referring|referral|insurance|carrier|priority|diagnosis|reason|address|member|group|clinic|practice|phone|fax|date|birth|sex|gender|specialty|signature|information|npi|dob|mrn|plan|payer|office|policy|comments|notes|consult|consultation|request|form|department|service|urgency|id|subscriber|number|code|codes)$/i;
const NAME_STOP = /^(dob|d\.o\.b|date|born|birthdate|birthday|sex|gender|age|phone|mrn|id|male|female|y\/?o|yo)$/i;
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

/** A name part OCR made of speckle: four characters at most, two letters at most, with a mark no name has ("\\l.", "|)."). */
const GARBLED_PART = /^(?=[^A-Za-z]*([A-Za-z][^A-Za-z]*){0,2}$)(?=.*[\\|!{}[\]¢€£$%^*~`])\S{1,4}$/;

/** A name read from a word OCR's slip was mended in is one reading of two ("Sofiag" or "Sofia G."): a person confirms it. */
function mendedName(mended: boolean): { repairs: number; doubt: number } {
  return mended ? { repairs: 1, doubt: 0.25 } : { repairs: 0, doubt: 0 };
}

/**
 * One letter of a capitalised name read in the wrong case ("WhitE", "AlleN", "DYke"):
 * the name in its plain capitalised form. Names written so ("McAllister", "DeShawn",
 * "JoAnn") have their capital inside, after two letters or more, and are left alone.
 */
export function fixCaseSlip(word: string): string {
  const m = /^([A-Z][a-z]{2,})([A-Z])([,;.]?)$/.exec(word) ?? /^([A-Z])([A-Z][a-z]{2,})([,;.]?)$/.exec(word);
  if (!m) return word;
  return `${m[1]![0]}${(m[1]! + m[2]!).slice(1).toLowerCase()}${m[3]}`;
}

/**
 * A person's name at the start of `words`: "Doe, Jane A." or "Jane A. Doe" or "DOE, JANE".
 * A name's words as written, OCR slips mended: a capital at the end of a word ("SofiaG" -> "Sofiag", though
 * it may be an initial run into the name) and a lone "0" after a name word, the initial O ("Dubois, Paul 0").
 * Words it changed are `repaired`: a person confirms them. `stop` is the word the name ended at, when
 * one did (not the input's end); `skipped`, that an unreadable initial inside it was left out.
 */
export function readPersonName(input: readonly Word[]): { first: string; middle?: string; last: string; words: Word[]; repaired: ReadonlySet<Word>; stop?: Word; skipped?: boolean } | null {
  const taken: Word[] = [];
  let stop: Word | undefined;
  let skipped = false;
  const repaired = new Set<Word>();
  const words = input.map((w, i) => {
    let t = fixCaseSlip(w.text);
    if (i > 0 && /^0\.?[,;]?$/.test(t) && /[A-Za-z]/.test(input[i - 1]!.text)) t = t.replace('0', 'O');
    // "Schmidt, carol M.": a small first letter of a same-shape pair after a capitalised name word
    // is the capital (a case, not a glyph, so not counted as mended).
    const plain = t.replace(/[,.]$/, '');
    if (i > 0 && SAME_SHAPE.test(plain) && /^[A-Z][a-z'’-]+,?$/.test(input[i - 1]!.text) && !NAME_JOINERS.test(plain)) {
      return { ...w, text: t[0]!.toUpperCase() + t.slice(1) };
    }
    if (t === w.text) return w;
    const fixed = { ...w, text: t };
    repaired.add(fixed);
    return fixed;
  });
  for (const w of words) {
    stop = w;
    // A stray quote OCR made of speckle ("DOB'") does not hide a stop word.
    const bare = w.text.replace(/[,;:'’"]+$/, '');
    if (taken.length >= 5) break;
    if (NAME_STOP.test(bare) || PROSE.test(bare) || LABEL_WORDS.test(bare.replace(/\.$/, ''))) break;
    // "Referring Physician: Dr. ...": a word with a colon is a label, never part of a name.
    if (/:$/.test(w.text)) break;
    // "Rosalind ). Quarrington", "Steven | Ng": an initial OCR could not read, between two name
    // words, is skipped, and the name is doubted (a part of it is lost, and its letters may be too).
    if (/^[^A-Za-z0-9\s,;:]{1,2}\.?$/.test(w.text) && taken.length >= 1 && words[words.indexOf(w) + 1] && NAME_WORD.test(words[words.indexOf(w) + 1]!.text.replace(/[,;:]+$/, ''))) {
      skipped = true;
      continue;
    }
    if (!(NAME_WORD.test(bare) || /^[A-Z]\.?$/.test(bare) || TITLE.test(bare))) break;
    // Names are written capitalised; a lower-case word is prose.
    if (!/^[A-ZÀ-Ö]/.test(bare) && !/^(van|von|de|del|la|le|da|di|du)$/.test(bare)) break;
    // "MD", "D.O." end a name; "Do" in "Mr. James Do" is a family name, not a credential.
    if (CREDENTIALS.has(bare.replace(/\./g, '').toUpperCase()) && taken.length >= 2 && (bare === bare.toUpperCase() || /,$/.test(taken[taken.length - 1]!.text))) break;
    taken.push(w);
    stop = undefined;
    if (/[;]$/.test(w.text)) break;
    // "Jane Doe, DOB ..." ends the name at the comma once both parts are present.
    const real = taken.filter((t) => !TITLE.test(t.text));
    if (/,$/.test(w.text) && real.length >= 2 && !/^(van|von|de|del|della|der|den|da|di|du|la|le|st\.?)$/i.test(real[0]!.text)) break;
  }
  while (taken.length > 0) {
    const name = parsePersonName(taken.map((w) => w.text).join(' '));
    if (name && plausibleName(name.first) && name.last.split(' ').every(plausibleName)) {
      const realWords = taken.filter((t) => !TITLE.test(t.text));
      if (realWords.length >= 2) return { ...name, words: taken, repaired, ...(stop ? { stop } : {}), ...(skipped ? { skipped } : {}) };
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

const PHONE_RE = /^(?:\+?1[\s.-]?)?(\(?[0-9OlISZB]{3}\)?[\s.-]{0,2}[0-9OlISZB]{3}[\s.-]{0,2}[0-9OlISZB]{4})(?![0-9])/;

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

/**
 * OCR debris around a value: a lone symbol or stray mark from a cell border before it
 * ("+ 618203957", "i UnitedHealthcare", "• Aetna"), quote marks glued to a word
 * ("‘Varga", "Unit’"). Dropped before reading; the value's own words are kept.
 */
export function dropDebris(input: readonly Word[]): Word[] {
  let words = input.map((w) => {
    const t = w.text.replace(/^[‘“"`«»]+(?=[A-Za-z0-9])/, '').replace(/(?<=[A-Za-z0-9.])[’”"`«»]+(,?)$/, '$1');
    return t === w.text ? w : { ...w, text: t };
  });
  while (words.length > 1) {
    const t = words[0]!.text;
    const next = words[1]!.text;
    const symbol = /^[+*•·~«»¬°^=_'‘’"“”`]$/.test(t);
    // A lone lower-case letter before a capitalised word or a number is a mark, not a word of the value.
    // Not a checkbox glyph ("o Neurology" is an empty box, read by the checkbox readers).
    const mark = /^[a-z]$/.test(t) && /^[A-Z0-9]/.test(next) && w0Conf(words) < 0.9 && boxState(t) === null;
    if (!symbol && !mark) break;
    words = words.slice(1);
  }
  return words;
}

function w0Conf(words: readonly Word[]): number {
  return words[0]!.confidence;
}

/**
 * A proper name OCR split inside a word ("Kaiser Perman ente", "1356 Mea dow Dr"): in a
 * name every word starts with a capital or a digit, so a lower-case piece after a
 * letter is the rest of that word (small linking words excepted). And the reverse: a
 * street type OCR ran into the street's name ("JeffersonLn") is a word of its own.
 */
export function joinSplitWords(text: string): string {
  text = text.replace(/([a-z]{2})(St|Ave|Rd|Dr|Ln|Blvd|Ct|Way|Pkwy|Trl|Pl|Cir|Hwy)(?=[.,]?(\s|$))/g, '$1 $2');
  // Street types and units read in lower case ("Larchmont dr") are words of their own.
  return text.replace(/([A-Za-z])\s(?!(?:of|and|the|for|on|at|de|la|del|da|di|du|van|von|y|st|dr|rd|ln|ave|av|blvd|ct|way|pkwy|trl|pl|cir|hwy|apt|ste|unit|suite|sq|ter|loop|run|pass)\b)([a-z]{2,})/g, '$1$2');
}

/**
 * A street line in normal form: split words joined, OCR's capital I for an l after a
 * word's capital ("EIm", "BIvd", "GIen": a capital I between a capital and lower case is
 * no spelling of a street name), a same-shape small letter capitalised ("willow Ave").
 * Returns the repairs it made.
 */
function streetLine(text: string): { value: string; repairs: number } {
  const joined = joinSplitWords(text);
  const mended = joined.replace(/\b([A-Z])I([a-z]+)\b/g, '$1l$2');
  // The case of a same-shape letter is no reading of a glyph: not counted as a repair.
  return { value: capitaliseCaseSlips(mended), repairs: Number(joined !== text) + Number(mended !== joined) };
}

/**
 * The Medicare Beneficiary Identifier: 11 characters, digit-letter pattern
 * N A AN N A AN N A A N N, letters never S, L, O, I, B or Z. Those letters in an MBI
 * are OCR slips of 5, 1, 0, 1, 8, 2: repaired only when the whole id then fits.
 */
const MBI = /^[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9][0-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9][0-9][AC-HJKMNP-RT-Y]{2}[0-9]{2}$/;
const MBI_DIGIT: Record<string, string> = { O: '0', D: '0', Q: '0', I: '1', L: '1', S: '5', B: '8', Z: '2', G: '6' };
/** N digit, A letter, C either. */
const MBI_KINDS = 'NACNACNAANN';

export function repairMbi(id: string): { value: string; repairs: number } | null {
  if (id.length !== 11) return null;
  if (MBI.test(id)) return { value: id, repairs: 0 };
  let repairs = 0;
  let out = '';
  for (let i = 0; i < 11; i++) {
    const ch = id[i]!;
    const kind = MBI_KINDS[i]!;
    // Letters an MBI never uses stand for digits wherever a digit may go.
    if ((kind === 'N' || kind === 'C') && MBI_DIGIT[ch]) {
      out += MBI_DIGIT[ch];
      repairs++;
    } else out += ch;
  }
  return repairs > 0 && MBI.test(out) ? { value: out, repairs } : null;
}

/**
 * Look-alike letters inside the digit run of an id ("U46I437384", "MR-5330B6",
 * "XG0119983l0"): an optional letter prefix, then a run of six characters or more
 * (five digits at least) with at most two of O, I, l, S, B, Z among them, which are OCR slips of 0, 1, 1, 5, 8, 2.
 * Anything else is kept as written.
 */
export function repairIdDigits(id: string): { value: string; repairs: number } {
  const m = /^([A-Za-z]{0,4}-?)([0-9OILSBZol]+)$/.exec(id);
  if (!m || !/^\d/.test(m[2]!) && m[1] === '') return { value: id, repairs: 0 };
  const run = m[2]!;
  const looks = run.replace(/\d/g, '').length;
  if (looks === 0 || looks > 2 || run.length < 6 || run.length - looks < 5) return { value: id, repairs: 0 };
  return { value: m[1] + fixDigits(run), repairs: looks };
}

function readIdentifier(key: FieldKey, words: readonly Word[]): ReadValue | null {
  const w = firstToken(words);
  if (!w) return null;
  // "W 993 297 588", "W52 317 806 4" or "7H T4R61WJ29" split by OCR: digit groups that
  // follow at about a word space, or a piece with a digit that follows closer than one.
  const parts = [w];
  const h = Math.max(4, w.bbox[3] - w.bbox[1]);
  for (const next of words.slice(1, 6)) {
    const gap = next.bbox[0] - parts[parts.length - 1]!.bbox[2];
    const joined = parts.map((p) => p.text).join('') + next.text;
    if (joined.replace(/[,;]$/, '').length > 20) break;
    if (/[,;.)]$/.test(parts[parts.length - 1]!.text)) break;
    if (/^\d+[,;.)]*$/.test(next.text) && /[\dA-Za-z]$/.test(parts[parts.length - 1]!.text) && gap < Math.max(8, h * 1.1)) parts.push(next);
    else if (/^[A-Za-z0-9]*\d[A-Za-z0-9]*[,;]?$/.test(next.text) && /[A-Za-z0-9]$/.test(parts[parts.length - 1]!.text) && gap < h * 0.3) parts.push(next);
    else break;
  }
  const raw = parts.map((p) => p.text).join('').replace(/[,;.)]+$/, '');
  let value = normalizeIdentifier(raw);
  if (!value) return null;
  let repairs = 0;
  const mbi = key === 'insurance.memberId' ? repairMbi(value) : null;
  if (mbi && mbi.repairs > 0) {
    value = mbi.value;
    repairs = mbi.repairs;
  } else if (!mbi) {
    const fixed = repairIdDigits(value);
    value = fixed.value;
    repairs = fixed.repairs;
  }
  return { key, value, words: parts, repairs, doubt: 0 };
}

function readMrn(words: readonly Word[]): ReadValue | null {
  const w = firstToken(words);
  if (!w) return null;
  const raw = w.text.replace(/^[#:]+|[,;.]+$/g, '');
  if (!/^[A-Za-z0-9][A-Za-z0-9-]{1,24}$/.test(raw) || !/\d/.test(raw)) return null;
  const fixed = repairIdDigits(raw);
  return { key: 'patient.mrn', value: fixed.value, words: [w], repairs: fixed.repairs, doubt: 0 };
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
  // "0 o M [X] F": box glyphs among two options: a checkbox row, never read as a value here ("0" is no age).
  const head = words.slice(0, 6);
  if (head.some((x) => boxState(x.text) !== null) && head.filter((x) => /^(m|f|male|female)[,;]?$/i.test(x.text)).length >= 2) return null;
  // "M [X]F": a box OCR ran into the other option makes the row a checklist (the first box lost), not a value.
  if (head.slice(1).some((x) => /^(\[[xX×IJOCl0]?\]?|[xX×]\]|☒|☐)(m|f|male|female)[,;]?$/i.test(x.text))) return null;
  // A sex option as a row writes it ("M", "Female,", "F/").
  const option = (t: string) => /^(m|f|male|female)[,;/]?$/i.test(t) ? normalizeSex(t.replace(/[,;/]$/, '')) : null;
  // "| 1 Male Female": both options in a row, their boxes read as anything ("1", "|"): a checkbox row.
  if (new Set(head.map((x) => option(x.text)).filter((v) => v !== null)).size >= 2) return null;
  const value = normalizeSex(w.text.replace(/[,;]$/, ''));
  // "M  F" or "Male Female" with no readable mark: an option row (boxes drawn, not text), not a value.
  if (value && option(w.text) && words.slice(1, 4).some((x) => option(x.text) !== null && option(x.text) !== value)) return null;
  if (value) return { key: 'patient.sex', value, words: [w], repairs: 0, doubt: 0 };
  // "Femole": a sex word with one OCR slip.
  const loose = /^[A-Za-z]{4,7}[,;]?$/.test(w.text) ? normalizeSexLoose(w.text) : null;
  if (loose) return { key: 'patient.sex', value: loose, words: [w], repairs: 1, doubt: 0 };
  // "FF": a letter read twice.
  const twice = /^([MF])\1[,;]?$/.exec(w.text);
  if (twice) return { key: 'patient.sex', value: twice[1]!, words: [w], repairs: 1, doubt: 0.05 };
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
  // Two words when OCR ran the state into the ZIP ("Tampa, FL33698").
  for (let n = Math.min(words.length, 6); n >= 2; n--) {
    const ws = words.slice(0, n);
    const parsed = parseCityStateZip(ws.map((w) => w.text).join(' '));
    if (!parsed) continue;
    const zipWord = ws[ws.length - 1]!;
    const stateWords = ws.filter((w) => normalizeState(w.text.replace(/[,.]$/, '')) === parsed.state).slice(-1);
    const cityWords = ws.slice(0, Math.max(1, ws.indexOf(stateWords[0] ?? zipWord)));
    // A city garbled by OCR ("prenEenIwIL": case flipping inside a word) is left out; state and ZIP still stand.
    if (!parsed.city.split(/[\s-]+/).every((p) => p.length <= 3 || plausibleName(p))) {
      return [
        { key: 'patient.address.state', value: parsed.state, words: stateWords.length ? stateWords : [zipWord], repairs: 0, doubt: 0 },
        { key: 'patient.address.postalCode', value: parsed.postalCode, words: [zipWord], repairs: countDigitFixes(zipWord.text), doubt: 0 },
      ];
    }
    return [
      // "Portland., OR": a speck OCR read as a full stop after the city.
      { key: 'patient.address.city', value: parsed.city.replace(/(?<=[a-z])\.$/, ''), words: cityWords, repairs: 0, doubt: 0 },
      { key: 'patient.address.state', value: parsed.state, words: stateWords.length ? stateWords : [zipWord], repairs: 0, doubt: 0 },
      { key: 'patient.address.postalCode', value: parsed.postalCode, words: [zipWord], repairs: countDigitFixes(zipWord.text), doubt: 0 },
    ];
  }
  return [];
}

const STREET_TYPES = ['st', 'ave', 'rd', 'dr', 'ln', 'blvd', 'ct', 'way', 'pkwy', 'trl', 'pl', 'cir', 'hwy', 'ter', 'sq', 'loop', 'run', 'pass', 'pike', 'row', 'walk'];

/**
 * Doubt for a street whose last word is one letter off a street type without being one
 * ("Park Til" for "Park Trl"): OCR slipped in it, perhaps the same way twice.
 */
export function streetTypeDoubt(line1: string): number {
  const last = line1.replace(/,?\s+(apt|unit|ste|suite|#)\.?\s*\S+$/i, '').split(/\s+/).pop()!.replace(/[.,;]+$/, '').toLowerCase();
  if (!/^[a-z]{2,4}$/.test(last) || STREET_TYPES.includes(last) || /^(street|avenue|road|drive|lane|court|place|trail|circle)$/.test(last)) return 0;
  return STREET_TYPES.some((t) => levenshtein(last, t) === 1 && last.length >= t.length) ? 0.25 : 0;
}

/** A street line, and the city/state/ZIP when they follow on the same line. */
export function readAddress(input: readonly Word[]): ReadValue[] {
  if (input.length === 0) return [];
  // "50B8 Jefferson Blvd": look-alike letters between the digits of a house number.
  let words = input;
  const num = words[0]!.text;
  if (/^\d[\dOoIlSBZ]*[OoIlSBZ][\dOoIlSBZ]*\d$/.test(num)) words = [{ ...words[0]!, text: fixDigits(num) }, ...words.slice(1)];
  const fixes = words === input ? 0 : countDigitFixes(num);
  const text = words.map((w) => w.text).join(' ');
  if (!/^\d+[A-Za-z]?\s+\S/.test(text) && !/^p\.?\s*o\.?\s*box/i.test(text)) return [];
  // Try "line1, City, ST ZIP" splits.
  for (let cut = 2; cut < words.length - 1; cut++) {
    const tail = readCityStateZip(words.slice(cut));
    if (tail.length && words[cut - 1]!.text.endsWith(',')) {
      const lineWords = words.slice(0, cut);
      const line1 = streetLine(lineWords.map((w) => w.text).join(' ').replace(/,$/, ''));
      return [{ key: 'patient.address.line1', value: line1.value, words: lineWords, repairs: fixes + line1.repairs, doubt: streetTypeDoubt(line1.value) }, ...tail];
    }
  }
  // "12 Oak St Austin TX 78701": the street ends at its type word or unit.
  const STREET_END = /^(st|street|ave|avenue|rd|road|dr|drive|ln|lane|blvd|ct|court|way|pkwy|trl|trail|pl|place|cir|hwy|loop|pass|run|ter|sq)\.?,?$/i;
  // "WillowPkwy": the street type run into the name (in its own capitals, so "Forest" is not "St").
  const GLUED_END = /[a-z](St|Ave|Rd|Dr|Ln|Blvd|Ct|Way|Pkwy|Trl|Pl|Cir|Hwy)\.?,?$/;
  for (let cut = 2; cut < words.length - 1; cut++) {
    const prev = words[cut - 1]!.text;
    const unit = /^(apt|unit|ste|suite|#)/i.test(words[cut]!.text);
    const afterUnit = /^#\w+,?$/.test(prev) || (cut >= 2 && /^(apt|unit|ste|suite)\.?$/i.test(words[cut - 2]!.text));
    if (!(STREET_END.test(prev) || GLUED_END.test(prev) || afterUnit) || unit) continue;
    const tail = readCityStateZip(words.slice(cut));
    if (tail.length) {
      const lineWords = words.slice(0, cut);
      const line1 = streetLine(lineWords.map((w) => w.text).join(' ').replace(/,$/, ''));
      return [{ key: 'patient.address.line1', value: line1.value, words: lineWords, repairs: fixes + line1.repairs, doubt: 0.05 }, ...tail];
    }
  }
  const line1 = text.replace(/[,;]$/, '');
  if (line1.length > 60) return [];
  const street = streetLine(line1);
  // A ZIP at its end: the city, state and ZIP run on, where OCR garbled the street type or the
  // state the split needs ("5520 Jefferson Or Salt Lake City, UT 84169"): a person cuts it.
  const runOn = /\s\d{5}(-\d{4})?$/.test(street.value) ? 0.3 : 0;
  return [{ key: 'patient.address.line1', value: street.value, words: [...words], repairs: fixes + street.repairs, doubt: Math.max(runOn, streetTypeDoubt(street.value)) }];
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

/** Writing shaped like an ICD-10 code, as OCR may garble it: a letter or look-alike, 1-3 digits, a dot, 1-4 more. */
const CODE_SHAPED = /^[([]?[A-Z0-9$£][0-9OIlo]{1,3}[0-9A-Z]?\.[0-9A-Z]{1,4}[)\],;.]*$/;

/** ICD-10-CM codes anywhere in the words; codes off the common list are doubtful. */
export function readDiagnosisCodes(words: readonly Word[]): ReadValue | null {
  const codes: string[] = [];
  const used: Word[] = [];
  let repairs = 0;
  let doubt = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const lead = w.text.replace(/^[([«"'‘“]+/, '');
    let raw = lead.replace(/[)\],;:.]+$/g, '');
    // "J]32.9", "M?72.2": a bracket or a mark OCR made of speckle inside the code.
    if (/^[A-Z][\])|[(?'`^~][0-9][0-9A-Z]\.[0-9A-Z]{1,4}$/i.test(raw)) {
      raw = raw.slice(0, 1) + raw.slice(2);
      repairs++;
    }
    const parts = [w];
    // "M54. 50" or "(M62. 81)." split by OCR.
    const next = words[i + 1];
    if (/^[A-Z0-9$][0-9OlIS][0-9A-Z]\.$/i.test(lead) && next && /^[0-9A-Z]{1,4}[)\],;:.]*$/i.test(next.text)) {
      raw = `${lead}${next.text.replace(/[)\],;:.]+$/, '')}`;
      parts.push(next);
      i++;
    }
    // "M54,50": a dot OCR read as a comma inside the code.
    if (/^[A-Z][0-9][0-9A-Z],[0-9A-Z]{1,4}$/i.test(raw)) {
      raw = raw.replace(',', '.');
      repairs++;
    }
    const fixed = repairCategoryLetter(raw);
    if (fixed) {
      if (!codes.includes(fixed.code)) codes.push(fixed.code);
      repairs++;
      doubt = Math.max(doubt, fixed.doubt);
      used.push(...parts);
      continue;
    }
    const dotless = /^[A-Z][0-9][0-9A-Z]{2,5}$/i.test(raw) && isCommonIcd10(`${raw.slice(0, 3)}.${raw.slice(3)}`.toUpperCase());
    if (!(dotless || /^[A-Za-z0-9]{3}(\.[A-Za-z0-9]{1,4})?$/.test(raw)) || !/[0-9]/.test(raw)) continue;
    if (!/^[A-Za-z]/.test(raw) && !/^[01][0-9]/.test(raw)) continue;
    // A code whose dot OCR lost ("F411"): only when the dotted reading is a listed code.
    if (!/\./.test(raw) && raw.length > 3 && !dotless) continue;
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
    used.push(...parts);
  }
  if (!codes.length) return null;
  // Code-shaped writing beside the codes that read as none ("R085.9" before R06.02): a code may be missing.
  if (words.some((w) => !used.includes(w) && CODE_SHAPED.test(w.text))) doubt = Math.max(doubt, 0.25);
  return { key: 'referral.diagnosisCodes', value: codes, words: used, repairs, doubt };
}

function readUrgency(input: readonly Word[]): ReadValue | null {
  const first = urgencyFromRow(input);
  // On an OCR'd row the choice is in its boxes, which OCR reads worst: the row read a second
  // time (decode/reread.ts) must give the same choice for the marks to count as read twice alike.
  if (!first || first.doubt === 0 || !input.some((w) => w.reread !== undefined)) return first;
  if (input.some((w) => w.reread === undefined && /[\p{L}\p{N}]/u.test(w.text))) return { ...first, marks: 'differ' };
  // Boxes the decoder found by their outline ("☒", "☐") were measured on the image, not
  // recognised: they stand as they are. A box the second reading glued to its option
  // ("Urgent[]", "Routine(X)") is cut off it.
  const again = urgencyFromRow(input.flatMap((w) => {
    if (/^[☒☐]$/.test(w.text)) return [w];
    const parts = (w.reread ?? '').split(/\s+/).flatMap((t) => {
      const m = /^([A-Za-z]{4,}?)([[(0|].{0,2})$/.exec(t) ?? /^(.{0,2}[\])])([A-Za-z]{4,})$/.exec(t);
      return m ? [m[1]!, m[2]!] : [t];
    });
    return parts.filter(Boolean).map((text) => ({ ...w, text }));
  }));
  return { ...first, marks: again && again.value === first.value && again.doubt === first.doubt ? 'agree' : 'differ' };
}

/**
 * A priority option the first reading garbled ("Uigent") that the second reading saw as
 * an option ("Urgent", perhaps with the next box glued on): within two letters of it.
 */
function misreadOption(w: Word): 'routine' | 'urgent' | 'stat' | null {
  const again = /^(routine|urgent)/i.exec(w.reread ?? '')?.[1];
  if (!again || !/^[A-Za-z]{4,}[,;:]?$/.test(w.text)) return null;
  return levenshtein(w.text.replace(/[,;:]$/, '').toLowerCase(), again.toLowerCase()) <= 2 ? normalizeUrgency(again) : null;
}

function urgencyFromRow(input: readonly Word[]): ReadValue | null {
  let words = input;
  // Checkboxes: "[X] Routine [ ] Urgent", "☒ Urgent ☐ Routine", "X Urgent".
  const marks = /^([[(]x[\])]|x|☒|☑|■|✓|✔|\[✓\]|\[v\]|\[\*\]|\*|⊠)$/i;
  const options: Array<{ value: 'routine' | 'urgent' | 'stat'; word: Word; marked: boolean | null; misread: boolean }> = [];
  // "[ ]" read as two words is one empty box.
  const merged: Word[] = [];
  for (const w of words) {
    const prev = merged[merged.length - 1];
    if (prev && /^[[(]$/.test(prev.text) && /^[\])]$/.test(w.text)) merged[merged.length - 1] = { ...prev, text: `${prev.text} ${w.text}` };
    // "Non urgent" is one option (routine), not "urgent".
    else if (prev && /^(non|not)-?$/i.test(prev.text) && /^urgent/i.test(w.text)) merged[merged.length - 1] = { ...prev, text: `non-${w.text}`, bbox: [prev.bbox[0], prev.bbox[1], w.bbox[2], w.bbox[3]] };
    else merged.push({ ...w, text: w.text.replace(/^["'‘’“”«]+(?=[A-Za-z])/, '') });
  }
  words = merged;
  // OCR writes empty boxes as "J", "[1", "[J", "CJ"; a single letter other than x is an empty box only then.
  const boxOf = (t: string): boolean | null => {
    if (marks.test(t)) return true;
    if (/^(\[\s?\]|☐|□|\(\s?\)|o)$/i.test(t)) return false;
    const st = boxState(t);
    if (st === 'off') return false;
    if (st === 'on' && !/^[A-Za-z]{1,2}$/.test(t)) return true;
    return null;
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const glued = /^(\[x\]|☒|☑|■|\(x\))(.+)$/i.exec(w.text);
    const read = normalizeUrgency((glued ? glued[2]! : w.text).replace(/[,;:]$/, ''));
    const value = read ?? misreadOption(w);
    if (!value) continue;
    const prev = words[i - 1];
    const marked = glued ? true : prev ? boxOf(prev.text) : null;
    options.push({ value, word: w, marked, misread: read === null });
  }
  if (!options.length) return null;
  // A checked box before a word that reads as no option ("[X] Uigent"): the marked option is unread.
  const stray = words.some((w, i) => /^([[(]x[\])]|☒|☑|■|⊠)$/i.test(w.text) && !options.some((o) => o.word === words[i + 1]));
  if (stray) return null;
  const boxed = options.filter((o) => o.marked !== null);
  if (boxed.length) {
    const on = boxed.filter((o) => o.marked);
    // Every other option reads as an empty box and one has no box at all: a filled box that
    // OCR dropped ("Routine   J Urgent   [1 STAT"). Taken, with doubt.
    if (on.length === 0 && options.length >= 2 && boxed.length === options.length - 1) {
      const lone = options.find((o) => o.marked === null)!;
      return { key: 'referral.urgency', value: lone.value, words: [lone.word], repairs: 0, doubt: 0.2 };
    }
    if (on.length !== 1) return null;
    // Every other option must read as an empty box, or the marks are not trustworthy.
    if (boxed.length < options.length - 1) return null;
    // The mark's own OCR confidence counts: a misread box is the usual urgency error.
    const i = words.indexOf(on[0]!.word);
    const mark = i > 0 ? [words[i - 1]!] : [];
    return { key: 'referral.urgency', value: on[0]!.value, words: [...mark, on[0]!.word], repairs: on[0]!.misread ? 1 : 0, doubt: on[0]!.misread ? 0.25 : 0.03 };
  }
  // Several options and no readable marks: an OCR'd checkbox row we cannot read.
  if (options.length > 1) return null;
  return { key: 'referral.urgency', value: options[0]!.value, words: [options[0]!.word], repairs: 0, doubt: 0 };
}

/** "ICD-10", as OCR garbles the caption ("1CD-10", "lCD10", "IC.D-10"). */
const ICD_CAPTION = /^[([]?[1lI|]?C\.?D\.?[-=]?\d{1,2}[)\]:]?$/i;

function readText(key: FieldKey, input: readonly Word[]): ReadValue | null {
  // A reason ends where a code or a date column starts ("Symptomatic gallstones K80.20 08/30/2026").
  let words = input;
  if (key === 'referral.reason') {
    // "tor Consultation: Distal radius ...": the label ran on past what was matched ("for" misread); the reason follows its colon.
    const colon = words.findIndex((w, i) => i <= 2 && /[A-Za-z]:$/.test(w.text));
    if (colon >= 0 && colon < words.length - 1) words = words.slice(colon + 1);
    const cut = words.findIndex((w, i) => i >= 2 && /^[([]?([A-TV-Z]\d[0-9A-Z]\.[0-9A-Z]{1,4}|\d{1,2}\/\d{1,2}\/\d{2,4})([)\],;]|\)\.)?$/.test(w.text));
    if (cut > 0) words = words.slice(0, cut);
    // "Chronic sinusitis 1CD-10 Codes: 132.9": the next field's label, with the caption words OCR garbled before it.
    const next = words.findIndex((w, i) => i >= 2 && matchLabelAt(words, i)?.colon === true);
    let end = next > 0 ? next : words.length;
    while (end > 2 && ICD_CAPTION.test(words[end - 1]!.text)) end--;
    words = words.slice(0, end);
  }
  // A name ends where a label of the next field begins ("Molina Healthcare 1D: 361...", "ID" misread).
  if (key === 'insurance.payer' || key === 'referringProvider.practice') {
    const cut = words.findIndex((w, i) => i >= 1 && /^[A-Za-z0-9#]{1,6}:$/.test(w.text));
    if (cut > 0) words = words.slice(0, cut);
  }
  // A value that is itself a label ("Insurance Carrier") is a misread layout, not a value.
  const lm = matchLabelAt(words, 0);
  if (lm && lm.end >= words.length - 0) return null;
  // "(insurance) is WellCare": a sentence, not a labelled value.
  if ((key === 'insurance.payer' || key === 'referringProvider.practice') && /^(is|was|are|by|through|with|under|via|through)$/.test(words[0]?.text ?? '')) return null;
  // "Office hone": another field's label with one misread word, not a payer or practice.
  if (lm && (key === 'insurance.payer' || key === 'referringProvider.practice') && lm.end >= words.length - 1 && lm.def.slot !== key &&
    !(key === 'referringProvider.practice' && lm.def.slot === 'practice')) return null;
  const text = words.map((w) => w.text).join(' ').replace(/^[-–:]\s*/, '').replace(/[,;.]$/, '').trim();
  if (!/[A-Za-z]{2}/.test(text) || text.length > 300) return null;
  // A reason says something: OCR debris ("RR", "oo") beside the label is not one, nor the next
  // caption of a layout read one row off ("ICD-108 CODES").
  if (key === 'referral.reason' && !/[A-Za-z]{3}/.test(text)) return null;
  if (key === 'referral.reason' && text.split(/\s+/).every((t) => LABEL_WORDS.test(t.replace(/[^A-Za-z]/g, '')) || /^icd[-\d]*$/i.test(t) || !/[A-Za-z]{3}/.test(t))) return null;
  // A priority word is never the reason (a caption layout read one row off).
  if (key === 'referral.reason' && normalizeUrgency(text) !== null) return null;
  // A line that starts with a code is a diagnosis line, perhaps the next row's: a doubtful reason.
  if (key === 'referral.reason' && /^[([]?[A-TV-Z]\d[0-9A-Z](\.[0-9A-Z]{1,4})?\b/.test(text)) return { key, value: text, words: [...words], repairs: 0, doubt: 0.15 };
  // A payer or practice is named by at least one word that is not a form label
  // ("Insurance 10" is a misread "Insurance ID", not a plan).
  if ((key === 'insurance.payer' || key === 'referringProvider.practice') && !text.split(/\s+/).some((t) => /^[A-Za-z][A-Za-z&'’-]{2,}[,.]?$/.test(t) && !LABEL_WORDS.test(t.replace(/[,.]$/, '')))) return null;
  if (key === 'insurance.payer') {
    // "UnitedHealthcare LT": a short low-confidence speck after the name (a cell border) is not part of it.
    const last = words[words.length - 1]!;
    if (words.length > 1 && last.text.length <= 2 && last.confidence < 0.5 && !/^(of|co)$/i.test(last.text)) {
      return readText(key, words.slice(0, -1));
    }
    // "Kaiser Perman ente": a name split by OCR inside a word; "Cgna": a letter misread.
    const joined = joinSplitWords(text);
    const fixed = repairPayer(joined);
    if (fixed || joined !== text) return { key, value: fixed ?? joined, words: [...words], repairs: 1, doubt: 0 };
  }
  if (key === 'referringProvider.practice' || key === 'insurance.payer') return { key, value: capitaliseCaseSlips(text), words: [...words], repairs: 0, doubt: 0 };
  return { key, value: text, words: [...words], repairs: 0, doubt: 0 };
}

/** Letters whose capital and small forms differ only in size, so OCR reads either: "valley" for "Valley". */
const SAME_SHAPE = /^[cosvwxz][a-z]+$/;
const NAME_JOINERS = /^(of|and|the|at|on|for|in|de|la|del|da|di|du|van|von|y)$/;

/**
 * A proper name in capitalised words ("Valley Medical Associates", "Willow Ave") whose word
 * OCR read with a small first letter of a same-shape pair ("valley", "willow"): capitalised
 * like its neighbours. Joining words ("of", "de") and all-small names are left as written.
 */
export function capitaliseCaseSlips(text: string): string {
  const parts = text.split(' ');
  if (!parts.some((p) => /^[A-Z][a-z]/.test(p))) return text;
  return parts.map((p) => (SAME_SHAPE.test(p) && !NAME_JOINERS.test(p) ? p[0]!.toUpperCase() + p.slice(1) : p)).join(' ');
}

function readSpecialty(words: readonly Word[]): ReadValue | null {
  // A checkbox list is read by checklist.ts (the checked option), never as "the first option".
  if (words[0] && boxState(words[0].text) !== null) return null;
  if (words.some((w) => /^(☒|☐|☑|□|\[[xX ]?\])/.test(w.text))) return null;
  // A labelled specialty is kept as written ("Physical Therapy - Eval & Treat"), up to six words.
  let t0 = readText('referral.specialty', words);
  // An acronym in capitals with a lower-case l in it is OCR's l for I ("Gl" for "GI").
  if (t0 && /^(?=[A-Z]*l[A-Z]*$)(?=.*[A-Z])[A-Za-z]{2,4}$/.test(t0.value as string)) {
    t0 = { ...t0, value: (t0.value as string).replace(/l/g, 'I'), repairs: t0.repairs + 1 };
  }
  if (t0 && /^(consultation|consult|referral|evaluation|request|other|n\/a|none|see below|see attached)$/i.test(t0.value as string)) return null;
  // "Gastioenterology": one OCR slip in a listed specialty's single word.
  const near = t0 && words.every((w) => w.confidence < 1) ? nearSpecialty(t0.value as string) : null;
  if (t0 && near) t0 = { ...t0, value: near, repairs: t0.repairs + 1 };
  const v = t0?.value as string | undefined;
  // An instruction ("Please evaluate and treat") is not a service's name, nor is an organisation
  // whose name contains one ("Austin Orthopedics Associates").
  if (v && /^(please|evaluat\w*|eval|see|treat|assess\w*)\b/i.test(v)) return null;
  if (v && /\b(associates|group|llc|inc|pllc|partners|institute|hospital|specialists|network|university)\b/i.test(v)) return null;
  // A person ("Dr. Lee", "Amar Lee, MD") is who, not which service.
  const person = (p: string) => /(^|[\s,(])(dr|md|do|np|pa-c|fnp(-c)?|aprn|dpt|mr|mrs|ms)\.?($|[\s,)])/i.test(p);
  if (t0 && v && v.split(' ').length <= 6 && !/\d/.test(v) && /^[A-Za-z]/.test(v)) {
    // "Cardiology (Dr. Amar Lee)", "Dr. Lee, Cardiology": the service part only, below.
    const parts = v.split(/\s*[,;()]\s*/).filter(Boolean);
    const fits = (p: string) => {
      const sp = findSpecialty(p);
      return (sp !== null && sp.index === 0 && sp.value.length >= p.length * 0.6) || specialtyLike(p);
    };
    if (parts.every(fits) || (parts.length === 1 && !person(v))) {
      // Known, or written like a discipline ("Heart & Vascular"), or a word we cannot place ("Pronty").
      const sp = findSpecialty(v);
      // OCR'd in lower case: the printed capital, read small ("orthopedics").
      // Its first letter alone small before capitalised words ("orthopaedic Spine"): the same slip.
      const ocr = words.every((w) => w.confidence < 1);
      const listed = ocr ? capitalisedSpecialty(v) : v;
      const value = ocr && /^[a-z]/.test(listed) && /\s[A-Z]/.test(listed) ? listed[0]!.toUpperCase() + listed.slice(1) : listed;
      return { ...t0, value, doubt: sp && sp.index === 0 ? 0 : specialtyLike(v) ? 0.05 : 0.1 };
    }
  }
  const text = words.map((w) => w.text).join(' ');
  const s = findSpecialty(text);
  if (s) {
    const { starts } = joinWithOffsets(words);
    const used = wordsInRange(words, starts, s.index, s.index + s.value.length);
    return { key: 'referral.specialty', value: s.value, words: used, repairs: 0, doubt: 0 };
  }
  const t = readText('referral.specialty', words);
  if (!t || (t.value as string).split(' ').length > 5 || person(t.value as string)) return null;
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
  words = dropDebris(words);
  if (words.length === 0) return [];
  const one = (v: ReadValue | null): ReadValue[] => (v ? [v] : []);
  switch (key) {
    case 'patientName': {
      const n = readPersonName(words);
      if (!n) return [];
      // "Jones, Wel \l.": the name runs on into a part OCR could not read (an initial of
      // speckle): the letters it did read are suspect too, and a part is missing.
      const garbledTail = (n.stop !== undefined && n.words.length === words.indexOf(n.stop) && GARBLED_PART.test(n.stop.text)) || n.skipped === true;
      // A middle name is initials or name-like words; OCR debris ("Cos EE") is dropped, not reported.
      // A whole middle name read with very low OCR confidence is usually a smudge or a cell border.
      const middleWords = n.words.filter((w) => n.middle !== undefined && n.middle.split(' ').includes(w.text.replace(/[,.]+$/g, '')));
      const middleOk = n.middle !== undefined && n.middle.split(' ').every((p) => /^[A-Z]\.?$/.test(p) || plausibleName(p)) &&
        !middleWords.some((w) => w.text.replace(/[,.]+$/g, '').length > 1 && w.confidence < 0.4);
      // ... but one OCR was unsure of is more often a middle name it garbled ("VW." for "W.", rendered
      // sets: 6 of 6 such had one): the name is not all read, and a person looks.
      const garbledMiddle = n.middle !== undefined && !middleOk && middleWords.some((w) => w.confidence < 0.5);
      const part = (key: FieldKey, value: string, ws: Word[]): ReadValue => ({ key, value, words: ws, ...mendedName(garbledTail || garbledMiddle || ws.some((w) => n.repaired.has(w))) });
      const out: ReadValue[] = [
        part('patient.firstName', n.first, n.words.filter((w) => w.text.replace(/[,.]$/, '') === n.first)),
        part('patient.lastName', n.last, n.words.filter((w) => n.last.split(' ').includes(w.text.replace(/[,.]$/, '')))),
      ];
      if (n.middle && middleOk) out.push(part('patient.middleName', n.middle, n.words.filter((w) => w.text.replace(/[,.]+$/g, '') === n.middle)));
      for (const o of out) if (o.words.length === 0) o.words = n.words;
      return out;
    }
    case 'patient.firstName':
    case 'patient.lastName':
    case 'patient.middleName': {
      const w = words[0]!;
      // "Fist Name", "Middle Initial": another column's caption, not a value.
      if (words[1] && /^(name|initial|init)[:.]?$/i.test(words[1].text)) return [];
      const written = w.text.replace(/[,;]$/, '').replace(key === 'patient.middleName' ? /\.$/ : /$^/, '');
      const bare = fixCaseSlip(written);
      if (!NAME_WORD.test(bare) || /\.$/.test(bare) && key !== 'patient.middleName') return [];
      if (NAME_STOP.test(bare) || LABEL_WORDS.test(bare)) return [];
      if (key !== 'patient.middleName' && !plausibleName(bare)) return [];
      // Two letters read with low OCR confidence ("PE") are more often a smudge than a name like "Ng".
      if (bare.length <= 2 && w.confidence < 0.5 && key !== 'patient.middleName') return [];
      return [{ key, value: bare, words: [w], ...mendedName(bare !== written) }];
    }
    case 'referringProvider.name': {
      const n = readPersonName(words);
      if (!n) return [];
      const value = normalizeProviderName(n.words.map((w) => w.text).join(' '));
      return value ? [{ key, value, words: n.words, ...mendedName(n.words.some((w) => n.repaired.has(w))) }] : [];
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
