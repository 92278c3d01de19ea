/**
 * Label synonyms. A label names either a canonical field, a slot resolved by the
 * section it sits in ("Phone" under "Referring Provider" is the office phone), or
 * something we know but do not extract (so it ends the previous value).
 * Matching tolerates OCR noise: one edit in words of four or more letters, and
 * words run together ("DateofBirth").
 */
import type { FieldKey } from '../fields.ts';
import { levenshtein } from '../normalize/edit-distance.ts';
import type { Word } from './segments.ts';

export type Section = 'patient' | 'provider' | 'insurance' | 'referral' | 'recipient';

export type Slot =
  | FieldKey
  | 'patientName'
  | 'name'
  | 'phone'
  | 'fax'
  | 'address'
  | 'cityStateZip'
  | 'city'
  | 'state'
  | 'zip'
  | 'npi'
  | 'practice'
  | 'date'
  | 'referredTo'
  | 'ignore';

export interface LabelDef {
  words: string[];
  slot: Slot;
  /** Sets the section for what follows. */
  section?: Section;
  /** true for labels that name exactly one field wherever they appear. */
  specific: boolean;
  /** A heading with no value of its own. */
  heading?: boolean;
}

const defs: LabelDef[] = [];
function add(slot: Slot, specific: boolean, section: Section | undefined, ...phrases: string[]): void {
  for (const p of phrases) {
    const d: LabelDef = { words: p.split(' '), slot, specific };
    if (section) d.section = section;
    defs.push(d);
  }
}
function heading(section: Section, ...phrases: string[]): void {
  for (const p of phrases) defs.push({ words: p.split(' '), slot: 'ignore', specific: false, section, heading: true });
}

// Patient
add('patientName', true, 'patient', 'patient name', 'patient', 'pt name', 'pt', 'name of patient', "patient's name",
  'patient full name', 'client name', 'patient legal name', 'full name', 'patient nm', 're', 'regarding', 'patient/client');
add('name', false, undefined, 'name');
add('patient.lastName', true, 'patient', 'last name', 'surname', 'family name', 'patient last name', 'last', 'lname');
add('patient.firstName', true, 'patient', 'first name', 'given name', 'patient first name', 'first', 'fname');
add('patient.middleName', true, 'patient', 'middle name', 'middle initial', 'mi', 'middle', 'mid init');
add('patient.dob', true, 'patient', 'dob', 'date of birth', 'birthdate', 'birth date', 'born', 'patient dob', 'pt dob', 'birthday');
add('patient.sex', true, 'patient', 'age/sex', 'sex/age', 'age / sex', 'sex', 'gender', 'sex at birth', 'legal sex', 'administrative sex', 'sex/gender', 'gender identity');
add('phone', false, undefined, 'phone', 'telephone', 'tel', 'ph', 'phone number', 'phone #', 'phone no', 'contact number',
  'contact phone', 'office', 'main phone', 'telephone number', 'phone/fax');
add('patient.phone', true, 'patient', 'patient phone', 'pt phone', 'home phone', 'cell', 'cell phone', 'mobile', 'mobile phone',
  'primary phone', 'patient telephone', 'home', 'patient contact', 'cell #', 'mobile #', 'home #', 'home phone #', 'pt phone #',
  'patient phone #', 'primary #', 'phone (home)', 'phone (cell)');
add('address', false, undefined, 'address', 'street', 'street address', 'address line 1', 'addr', 'mailing address', 'address 1',
  'home address', 'patient address', 'residence');
add('cityStateZip', false, undefined, 'city/state/zip', 'city state zip', 'city, state, zip', 'city/st/zip', 'city, st zip',
  'city/state/zip code', 'city state zip code');
add('city', false, undefined, 'city', 'town');
add('state', false, undefined, 'state', 'st');
add('zip', false, undefined, 'zip', 'zip code', 'postal code', 'zipcode', 'postal');
add('patient.mrn', true, 'patient', 'mrn', 'medical record number', 'medical record #', 'medical record no', 'mr#', 'mr #',
  'chart #', 'chart number', 'chart no', 'chart', 'patient id', 'account #', 'acct #', 'account number', 'record #', 'pt id',
  'patient #', 'med rec #', 'medical record', 'mrn #');
