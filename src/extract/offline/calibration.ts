/**
 * Empirical calibration: for each feature bucket (field group, how it was found,
 * OCR confidence band, repairs, agreement, conflict) the share of values that
 * were right on the generated training set (bench/extract.ts --fit writes
 * calibration-table.ts). A bucket's confidence is a smoothed lower estimate, so
 * a small bucket cannot claim certainty; buckets seen too rarely fall back to a
 * coarser key, then to the hand-set curve capped below the review threshold.
 */
import type { FieldKey } from '../fields.ts';
import { CALIBRATION_TABLE } from './calibration-table.ts';
import { calibrate, featureKeys, type Chosen } from './confidence.ts';

/** Fewest training fields a bucket needs before its own rate is used. */
export const MIN_BUCKET = 40;

/**
 * Weight, in training fields, of the coarser bucket's rate in a finer bucket's
 * estimate: a fine bucket of 50 with one miss is mostly its own rate, but one miss
 * more or less no longer swings it across the review gate when its parent, of
 * which it is a part, counted hundreds.
 */
export const PARENT_WEIGHT = 40;

/** Smoothed accuracy, pulled toward `prior` (0.5 when nothing coarser is known) by pseudo-counts, less a margin for the bucket's size. */
export function bucketConfidence(right: number, total: number, prior?: { rate: number; weight: number }): number {
  const p = prior ?? { rate: 0.5, weight: 2 };
  return Math.max(0, (right + p.rate * p.weight) / (total + p.weight) - 1.0 / Math.sqrt(total + 2) * 0.1);
}

/**
 * The rate of the first bucket (finest first) seen at least MIN_BUCKET times, each
 * estimate shrunk toward the next coarser bucket's: the coarsest usable bucket is
 * smoothed toward 0.5, every finer one toward the estimate below it.
 */
function chainRate(keys: readonly string[], table: Readonly<Record<string, readonly [number, number]>>): number | undefined {
  const first = keys.findIndex((k) => (table[k]?.[1] ?? 0) >= MIN_BUCKET);
  if (first < 0) return undefined;
  let rate: number | undefined;
  for (let i = keys.length - 1; i >= first; i--) {
    const hit = table[keys[i]!];
    if (!hit || hit[1] < MIN_BUCKET) continue;
    rate = bucketConfidence(hit[0], hit[1], rate === undefined ? undefined : { rate, weight: PARENT_WEIGHT });
  }
  return rate;
}

export function calibratedConfidence(key: FieldKey, chosen: Chosen, table: Readonly<Record<string, readonly [number, number]>> = CALIBRATION_TABLE): number {
  const base = chainRate(featureKeys(key, chosen), table);
  if (base === undefined) return Math.min(0.9, calibrate(chosen.raw));
  // Within a bucket, the raw score still orders values: scale around the bucket rate.
  const adj = Math.min(1, chosen.raw / 0.95);
  return Math.max(0, Math.min(0.995, base * (0.97 + 0.03 * adj)));
}
