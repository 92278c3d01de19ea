/**
 * Confidence: each candidate gets a score from how it was found (label strength),
 * the OCR confidence of its words, look-alike repairs, validator doubts and where
 * it sits; candidates for one field are then combined (agreement raises, conflict
 * lowers); calibration.ts then maps the result through the empirical table
 * fitted on the generated training set so that ≥ 0.95 means right at least
 * 99.5% of the time (measured on generated held-out sets, not guaranteed on
 * unseen real layouts: see the dev-corpus reliability table in the benchmark).
 */
import type { FieldKey, FieldValue } from '../fields.ts';
import { samePlace, type Candidate, type Method } from './candidates.ts';

const BASE: Record<Method, number> = {
  label: 0.985,
  section: 0.97,
  table: 0.97,
  generic: 0.8,
  narrative: 0.93,
  signature: 0.9,
  letterhead: 0.78,
  checklist: 0.95,
};

/** Fields whose extent is fuzzy (free text): a label cannot make them certain. */
const TEXT_FIELDS: ReadonlySet<FieldKey> = new Set([
  'referral.reason', 'insurance.payer', 'referringProvider.practice', 'referral.specialty', 'patient.address.line1',
  'patient.address.city',
]);

export function candidateScore(c: Candidate): number {
  let s = BASE[c.method];
  if (TEXT_FIELDS.has(c.key)) s *= 0.985;
  if (c.below) s *= 0.99;
  if (c.fuzzyLabel) s *= 0.95;
  s *= Math.min(1, 0.55 + 0.5 * c.ocr);
  s *= Math.pow(0.92, c.repairs);
  s *= 1 - c.doubt;
  if (c.offPage) s *= 0.93;
  return Math.max(0, Math.min(1, s));
}

export function sameValue(key: FieldKey, a: FieldValue, b: FieldValue): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    const x = ([] as string[]).concat(a).sort().join('|');
    const y = ([] as string[]).concat(b).sort().join('|');
    return x === y;
  }
  const bare = (v: string) => v.toLowerCase().replace(/[.,;:]+$/, '').trim();
  if (TEXT_FIELDS.has(key) || key.startsWith('patient.') || key === 'referringProvider.name') return bare(a) === bare(b);
  return a === b;
}

export interface Chosen {
  candidate: Candidate;
  raw: number;
  /** Candidates that agree with the chosen value. */
  agree: number;
  /** Another value was found on the referral page. */
  conflict: boolean;
  /** The candidates that agree with the chosen value (itself included). */
  support: Candidate[];
  /** Confirmed by another field: diagnosis codes whose listed description matches the reason. */
  crossChecked?: boolean;
  /**
   * Its digits were read, the same, somewhere else in the document (the fax machine's header,
   * a cover sheet, another page): a second image of the number, so an OCR slip in them is unlikely.
   */
  digitsSeenElsewhere?: boolean;
  /** OCR'd only: whether a second reading of its words (decode/reread.ts) saw the same. */
  reread?: 'agree' | 'differ';
  /** Another value was read for the field anywhere in the document (another page included). */
  disputed?: boolean;
}