// Insurance
add('insurance.payer', true, 'insurance', 'insurance', 'insurance company', 'payer', 'payor', 'insurance plan', 'health plan',
  'primary insurance', 'insurance carrier', 'carrier', 'insurance name', 'plan name', 'plan', 'insurer', 'ins', 'coverage',
  'primary payer', 'insurance provider');
add('insurance.memberId', true, 'insurance', 'member id', 'member #', 'member number', 'subscriber id', 'policy #',
  'policy number', 'policy id', 'id #', 'insurance id', 'id number', 'subscriber #', 'policy', 'member', 'id', 'ins id',
  'subscriber number', 'member no', 'policy no', 'identification number', 'memberid', 'cert #', 'member id #', 'subscriber id #',
  'policy/member id', 'member/policy #', 'policy/id #', 'id/policy #', 'insurance id #', 'member/subscriber id', 'policy/member #',
  'subscriber/member id', 'ins id #', 'member id no', 'medicaid id', 'medicare id', 'medicare #', 'medicaid #');
add('insurance.groupNumber', true, 'insurance', 'group #', 'group number', 'group', 'group no', 'grp #', 'grp', 'group id', 'grp no');
// Referring provider
add('referringProvider.name', true, 'provider', 'referring provider', 'referring physician', 'referring doctor',
  'referring clinician', 'referred by', 'ordering provider', 'ordering physician', 'requesting provider', 'provider name',
  'physician name', 'physician', 'provider', 'pcp', 'primary care physician', 'primary care provider', 'referring md',
  'referring practitioner', 'referring provider name', 'requesting physician', 'referring', 'doctor', 'clinician',
  'signed', 'electronically signed by', 'signed by', 'referring dr', 'ordering clinician');
add('npi', true, 'provider', 'npi', 'npi #', 'npi number', 'provider npi', 'referring npi', 'individual npi', 'npi no');
add('practice', false, 'provider', 'practice', 'practice name', 'clinic', 'clinic name', 'organization', 'facility',
  'group practice', 'referring practice', 'referring clinic', 'referring office', 'referring facility', 'office name',
  'referring organization', 'practice/clinic', 'location', 'sending facility');
add('referringProvider.phone', true, 'provider', 'office phone', 'provider phone', 'referring phone', 'clinic phone',
  'practice phone', 'physician phone', 'office tel', 'referring office phone');
add('fax', false, undefined, 'fax', 'fax #', 'fax number', 'fax no', 'office fax', 'provider fax', 'return fax', 'referring fax',
  'clinic fax', 'practice fax', 'fx', 'reply fax', 'fax back');
// Referral
add('referral.specialty', true, 'referral', 'specialty', 'specialty requested', 'referred to specialty', 'service requested',
  'service', 'department', 'referral to', 'refer to', 'specialty/service', 'consult requested', 'consultation requested',
  'referral type', 'requested specialty', 'specialty needed', 'type of referral', 'consult type', 'referral for',
  'consult', 'consult to', 'requested service', 'services requested');
add('referredTo', false, 'recipient', 'referred to', 'specialist', 'to provider', 'consultant', 'referred to provider',
  'receiving provider', 'receiving physician', 'consulting provider', 'consulting physician', 'to');
add('referral.reason', true, 'referral', 'reason for referral', 'reason', 'reason for consult', 'reason for consultation',
  'referral reason', 'chief complaint', 'clinical reason', 'indication', 'reason for visit', 'clinical indication',
  'presenting problem', 'reason for request', 'clinical summary', 'comments', 'notes', 'clinical notes', 'reason for referal',
  'referral reason/diagnosis', 'reason/diagnosis', 'clinical question', 'request', 'problem');
add('referral.diagnosisCodes', true, 'referral', 'diagnosis', 'dx', 'diagnoses', 'icd-10', 'icd10', 'icd-10 code', 'icd code',
  'diagnosis code', 'diagnosis codes', 'dx code', 'dx codes', 'icd-10-cm', 'icd-10 codes', 'icd', 'diagnosis/icd-10',
  'diagnosis (icd-10)', 'assessment', 'icd 10', 'primary diagnosis', 'dx/icd-10', 'codes');
add('referral.urgency', true, 'referral', 'urgency', 'priority', 'referral priority', 'appointment priority', 'urgency level',
  'scheduling priority', 'priority level', 'status');
