/**
 * Small closed vocabularies: administrative sex (M/F/X/U) and referral urgency
 * (routine/urgent/stat), plus insurance identifiers (upper case, no spaces).
 */
import { withinOneEdit } from './edit-distance.ts';

export function normalizeSex(raw: string): 'M' | 'F' | 'X' | 'U' | null {
  const s = raw.trim().toLowerCase().replace(/[.:]/g, '');
  if (/^(m|male|man|boy)$/.test(s)) return 'M';
  if (/^(f|female|woman|girl)$/.test(s)) return 'F';
  if (/^(x|non-?binary|other|intersex)$/.test(s)) return 'X';
  if (/^(u|unknown|undisclosed|not specified|unk)$/.test(s)) return 'U';
  return null;
}

/**
 * A sex word with one OCR slip ("Femole", "femalc", "Malc", "womon"), for text read by
 * OCR: "female" or "woman" within one edit, "male" with its last letter misread. Null otherwise.
 */
export function normalizeSexLoose(raw: string): 'M' | 'F' | null {
  const s = raw.trim().toLowerCase().replace(/[.,;:]+$/, '');
  if (/^(female|male)$/.test(s)) return s === 'female' ? 'F' : 'M';
  if (/^[a-z]{5,7}$/.test(s) && s[0] === 'f' && withinOneEdit(s, 'female')) return 'F';
  if (/^[a-z]{4,6}$/.test(s) && s[0] === 'w' && withinOneEdit(s, 'woman')) return 'F';
  if (/^ma[l1i][ec]$/.test(s)) return 'M';
  return null;
}


export function normalizeUrgency(raw: string): 'routine' | 'urgent' | 'stat' | null {
  const s = raw.trim().toLowerCase().replace(/[.:!]/g, '');
  if (/^(stat|emergent|emergency|immediate)$/.test(s)) return 'stat';
  if (/^(urgent|asap|expedited|high|priority|urgent referral|soon)$/.test(s)) return 'urgent';
  if (/^(routine|normal|standard|regular|non-?urgent|elective|low)$/.test(s)) return 'routine';
  return null;
}

/** Member and group ids: upper case, spaces and dashes inside kept out only for spaces. */
export function normalizeIdentifier(raw: string): string | null {
  const s = raw.trim().toUpperCase().replace(/\s+/g, '');
  if (!/^[A-Z0-9][A-Z0-9-]{2,24}$/.test(s) || !/\d/.test(s)) return null;
  return s;
}