/** Picks the best-supported value for one field and scores it. */
export function combine(key: FieldKey, cands: Candidate[]): Chosen | null {
  if (cands.length === 0) return null;
  // body: the strongest reading in the referral page's own body (not a stamp in its margin).
  const groups: Array<{ cands: Candidate[]; scores: number[]; onPage: number; body: number; support: number }> = [];
  for (const c of cands) {
    const s = candidateScore(c);
    let g = groups.find((x) => sameValue(key, x.cands[0]!.value, c.value));
    if (!g) {
      g = { cands: [], scores: [], onPage: 0, body: 0, support: 0 };
      groups.push(g);
    }
    g.cands.push(c);
    g.scores.push(s);
    if (!c.offPage) g.onPage = Math.max(g.onPage, s);
    if (!c.offPage && !c.margin) g.body = Math.max(g.body, s);
  }
  for (const g of groups) {
    const sorted = [...g.scores].sort((a, b) => b - a);
    // Independent agreement raises support, with diminishing returns.
    let miss = 1 - sorted[0]!;
    for (const s of sorted.slice(1)) miss *= 1 - 0.5 * s;
    g.support = 1 - miss;
  }
  // A running stamp in the margin ("PT: DOE, JANE") is a second reading: where it disagrees
  // with the form's own body, the body wins.
  groups.sort((a, b) => b.body - a.body || b.onPage - a.onPage || b.support - a.support);
  // Prefer the strongest on the referral page, unless off-page evidence clearly outweighs it.
  let best = groups[0]!;
  const bySupport = [...groups].sort((a, b) => b.support - a.support)[0]!;
  if (bySupport !== best && bySupport.support > best.support + 0.2) best = bySupport;
  let raw = best.support;
  let conflict = false;
  let disputed = false;
  for (const g of groups) {
    if (g === best) continue;
    // A shorter or longer reading of the very same words ("Physical Therapy" inside
    // "Physical Therapy - Eval & Treat") is the same evidence read to another extent.
    if (TEXT_FIELDS.has(key) && g.cands.every((c) => best.cands.some((b) => nestedReading(b, c)))) continue;
    // A stand-in (a code's description for the reason) says nothing against the field's own reading.
    if (g.cands.every((c) => c.standIn) && !best.cands.every((c) => c.standIn)) continue;
    const onPageConflict = g.onPage > 0;
    if (onPageConflict) conflict = true;
    disputed = true;
    const strength = onPageConflict ? g.onPage : Math.max(...g.scores) * 0.4;
    raw *= 1 - 0.9 * strength;
  }
  // The referral page's own writing wins (case as written there), then the strongest.
  // Mixed case beats a shouting header ("Rosalind" over "ROSALIND") when both say the same.
  const caps = (c: Candidate) => Number(typeof c.value === 'string' && /[A-Z]{2}/.test(c.value) && c.value === c.value.toUpperCase() && /[A-Z]/.test(c.value));
  // A stamp in the page margin ("Pt: DOE, JANE") confirms a value but does not set its spelling.
  const rank = (c: Candidate) => (c.margin ? 2 : c.offPage ? 1 : 0);
  const order = best.cands.map((c, i) => ({ c, s: best.scores[i]! })).sort((a, b) => rank(a.c) - rank(b.c) || caps(a.c) - caps(b.c) || b.s - a.s);
  const top = order[0]!.c;
  return { candidate: top, raw, agree: best.cands.length, conflict, disputed, support: best.cands };
}

/** Two readings of overlapping words where one value contains the other. */
function nestedReading(a: Candidate, b: Candidate): boolean {
  if (!samePlace(a, b) || typeof a.value !== 'string' || typeof b.value !== 'string') return false;
  const x = a.value.toLowerCase();
  const y = b.value.toLowerCase();
  return x !== y && (x.includes(y) || y.includes(x));
}

const GROUPS: Record<FieldKey, string> = {
  'patient.firstName': 'name', 'patient.lastName': 'name', 'patient.middleName': 'middle', 'patient.dob': 'dob',
  'patient.sex': 'code', 'patient.phone': 'phone', 'patient.address.line1': 'text', 'patient.address.city': 'text',
  'patient.address.state': 'code', 'patient.address.postalCode': 'id', 'patient.mrn': 'id', 'insurance.payer': 'text',
  'insurance.memberId': 'id', 'insurance.groupNumber': 'id', 'referringProvider.name': 'provider', 'referringProvider.npi': 'npi',
  'referringProvider.practice': 'practice', 'referringProvider.phone': 'phone', 'referringProvider.fax': 'phone',
  'referral.specialty': 'text', 'referral.reason': 'reason', 'referral.diagnosisCodes': 'dx', 'referral.urgency': 'code',
  'referral.date': 'date',
};

