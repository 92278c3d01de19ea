/**
 * Builds the model's EHR statistics: name frequencies (term-frequency weights),
 * chance agreement of exact fields from value frequencies, and u-probabilities of
 * the fuzzy levels from random pairs of a sample (Splink's
 * estimate_u_using_random_sampling).
 */
import type { EhrSource } from './ehr-source.ts';
import { sampledUFromRows, type EhrStats } from './model.ts';

const SAMPLE_ROWS = 4_000;
/** Pseudo-rows of prior belief behind every chance-agreement estimate. */
const PRIOR_ROWS = 1_000;
/** Chance agreement in a general US population, used to smooth small tables. */
const PRIOR_U = {
  firstName: 0.005,
  lastName: 0.001,
  dob: 1 / (365.25 * 80),
  phone: 1e-4,
  postalCode: 0.01,
  sex: 0.5,
  address: 1e-4,
  memberId: 1e-5,
  middleName: 0.02,
};
const SAMPLE_PAIRS = 40_000;

export async function computeEhrStats(source: EhrSource): Promise<EhrStats> {
  const [freq, sample] = await Promise.all([source.frequencies(), source.sample(SAMPLE_ROWS)]);
  // Chance that two DIFFERENT random rows agree: Σc(c−1) / n(n−1) (a row always agrees with itself).
  // Estimates are smoothed toward population priors with PRIOR_ROWS pseudo-rows, so a
  // small table (a new practice, a test) does not make chance agreement look common.
  const n = freq.n;
  const smooth = (estimate: number | null, rows: number, prior: number) =>
    estimate === null ? prior : (rows * estimate + PRIOR_ROWS * prior) / (rows + PRIOR_ROWS);
  const chance = (ss: number, nn: number) => (nn > 1 ? Math.max(ss - nn, 0) / (nn * (nn - 1)) : null);
  const { u, pairs } = sampledUFromRows(sample, SAMPLE_PAIRS);
  const tf = (entries: Array<{ k: string; c: number }>) => new Map(entries.map((e) => [e.k, e.c]));
  return {
    n,
    firstFreq: tf(freq.first),
    lastFreq: tf(freq.last),
    namePrior: { rows: PRIOR_ROWS, first: PRIOR_U.firstName, last: PRIOR_U.lastName },
    exactU: {
      dob: smooth(chance(freq.sumSquares.dob, freq.nonNull.dob), freq.nonNull.dob, PRIOR_U.dob),
      phone: smooth(chance(freq.sumSquares.phone, freq.nonNull.phone), freq.nonNull.phone, PRIOR_U.phone),
      postalCode: smooth(chance(freq.sumSquares.postalCode, freq.nonNull.postalCode), freq.nonNull.postalCode, PRIOR_U.postalCode),
      sexAgree: smooth(chance(freq.sumSquares.sex, freq.nonNull.sex), freq.nonNull.sex, PRIOR_U.sex),
      address: smooth(chance(freq.sumSquares.address, freq.nonNull.address), freq.nonNull.address, PRIOR_U.address),
      memberId: smooth(chance(freq.sumSquares.memberId, freq.nonNull.memberId), freq.nonNull.memberId, PRIOR_U.memberId),
      middleName: smooth(chance(freq.sumSquares.middleName, freq.nonNull.middleName), freq.nonNull.middleName, PRIOR_U.middleName),
    },
    sampledU: u,
    samplePairs: pairs,
  };
}
