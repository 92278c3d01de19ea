/**
 * String distance and phonetics for names, from talisman (Jaro–Winkler, Double
 * Metaphone) rather than hand-written: well-tested implementations of the
 * standard algorithms. Results are memoised per process since the same EHR names
 * recur across queries.
 */
import doubleMetaphoneImpl from 'talisman/phonetics/double-metaphone.js';
import damerauLevenshteinImpl from 'talisman/metrics/damerau-levenshtein.js';
import jaroWinklerImpl from 'talisman/metrics/jaro-winkler.js';

const dmCache = new Map<string, [string, string]>();
const DM_CACHE_MAX = 200_000;

/** Double Metaphone codes [primary, alternate] of an upper-case letters-only word; '' for none. */
export function doubleMetaphone(word: string): [string, string] {
  if (!word) return ['', ''];
  const hit = dmCache.get(word);
  if (hit) return hit;
  let codes: [string, string];
  try {
    codes = doubleMetaphoneImpl(word);
  } catch {
    codes = ['', ''];
  }
  if (dmCache.size >= DM_CACHE_MAX) dmCache.clear();
  dmCache.set(word, codes);
  return codes;
}

/** Jaro–Winkler similarity in [0,1] (1 = identical). */
export function jaroWinkler(a: string, b: string): number {
  if (!a || !b) return 0;
  if (a === b) return 1;
  return jaroWinklerImpl(a, b);
}

/** True when one insertion, deletion, substitution or adjacent transposition turns a into b. */
export function oneEditApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  return damerauLevenshteinImpl.limited(1, a, b) === 1;
}
