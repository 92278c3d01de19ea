/**
 * The Fellegi–Sunter model: for each field and comparison level a weight
 * log2(m/u), where m = P(level | same person) and u = P(level | different people).
 * m-probabilities are configurable defaults (how often a referral's field is
 * right, typo'd, abbreviated...); u-probabilities and name frequencies are
 * estimated from the practice's own EHR table (as Splink does), so a common
 * surname weighs less than a rare one (term-frequency adjustment) and weights fit
 * the practice's population.
 */
import { compareRecords, FIELD_LEVELS, HOUSEHOLD_FIELDS, type Field, type Levels } from './compare.ts';
import { oneDigitOffDates, swapDayMonth, transposedDates, type NormalDemographics } from './normalize.ts';

export type MProbabilities = { [F in Field]: Partial<Record<(typeof FIELD_LEVELS)[F][number], number>> };

/** Defaults: chance that a true match's referral lands in each level. */
export const DEFAULT_M: MProbabilities = {
  firstName: { exact: 0.86, nickname: 0.04, typo: 0.02, jw_high: 0.03, jw_mid: 0.015, middle_as_first: 0.01, swapped: 0.005, initial: 0.01, disagree: 0.01 },
  lastName: { exact: 0.86, hyphen_part: 0.03, jw_high: 0.03, phonetic: 0.01, jw_mid: 0.01, swapped: 0.005, disagree: 0.055 },
  middleName: { exact: 0.75, initial: 0.17, disagree: 0.08 },
  dob: { exact: 0.95, swapped_day_month: 0.012, transposed: 0.012, one_digit: 0.022, disagree: 0.002 },
  sex: { agree: 0.985, disagree: 0.015 },
  phone: { exact: 0.6, disagree: 0.4 },
  postalCode: { exact: 0.7, prefix3: 0.15, disagree: 0.15 },
  address: { exact: 0.55, disagree: 0.45 },
  memberId: { exact: 0.9, disagree: 0.1 },
  // A sender's MRN is usually its own chart number: disagreement says little.
  mrn: { exact: 0.3, disagree: 0.7 },
};

/** u-probabilities estimated from the EHR table. */
export interface EhrStats {
  /** Rows in the EHR table. */
  n: number;
  /** Normalised first name → rows. */
  firstFreq: Map<string, number>;
  /** Normalised last name → rows. */
  lastFreq: Map<string, number>;
  /** Term frequencies are smoothed toward these priors with `rows` pseudo-rows (small tables). */
  namePrior?: { rows: number; first: number; last: number };
  /** P(two random rows agree exactly), from the column's value frequencies. */
  exactU: { dob: number; phone: number; postalCode: number; sexAgree: number; address: number; memberId: number; middleName: number };
  /** u per field and level from random pairs of a sample of rows. */
  sampledU: { [F in Field]?: Partial<Record<string, number>> };
  /** Random pairs behind sampledU. */
  samplePairs: number;
}

export interface ModelOptions {
  m?: Partial<MProbabilities>;
  /** Prior chance that the referred patient is in the EHR at all. */
  pExists?: number;
}

export interface ScoredComparison {
  field: Field;
  level: string;
  weight: number;
}

export interface CandidateScore {
  /** Match weight: prior log2-odds plus the field weights. */
  weight: number;
  levels: Levels;
  comparisons: ScoredComparison[];
}

const LOG2 = Math.log2;

/** Estimates u for every sampled level from random pairs of rows. */
export function sampledUFromRows(rows: NormalDemographics[], pairs: number, seed = 1): { u: EhrStats['sampledU']; pairs: number } {
  const counts: Record<string, Record<string, number>> = {};
  let done = 0;
  if (rows.length >= 2) {
    let state = seed >>> 0 || 1;
    const rand = () => {
      // xorshift32: deterministic, so weights do not change between runs on the same table.
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) / 4294967296;
    };
    for (let i = 0; i < pairs; i++) {
      const a = rows[Math.floor(rand() * rows.length)] as NormalDemographics;
      const b = rows[Math.floor(rand() * rows.length)] as NormalDemographics;
      if (a === b) continue;
      const levels = compareRecords(a, b);
      for (const [field, level] of Object.entries(levels)) {
        if (level === 'missing') continue;
        const c = (counts[field] ??= { __total: 0 });
        c[level] = (c[level] ?? 0) + 1;
        c.__total = (c.__total ?? 0) + 1;
      }
      done++;
    }
  }
  const u: EhrStats['sampledU'] = {};
  for (const [field, c] of Object.entries(counts)) {
    const total = c.__total ?? 0;
    const out: Record<string, number> = {};
    for (const [level, k] of Object.entries(c)) if (level !== '__total') out[level] = (k + 0.5) / (total + 1);
    u[field as Field] = out;
  }
  return { u, pairs: done };
}

export class MatchModel {
  readonly m: MProbabilities;
  readonly pExists: number;
  readonly stats: EhrStats;
  /** log2 prior odds that one given record is the patient, against "nobody". */
  readonly priorWeight: number;

