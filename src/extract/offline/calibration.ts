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

/** Smoothed accuracy, pulled toward 0.5 by two pseudo-counts and a margin. */
export function bucketConfidence(right: number, total: number): number {
  return Math.max(0, (right + 1) / (total + 2) - 1.0 / Math.sqrt(total + 2) * 0.1);
}

export function calibratedConfidence(key: FieldKey, chosen: Chosen, table: Readonly<Record<string, readonly [number, number]>> = CALIBRATION_TABLE): number {
  const keys = featureKeys(key, chosen);
  for (const k of keys) {
    const hit = table[k];
    if (hit && hit[1] >= MIN_BUCKET) {
      // Within a bucket, the raw score still orders values: scale around the bucket rate.
      const base = bucketConfidence(hit[0], hit[1]);
      const adj = Math.min(1, chosen.raw / 0.95);
      return Math.max(0, Math.min(0.995, base * (0.97 + 0.03 * adj)));
    }
  }
  return Math.min(0.9, calibrate(chosen.raw));
}