const DIGIT_GROUPS: ReadonlySet<string> = new Set(['id', 'phone', 'date', 'dob']);

function ocrBin(ocr: number): string {
  return ocr >= 0.999 ? 't' : ocr >= 0.9 ? 'h' : ocr >= 0.8 ? 'm' : 'l';
}

/**
 * Feature keys for the empirical calibration table, finest first: the table
 * falls back to a coarser key when a fine bucket saw too few training fields.
 */
export function featureKeys(key: FieldKey, chosen: Chosen): string[] {
  const c = chosen.candidate;
  const g = GROUPS[key];
  const band = chosen.raw >= 0.9 ? 'H' : chosen.raw >= 0.7 ? 'M' : 'L';
  const re = chosen.reread === 'agree' ? 'v' : chosen.reread === 'differ' ? 'w' : '-';
  const fine = [g, c.method, band, ocrBin(c.ocr), c.repairs > 0 ? 'r' : '-', c.doubt > 0 ? 'd' : '-', c.below ? 'b' : '-',
    c.fuzzyLabel ? 'f' : '-', c.offPage ? 'o' : '-', chosen.agree > 1 ? 'a' : '-', chosen.conflict ? 'c' : '-', chosen.crossChecked ? 'k' : '-', re].join('|');
  const mid = [g, c.method, band, ocrBin(c.ocr), c.repairs > 0 || c.doubt > 0 || c.fuzzyLabel ? 'x' : '-', chosen.conflict ? 'c' : '-', chosen.crossChecked ? 'k' : '-', re].join('|');
  // Even the coarsest bucket keeps text layer and OCR apart (their error rates differ
  // tenfold), and OCR read twice alike apart from the rest.
  const coarse = [g, c.method, c.ocr >= 0.999 ? 't' : chosen.reread === 'agree' ? 'ov' : 'o', chosen.conflict ? 'c' : '-'].join('|');
  // A choice read from boxes fails one way whatever it chooses (a mark misread), so sparse
  // checklist buckets of one field fall back to every checklist field's together.
  if (c.method === 'checklist') return [fine, mid, coarse, ['*', ...coarse.split('|').slice(1)].join('|')];
  // Likewise digit strings with no check digit (ZIP, IDs, phones, dates, birth dates) fail alike, by a
  // digit slip, wherever they were found: sparse ones fall back to all of them together.
  // A birth date joins them only when read plainly: one placed by position under a garbled label,
  // or mended, is a guess of another kind (which date it is), kept to its own buckets.
  const plainDob = c.doubt === 0 && c.repairs === 0 && !c.fuzzyLabel;
  if (DIGIT_GROUPS.has(g) && (g !== 'dob' || plainDob)) return [fine, mid, coarse, ['#', ...coarse.split('|').slice(1)].join('|')];
  return [fine, mid, coarse];
}

/**
 * Fallback curve: raw score → confidence, used only for feature buckets the
 * empirical table (calibration-table.ts) saw too rarely; calibration.ts caps it
 * below the review threshold, so an unseen kind of evidence never auto-accepts.
 */
export const CALIBRATION: ReadonlyArray<readonly [number, number]> = [
  [0, 0],
  [0.5, 0.4],
  [0.8, 0.7],
  [0.9, 0.85],
  [0.95, 0.93],
  [0.97, 0.955],
  [0.985, 0.975],
  [1, 0.99],
];

export function calibrate(raw: number): number {
  const k = CALIBRATION;
  if (raw <= k[0]![0]) return k[0]![1];
  for (let i = 1; i < k.length; i++) {
    const [x1, y1] = k[i]!;
    const [x0, y0] = k[i - 1]!;
    if (raw <= x1) return y0 + ((raw - x0) / (x1 - x0)) * (y1 - y0);
  }
  return k[k.length - 1]![1];
}