  constructor(stats: EhrStats, options: ModelOptions = {}) {
    this.stats = stats;
    this.m = { ...DEFAULT_M, ...options.m } as MProbabilities;
    this.pExists = options.pExists ?? 0.5;
    const n = Math.max(1, stats.n);
    this.priorWeight = LOG2(this.pExists / n / (1 - this.pExists));
  }

  /** Smallest u used (never zero: a weight must stay finite). */
  private get uFloor(): number {
    return 1e-9;
  }

  /** Term-frequency u of a name: its share of the table, smoothed toward a prior for small tables. */
  private tfU(count: number, prior: number): number {
    const n = Math.max(1, this.stats.n);
    const rows = this.stats.namePrior?.rows ?? 0;
    return (count + rows * prior) / (n + rows);
  }

  private sampled(field: Field, level: string, fallback: number): number {
    return this.stats.sampledU[field]?.[level] ?? fallback;
  }

  /** u for one field/level, with term frequencies for exact names and per-query DOB variant counts. */
  uOf(field: Field, level: string, q: NormalDemographics): number {
    const s = this.stats;
    const n = Math.max(1, s.n);
    const floor = this.uFloor;
    const clamp = (u: number) => Math.min(0.999, Math.max(floor, u));
    const small = 1 / Math.max(100, n);
    if (level === 'disagree') {
      // Chance disagreement: one minus the chance of every agreeing level.
      const agree = FIELD_LEVELS[field]
        .filter((l) => l !== 'disagree')
        .reduce((sum, l) => sum + (field === 'firstName' || field === 'lastName' ? this.sampled(field, l, 0) : this.uOf(field, l, q)), 0);
      return clamp(1 - agree);
    }
    switch (field) {
      case 'firstName':
        if (level === 'exact') return clamp(this.tfU(s.firstFreq.get(q.first ?? '') ?? 1, s.namePrior?.first ?? 0));
        return clamp(this.sampled(field, level, small));
      case 'lastName':
        if (level === 'exact') return clamp(this.tfU(s.lastFreq.get(q.last ?? '') ?? 1, s.namePrior?.last ?? 0));
        return clamp(this.sampled(field, level, small));
      case 'middleName':
        if (level === 'exact') return clamp(s.exactU.middleName);
        return clamp(this.sampled(field, level, 0.05));
      case 'dob': {
        const u = s.exactU.dob;
        if (level === 'exact' || !q.dob) return clamp(u);
        // A level's chance agreement grows with how many dates it admits for this DOB.
        if (level === 'swapped_day_month') return clamp(u * (swapDayMonth(q.dob) ? 1 : 0.5));
        if (level === 'transposed') return clamp(u * Math.max(1, transposedDates(q.dob).length));
        return clamp(u * Math.max(1, oneDigitOffDates(q.dob).length));
      }
      case 'sex':
        return clamp(s.exactU.sexAgree);
      case 'phone':
        return clamp(s.exactU.phone);
      case 'postalCode':
        if (level === 'exact') return clamp(s.exactU.postalCode);
        return clamp(this.sampled(field, level, 0.05));
      case 'address':
        return clamp(s.exactU.address);
      case 'memberId':
        return clamp(s.exactU.memberId || small);
      case 'mrn':
        return clamp(1 / n);
      default: {
        const never: never = field;
        throw new Error(`unknown field ${String(never)}`);
      }
    }
  }

  weightOf(field: Field, level: string, q: NormalDemographics): number {
    if (level === 'missing') return 0;
    const m = (this.m[field] as Record<string, number | undefined>)[level] ?? 0.001;
    return LOG2(m / this.uOf(field, level, q));
  }

  /** Scores one EHR record against the query. */
  score(q: NormalDemographics, r: NormalDemographics): CandidateScore {
    const levels = compareRecords(q, r);
    // Household evidence never stands in for personal evidence: when the first name
    // or the DOB contradicts, a shared phone, ZIP or street adds nothing.
    // A loose first-name resemblance (jw_mid) or a bare initial is not personal agreement either.
    const weakFirst = levels.firstName === 'disagree' || levels.firstName === 'jw_mid' || levels.firstName === 'initial';
    const personalConflict = weakFirst || levels.dob === 'disagree';
    let weight = this.priorWeight;
    const comparisons: ScoredComparison[] = [];
    for (const field of Object.keys(FIELD_LEVELS) as Field[]) {
      const level = levels[field];
      let w = this.weightOf(field, level, q);
      if (personalConflict && HOUSEHOLD_FIELDS.includes(field) && w > 0) w = 0;
      weight += w;
      comparisons.push({ field, level, weight: Math.round(w * 100) / 100 });
    }
    return { weight, levels, comparisons };
  }
}

/**
 * Posterior probability of each candidate being the patient, given that at most
 * one record is: p_i = 2^W_i / (1 + Σ_j 2^W_j), W_i including the prior odds.
 */
export function posteriors(weights: number[]): number[] {
  if (weights.length === 0) return [];
  const max = Math.max(0, ...weights);
  const none = 2 ** -max;
  const scaled = weights.map((w) => 2 ** (w - max));
  const total = none + scaled.reduce((a, b) => a + b, 0);
  return scaled.map((s) => s / total);
}