add('date', false, undefined, 'date', 'referral date', 'date of referral', 'date sent', 'date written', 'order date',
  "today's date", 'date of request', 'request date', 'date requested', 'dated', 'date signed');
// Known but not extracted
add('ignore', false, undefined, 'email', 'e-mail', 'ssn', 'social security', 'age', 'tax id', 'dea', 'license', 'signature',
  'insured', 'relationship', 'employer', 'language', 'race', 'ethnicity', 'emergency contact', 'guarantor', 'subscriber name',
  'policy holder', 'height', 'weight', 'allergies', 'medications', 'attn', 'attention', 'pages', 'from', 'cc', 'subject',
  'time', 'appointment', 'preferred language', 'marital status', 'secondary insurance', 'copay', 'effective date',
  'authorization', 'auth #', 'prior auth', 'visits', 'number of visits', 'taxonomy', 'credentials', 'title', 'dear',
  'suite', 'date of service', 'dos', 'expiration', 'vitals', 'bp', 'history', 'plan of care', 'subscriber dob', 'rx bin',
  'rx pcn', 'rx grp', 'copay pcp', 'copay spec', 'effective', 'npi/tax id', 'payer id');
heading('patient', 'patient information', 'patient demographics', 'patient info', 'patient details', 'demographics',
  'patient data', 'patient identification', 'patient information (please print)');
heading('provider', 'referring provider information', 'referring physician information', 'provider information',
  'referral source', 'referring information', 'physician information', 'referring provider info', 'referring party',
  'referred by information', 'from (referring provider)');
heading('insurance', 'insurance information', 'insurance details', 'billing information', 'insurance info', 'coverage information',
  'insurance / billing', 'payer information');
heading('referral', 'referral information', 'referral details', 'clinical information', 'referral request', 'service requested',
  'referral info', 'clinical details', 'reason for referral', 'clinical', 'consultation request', 'referral form');
heading('recipient', 'referred to information', 'specialist information', 'receiving provider information', 'consultant information',
  'referred to', 'refer to', 'recipient');

/** Labels longest first so "date of birth" wins over "date". */
const BY_LENGTH = [...defs].sort((a, b) => b.words.join(' ').length - a.words.join(' ').length);
const FIRST_WORD = new Map<string, LabelDef[]>();
for (const d of BY_LENGTH) {
  const k = d.words[0]!.replace(/[^a-z0-9]/g, '').slice(0, 2);
  const list = FIRST_WORD.get(k) ?? [];
  list.push(d);
  FIRST_WORD.set(k, list);
}

function editDistanceAtMost1(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < la && j < lb) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    // An adjacent transposition ("Brith") counts as one slip.
    if (la === lb && a[i + 1] === b[j] && a[i] === b[j + 1]) {
      i += 2;
      j += 2;
      continue;
    }
    if (la > lb) i++;
    else if (lb > la) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (la - i) + (lb - j) <= 1;
}

