/**
 * Per-field comparison levels for the Fellegi–Sunter model (the levels Splink
 * uses for people): each field of a query and an EHR record is put into exactly
 * one level, most specific first. Weights are attached later (model.ts) so the
 * levels stay testable on their own.
 */
import { areNicknames } from './nicknames.ts';
import type { NormalDemographics } from './normalize.ts';
import { doubleMetaphone, jaroWinkler, oneEditApart } from './strings.ts';

export const FIELD_LEVELS = {
  firstName: ['exact', 'nickname', 'typo', 'jw_high', 'jw_mid', 'middle_as_first', 'swapped', 'initial', 'disagree'],
  lastName: ['exact', 'hyphen_part', 'jw_high', 'phonetic', 'jw_mid', 'swapped', 'disagree'],
  middleName: ['exact', 'initial', 'disagree'],
  dob: ['exact', 'swapped_day_month', 'transposed', 'one_digit', 'disagree'],
  sex: ['agree', 'disagree'],
  phone: ['exact', 'disagree'],
  postalCode: ['exact', 'prefix3', 'disagree'],
  address: ['exact', 'disagree'],
  memberId: ['exact', 'disagree'],
  mrn: ['exact', 'disagree'],
} as const;

export type Field = keyof typeof FIELD_LEVELS;
export type Level<F extends Field = Field> = (typeof FIELD_LEVELS)[F][number] | 'missing';
export type Levels = { [F in Field]: Level<F> };

/** Fields that a household shares: they never stand in for personal evidence. */
export const HOUSEHOLD_FIELDS: readonly Field[] = ['phone', 'postalCode', 'address'];

const JW_HIGH = 0.94;
const JW_MID = 0.88;

function firstLevel(q: string, r: string, rMiddle: string | null): Level<'firstName'> {
  if (q === r) return 'exact';
  if (areNicknames(q, r)) return 'nickname';
  if (q.length === 1 || r.length === 1) return q[0] === r[0] ? 'initial' : 'disagree';
  // One keystroke away on a name of 5+ letters: a typo rather than another name.
  if (q.length >= 5 && r.length >= 5 && oneEditApart(q, r)) return 'typo';
  const jw = jaroWinkler(q, r);
  if (jw >= JW_HIGH) return 'jw_high';
  if (jw >= JW_MID) return 'jw_mid';
  if (rMiddle && rMiddle.length > 1 && (rMiddle === q || areNicknames(q, rMiddle))) return 'middle_as_first';
  return 'disagree';
}

function lastLevel(q: NormalDemographics, r: NormalDemographics): Level<'lastName'> {
  const a = q.last as string;
  const b = r.last as string;
  if (a === b) return 'exact';
  if ((q.lastParts.length > 1 || r.lastParts.length > 1) && q.lastParts.some((p) => p.length > 1 && r.lastParts.includes(p))) {
    return 'hyphen_part';
  }
  const jw = jaroWinkler(a, b);
  if (jw >= JW_HIGH) return 'jw_high';
  const [qa, qb] = doubleMetaphone(a);
  const [ra, rb] = doubleMetaphone(b);
  if (qa && (qa === ra || qa === rb || (qb && (qb === ra || qb === rb)))) return 'phonetic';
  if (jw >= JW_MID) return 'jw_mid';
  return 'disagree';
}

/** DOB level by direct digit comparison (no variant lists: this runs for every sampled pair). */
export function dobLevel(q: string, r: string): Level<'dob'> {
  if (q === r) return 'exact';
  if (q.length !== 10 || r.length !== 10) return 'disagree';
  if (q.slice(0, 4) === r.slice(0, 4) && q.slice(5, 7) === r.slice(8, 10) && q.slice(8, 10) === r.slice(5, 7)) return 'swapped_day_month';
  let first = -1;
  let diffs = 0;
  for (let i = 0; i < 10; i++) {
    if (q.charCodeAt(i) !== r.charCodeAt(i)) {
      if (first < 0) first = i;
      if (++diffs > 2) return 'disagree';
    }
  }
  if (diffs === 1) return 'one_digit';
  // Two adjacent digits exchanged (the dash between month and day does not count as a gap).
  const next = q[first + 1] === '-' ? first + 2 : first + 1;
  if (q[first] === r[next] && q[next] === r[first] && q[next] !== r[next]) return 'transposed';
  return 'disagree';
}

function namesMatchLoosely(a: string, b: string): boolean {
  return a === b || jaroWinkler(a, b) >= JW_HIGH;
}

/** Compares a query with one EHR record, field by field. */
export function compareRecords(q: NormalDemographics, r: NormalDemographics): Levels {
  let first: Level<'firstName'> = q.first && r.first ? firstLevel(q.first, r.first, r.middle) : 'missing';
  let last: Level<'lastName'> = q.last && r.last ? lastLevel(q, r) : 'missing';
  // First and last name written the wrong way round.
  if (first === 'disagree' && (last === 'disagree' || last === 'jw_mid') && q.first && q.last && r.first && r.last) {
    if (namesMatchLoosely(q.first, r.last) && namesMatchLoosely(q.last, r.first)) {
      first = 'swapped';
      last = 'swapped';
    }
  }
  let middle: Level<'middleName'> = 'missing';
  if (q.middle && r.middle) {
    if (q.middle === r.middle) middle = 'exact';
    else if ((q.middle.length === 1 || r.middle.length === 1) && q.middle[0] === r.middle[0]) middle = 'initial';
    else middle = 'disagree';
  }
  const known = (s: NormalDemographics['sex']) => s === 'M' || s === 'F';
  return {
    firstName: first,
    lastName: last,
    middleName: middle,
    dob: q.dob && r.dob ? dobLevel(q.dob, r.dob) : 'missing',
    sex: known(q.sex) && known(r.sex) ? (q.sex === r.sex ? 'agree' : 'disagree') : 'missing',
    phone: q.phone && r.phone ? (q.phone === r.phone ? 'exact' : 'disagree') : 'missing',
    postalCode:
      q.postal && r.postal
        ? q.postal === r.postal
          ? 'exact'
          : q.postal.slice(0, 3) === r.postal.slice(0, 3)
            ? 'prefix3'
            : 'disagree'
        : 'missing',
    address: q.address && r.address ? (q.address === r.address ? 'exact' : 'disagree') : 'missing',
    memberId: q.memberId && r.memberId ? (q.memberId === r.memberId ? 'exact' : 'disagree') : 'missing',
    mrn: q.mrn && r.mrn ? (q.mrn === r.mrn ? 'exact' : 'disagree') : 'missing',
  };
}