function wordMatches(labelWord: string, norm: string): 'exact' | 'fuzzy' | null {
  const lw = labelWord.replace(/\./g, '');
  if (lw === norm) return 'exact';
  const a = lw.replace(/[^a-z0-9#]/g, '');
  const b = norm.replace(/[^a-z0-9#]/g, '');
  if (a === b && a.length > 0) return 'exact';
  // "ID#" read as one word still matches the label "id" (not the other way: "Mr" is not "MR#").
  if (!a.endsWith('#') && b.endsWith('#') && a === b.slice(0, -1) && a.length > 1) return 'exact';
  if (a.length >= 5 && b.length >= 5 && /^[a-z]+$/.test(a) && editDistanceAtMost1(a, b)) return 'fuzzy';
  // "1D" for "ID": a short word with a digit OCR read for one of its letters (a letter beside it).
  if (a.length <= 4 && /^[a-z]+$/.test(a) && /\d/.test(b) && /[a-z]/.test(b) && lettersFor(b).includes(a)) return 'fuzzy';
  // "City/Stte/ZIP": a slashed label with one slip in its letters.
  if (lw.includes('/') && norm.includes('/') && a.length >= 8 && editDistanceAtMost1(a.replace(/\//g, ''), b.replace(/\//g, ''))) return 'fuzzy';
  // Letter pairs OCR merges or splits ("Refernng" for "Referring", "Physidan" for "Physician").
  if (a.length >= 6 && b.length >= 5 && /^[a-z]+$/.test(a) && ocrPairVariants(a).includes(b)) return 'fuzzy';
  return null;
}

const OCR_PAIRS: ReadonlyArray<readonly [string, string]> = [['ri', 'n'], ['rn', 'm'], ['m', 'rn'], ['cl', 'd'], ['ci', 'd'], ['li', 'h'], ['vv', 'w'], ['w', 'vv'], ['w', 'vi']];

/** A clean label word as OCR may write it: one kind of letter-pair slip (rn/m, ri/n, cl/d, ci/d, li/h, vv/w, vi/w), wherever it occurs. */
export function ocrPairVariants(word: string): string[] {
  return OCR_PAIRS.filter(([from]) => word.includes(from)).map(([from, to]) => word.split(from).join(to));
}

/** Letters OCR reads as digits in label words ("1D #", "Insurance 10", "Member 1D"). */
const DIGIT_AS_LETTER: Record<string, string> = { '0': 'od', '1': 'il', '5': 's', '8': 'b', '6': 'g', '2': 'z' };

/** The letter keys a two-character key with look-alike digits may stand for ("1d" → "id", "ld"). */
function lettersFor(key: string): string[] {
  let out = [''];
  for (const ch of key) {
    const opts = /\d/.test(ch) ? [...(DIGIT_AS_LETTER[ch] ?? '')] : [ch];
    out = out.flatMap((p) => opts.map((o) => p + o));
  }
  return out.filter((k) => k !== key);
}


/**
 * A looser reading of one word of a multi-word label whose other words matched
 * exactly: digits read for look-alike letters ("1D" for "ID", "10" for "ID"), or
 * two OCR slips in a word of four letters or more that keeps its first letter
 * ("Fist Name", "Insurance Carner", "Date of Binh"). The exact words around it
 * carry the evidence that this is the label.
 */
export function looseWordMatch(labelWord: string, norm: string): boolean {
  const a = labelWord.replace(/[^a-z0-9#]/g, '');
  const b = norm.replace(/[^a-z0-9#]/g, '');
  if (!a || !b || !/^[a-z#]+$/.test(a)) return false;
  if (/\d/.test(b) && a.length === b.length && [...b].every((ch, i) => ch === a[i] || (DIGIT_AS_LETTER[ch] ?? '').includes(a[i]!))) return true;
  if (a.length >= 5 && b.length >= 4 && /^[a-z]+$/.test(b) && a[0] === b[0] && levenshtein(a, b) <= 2) return true;
  // "Full Nae": one slip in a four-letter word; "pate of Referral": in its first letter.
  if (a.length === 4 && b.length >= 3 && /^[a-z]+$/.test(b) && a[0] === b[0] && levenshtein(a, b) <= 1) return true;
  if (a.length === 4 && b.length === 4 && /^[a-z]+$/.test(b) && a.slice(1) === b.slice(1)) return true;
  return false;
}

/** A speck OCR put before a label's colon, read as a word of its own ("Fax =: 614 ..."): the colon. */
export const COLON_SPECK = /^[=~\-_'"`,.]{1,2}[:;]$/;

export interface LabelMatch {
  def: LabelDef;
  start: number;
  /** Exclusive word index. */
  end: number;
  colon: boolean;
  fuzzy: boolean;
}

/** The longest label starting at word `i`, or null. Handles words run together. */
export function matchLabelAt(words: readonly Word[], i: number): LabelMatch | null {
  const w0 = words[i];
  if (!w0 || w0.norm.length === 0) return null;
  let best: LabelMatch | null = null;
  let bestWeight = 0;
  const key = w0.norm.replace(/[^a-z0-9]/g, '').slice(0, 2);
  // "1D #": a digit read for the label's first letter.
  const swapped = /\d/.test(key) ? lettersFor(key) : [];
  const candidates = [...(FIRST_WORD.get(key) ?? []), ...swapped.flatMap((k) => FIRST_WORD.get(k) ?? [])];
  const tryDefs = candidates.length > 0 ? candidates : [];
  for (const def of tryDefs.concat(fuzzyPool(w0.norm))) {
    let fuzzy = false;
    let ok = true;
    let k = 0;
    let loose = false;
    let exactLetters = 0;
    let otherFuzzy = false;
    // Words OCR split in two ("SUB SCRIBER ID", "POL ICY NUMBER") are read joined.
    let off = 0;
    for (; k < def.words.length; k++) {
      let w = words[i + k + off];
      if (!w) {
        ok = false;
        break;
      }
      let m = wordMatches(def.words[k]!, w.norm);
      const part = words[i + k + off + 1];
      if (!m && part && def.words[k]!.length >= 5 && /^[a-z]{2,}$/.test(part.norm) && !/[:;]$/.test(w.text) &&
        wordMatches(def.words[k]!, w.norm + part.norm) === 'exact') {
        off++;
        w = { ...part, text: w.text + part.text };
        m = 'fuzzy';
        otherFuzzy = true;
      }
      if (!m && !loose && def.words.length > 1 && looseWordMatch(def.words[k]!, w.norm)) {
        loose = true;
        m = 'fuzzy';
      } else if (m === 'exact') exactLetters += def.words[k]!.replace(/[^a-z#]/g, '').replace('#', 'xx').length;
      else if (m === 'fuzzy') otherFuzzy = true;
      if (!m) {
        ok = false;
        break;
      }
      if (m === 'fuzzy') fuzzy = true;
      // A colon inside a multi-word label ends it early.
      if (k < def.words.length - 1 && /:$/.test(w.text)) {
        ok = false;
        break;
      }
    }
    // A loosely read word needs the rest of the label read exactly ("Name", "Insurance", "#").
    if (ok && loose && (otherFuzzy || exactLetters < 2)) ok = false;
    let end = i + k + off;
    if (!ok) {
      // Words run together: "DateofBirth:" or "PatientName".
      const joined = def.words.join('').replace(/[^a-z0-9#]/g, '');
      const one = w0.norm.replace(/[^a-z0-9#]/g, '');
      if (def.words.length > 1 && one === joined) {
        ok = true;
        end = i + 1;
      } else if (def.words.length > 1 && joined.endsWith('#') && one.endsWith('#') && joined.length >= 5 && one[0] === joined[0] &&
        levenshtein(one, joined) <= 2) {
        // "Chan#" for "Chart #": a numbered label run together, its word misread; the "#" marks it.
        ok = true;
        fuzzy = true;
        loose = true;
        end = i + 1;
      } else continue;
    }
    const last = words[end - 1]!;
    // OCR often reads a colon as a semicolon ("Provider; Dr. ...").
    const next = words[end]?.text ?? '';
    // The second reading saw a colon where the first saw a stop or nothing ("Company." / "Company:").
    const colon = /[:;]$|[._…]{3,}$/.test(last.text) || /^([:;]|[._…]{3,})/.test(next) || COLON_SPECK.test(next)
      || (/[\p{L}.,]$/u.test(last.text) && /:$/.test(last.reread?.trim() ?? ''));
    const m: LabelMatch = { def, start: i, end, colon, fuzzy };
    // Longest label first, but an exactly read label beats a loosely read one of as many words.
    const weight = def.words.length - (loose ? 0.5 : 0);
    if (!best || weight > bestWeight || (weight === bestWeight && def.words.join(' ').length > best.def.words.join(' ').length)) {
      best = m;
      bestWeight = weight;
    }
  }
  return best;
}

const FUZZY_CACHE = new Map<string, LabelDef[]>();
/** Labels whose first word is one OCR edit from `norm` but indexed under another key. */
function fuzzyPool(norm: string): LabelDef[] {
  const four = /^[a-z]{4}$/.test(norm);
  if (!four && norm.length < 5) return [];
  const hit = FUZZY_CACHE.get(norm);
  if (hit) return hit;
  const out = BY_LENGTH.filter((d) => {
    const lw = d.words[0]!;
    // "pate of Referral": a four-letter first word of a longer label, its first letter misread.
    if (four) return d.words.length >= 3 && lw.length === 4 && lw !== norm && lw.slice(1) === norm.slice(1);
    return lw.length >= 5 && lw.slice(0, 2) !== norm.slice(0, 2) && editDistanceAtMost1(lw, norm);
  });
  if (FUZZY_CACHE.size > 5000) FUZZY_CACHE.clear();
  FUZZY_CACHE.set(norm, out);
  return out;
}

export const LABELS: readonly LabelDef[] = defs;
