/**
 * Synthetic EHR populations and referral queries for the matching benchmark and
 * tests: households (shared surname, address, phone), twins, Jr./Sr. pairs,
 * Zipf-distributed surnames with a long tail of rare ones, and queries with the
 * errors referrals carry (typos, nicknames, swapped or mistyped DOBs, married or
 * hyphenated surnames, moves, missing fields) plus new patients that look like
 * existing ones. Independent of the dev corpus, so figures on it test
 * generalisation. Seeded: the same seed gives the same data.
 */
import fs from 'node:fs';
import { areNicknames } from '../src/match/nicknames.ts';

export interface SynthPatient {
  mrn: string;
  firstName: string;
  middleName: string | null;
  lastName: string;
  dob: string;
  sex: 'M' | 'F';
  phone: string | null;
  addressLine1: string;
  city: string;
  state: string;
  postalCode: string;
}

export interface SynthQuery {
  query: Record<string, string | null>;
  /** The true MRN, or null for a patient new to the practice. */
  mrn: string | null;
  variation: string;
}

const MALE = 'James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel Matthew Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel Gregory Alexander Frank Patrick Raymond Jack Dennis Jerry Tyler Aaron Jose Adam Nathan Henry Douglas Zachary Peter Kyle Ethan Walter Noah Jeremy Christian Keith Roger Terry Gerald Harold Sean Austin Carl Arthur Lawrence Dylan Jesse Jordan Bryan Billy Joe Bruce Gabriel Logan Albert Willie Alan Juan Wayne Elijah Randy Roy Vincent Ralph Eugene Russell Bobby Mason Philip Louis Minh Tariq Anand Kenji Olusegun Mateo'.split(' ');
const FEMALE = 'Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Margaret Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah Stephanie Rebecca Sharon Laura Cynthia Kathleen Amy Angela Shirley Anna Brenda Pamela Emma Nicole Helen Samantha Katherine Christine Debra Rachel Carolyn Janet Catherine Maria Heather Diane Ruth Julie Olivia Joyce Virginia Victoria Kelly Lauren Christina Joan Evelyn Judith Megan Andrea Cheryl Hannah Jacqueline Martha Gloria Teresa Ann Sara Madison Frances Kathryn Janice Jean Abigail Alice Judy Sophia Grace Denise Amber Doris Marilyn Danielle Beverly Isabella Theresa Diana Natalie Brittany Charlotte Marie Kayla Alexis Lori Priya Mei Aaliyah Ngozi Yuki'.split(' ');
const COMMON_LAST = 'Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce Vazquez Hansen Peters Santos Hart Bradley Knight Elliott Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Alvarado Ray Delgado Berry Perkins Hoffman Johnston Matthews Pena Richards Contreras Willis Carpenter Lawrence Sandoval'.split(' ');
const SYLLABLES = 'ba be bi bo ka ke ki ko la le li lo ma me mi mo na ne ni no ra re ri ro sa se si so ta te ti to va ve vi wal der ton son berg stein ford ley field wick ham ner ski vic ova ian ez'.split(' ');
const STREETS = 'Oak Maple Cedar Pine Elm Lake Hill River Park Sunset Ridge Valley Church Main Mill Spring Laurel Willow Meadow Forest'.split(' ');
const STREET_TYPES = 'St Ave Rd Ln Dr Way Ct Cv Blvd'.split(' ');
const CITIES: Array<[string, string, string]> = [
  ['Austin', 'TX', '787'], ['Round Rock', 'TX', '786'], ['Waco', 'TX', '767'], ['San Antonio', 'TX', '782'],
  ['Dallas', 'TX', '752'], ['Atlanta', 'GA', '303'], ['Albuquerque', 'NM', '871'], ['Temple', 'TX', '765'],
];
const NICKNAMES: Record<string, string> = {
  William: 'Bill', Robert: 'Bob', Richard: 'Dick', James: 'Jim', Michael: 'Mike', Elizabeth: 'Liz', Margaret: 'Peggy',
  Katherine: 'Kathy', Jennifer: 'Jenny', Patricia: 'Pat', Thomas: 'Tom', Joseph: 'Joe', Charles: 'Chuck', Deborah: 'Debbie',
  Christopher: 'Chris', Daniel: 'Dan', Anthony: 'Tony', Edward: 'Ted', Rebecca: 'Becky', Susan: 'Sue', Samantha: 'Sam',
  Alexander: 'Alex', Nicholas: 'Nick', Steven: 'Steve', Kenneth: 'Ken', Timothy: 'Tim', Douglas: 'Doug', Victoria: 'Vicky',
  Barbara: 'Barb', Jacqueline: 'Jackie', Gregory: 'Greg', Lawrence: 'Larry', Matthew: 'Matt', Benjamin: 'Ben', Cynthia: 'Cindy',
};

export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    // mulberry32
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

function randomDob(rng: Rng, minYear = 1925, maxYear = 2024): string {
  const y = minYear + rng.int(maxYear - minYear + 1);
  const m = 1 + rng.int(12);
  const d = 1 + rng.int(new Date(Date.UTC(y, m, 0)).getUTCDate());
  return `${y}-${pad(m, 2)}-${pad(d, 2)}`;
}

function rareSurname(rng: Rng): string {
  const n = 2 + rng.int(2);
  let s = '';
  for (let i = 0; i < n; i++) s += rng.pick(SYLLABLES);
  return s[0]!.toUpperCase() + s.slice(1);
}

function zipfSurname(rng: Rng): string {
  // 70% from the common list with a Zipf-like skew, 30% long tail.
  if (rng.chance(0.3)) return rareSurname(rng);
  const i = Math.floor(COMMON_LAST.length * rng.next() ** 2.2);
  return COMMON_LAST[i] as string;
}

function firstFor(rng: Rng, sex: 'M' | 'F'): string {
  const list = sex === 'M' ? MALE : FEMALE;
  return list[Math.floor(list.length * rng.next() ** 1.6)] as string;
}

function phone(rng: Rng): string {
  return `${rng.pick(['512', '737', '210', '254', '404', '505', '214'])}${2 + rng.int(8)}${pad(rng.int(100), 2)}${pad(rng.int(10000), 4)}`;
}

/** Generates `count` patients in households; writes nothing. */
export function* generatePatients(count: number, seed = 42): Generator<SynthPatient> {
  const rng = new Rng(seed);
  let made = 0;
  const mrn = () => `MRN${pad(made + 1, 7)}`;
  while (made < count) {
    const last = zipfSurname(rng);
    const [city, state, zip3] = rng.pick(CITIES);
    const address = `${1 + rng.int(19999)} ${rng.pick(STREETS)} ${rng.pick(STREET_TYPES)}`;
    const postal = `${zip3}${pad(rng.int(100), 2)}`;
    const homePhone = rng.chance(0.85) ? phone(rng) : null;
    const base = { lastName: last, addressLine1: address, city, state, postalCode: postal };
    const person = (sex: 'M' | 'F', dob: string, firstName?: string, middleName?: string | null, lastName?: string): SynthPatient => {
      const p: SynthPatient = {
        mrn: mrn(),
        firstName: firstName ?? firstFor(rng, sex),
        middleName: middleName === undefined ? (rng.chance(0.6) ? (rng.chance(0.5) ? firstFor(rng, sex) : firstFor(rng, sex)[0]!) : null) : middleName,
        dob,
        sex,
        phone: rng.chance(0.7) ? homePhone : rng.chance(0.8) ? phone(rng) : null,
        ...base,
        lastName: lastName ?? base.lastName,
      };
      made++;
      return p;
    };
    const kind = rng.next();
    if (kind < 0.03) {
      // Twins: same DOB, surname, address and usually phone; different first names.
      const dob = randomDob(rng, 1940, 2022);
      const a = person(rng.chance(0.5) ? 'M' : 'F', dob);
      yield a;
      if (made < count) {
        const sex: 'M' | 'F' = rng.chance(0.5) ? a.sex : a.sex === 'M' ? 'F' : 'M';
        let first = firstFor(rng, sex);
        while (first === a.firstName) first = firstFor(rng, sex);
        yield person(sex, dob, first);
      }
    } else if (kind < 0.06) {
      // Jr./Sr.: same first and middle name, a generation apart, the son's chart saying "Jr".
      const father = person('M', randomDob(rng, 1930, 1975));
      yield father;
      if (made < count) {
        const y = Number(father.dob.slice(0, 4)) + 20 + rng.int(15);
        const son = person('M', randomDob(rng, y, y), father.firstName, father.middleName, rng.chance(0.5) ? `${last} Jr` : last);
        yield son;
      }
    } else {
      const size = 1 + Math.floor(rng.next() ** 2 * 4);
      for (let i = 0; i < size && made < count; i++) {
        yield person(rng.chance(0.5) ? 'M' : 'F', randomDob(rng));
      }
    }
  }
}

export function csvLine(p: SynthPatient): string {
  const q = (v: string | null) => (v === null ? '' : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [p.mrn, p.firstName, p.middleName, p.lastName, p.dob, p.sex, p.phone, p.addressLine1, p.city, p.state, p.postalCode].map(q).join(',');
}

export const CSV_HEADER = 'mrn,first_name,middle_name,last_name,dob,sex,phone,address_line1,city,state,postal_code';

/** Writes a population CSV; returns every `keepEvery`-th patient (for query generation). */
export async function writePopulationCsv(file: string, count: number, seed: number, keepEvery = 1): Promise<SynthPatient[]> {
  const out = fs.createWriteStream(file);
  const kept: SynthPatient[] = [];
  let buffer = `${CSV_HEADER}\n`;
  let i = 0;
  for (const p of generatePatients(count, seed)) {
    if (i++ % keepEvery === 0) kept.push(p);
    buffer += `${csvLine(p)}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await new Promise<void>((r) => out.once('drain', () => r()));
      buffer = '';
    }
  }
  out.write(buffer);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return kept;
}

function typo(rng: Rng, s: string): string {
  if (s.length < 4) return s;
  const i = 1 + rng.int(s.length - 2);
  const ops = rng.int(3);
  if (ops === 0) return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2); // transpose
  if (ops === 1) return s.slice(0, i) + s.slice(i + 1); // drop
  const letters = 'aeiourstnl';
  return s.slice(0, i) + rng.pick(letters.split('')) + s.slice(i + 1); // substitute
}

function swapDayMonth(dob: string): string | null {
  const d = Number(dob.slice(8, 10));
  const m = Number(dob.slice(5, 7));
  if (d > 12 || d === m) return null;
  return `${dob.slice(0, 4)}-${dob.slice(8, 10)}-${dob.slice(5, 7)}`;
}

function digitDistance(a: string, b: string): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) d++;
  return d;
}

function validDate(iso: string): boolean {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function dobDigitTypo(rng: Rng, dob: string): string {
  for (let tries = 0; tries < 20; tries++) {
    const digits = dob.replace(/-/g, '').split('');
    const i = 2 + rng.int(6);
    digits[i] = String((Number(digits[i]) + 1 + rng.int(8)) % 10);
    const iso = `${digits.slice(0, 4).join('')}-${digits.slice(4, 6).join('')}-${digits.slice(6).join('')}`;
    if (iso !== dob && validDate(iso)) return iso;
  }
  return dob;
}

function baseQuery(p: SynthPatient, rng: Rng): Record<string, string | null> {
  // A referral shows some fields, not all.
  return {
    firstName: p.firstName,
    middleName: rng.chance(0.5) ? p.middleName : null,
    lastName: p.lastName.replace(/ Jr$/, ''),
    dob: p.dob,
    sex: rng.chance(0.8) ? p.sex : null,
    phone: rng.chance(0.6) ? p.phone : null,
    postalCode: rng.chance(0.6) ? p.postalCode : null,
  };
}

const EXISTING_VARIATIONS = [
  'exact', 'exact', 'exact', 'upper_case', 'typo_first', 'typo_last', 'nickname', 'dob_swapped', 'dob_digit', 'dob_transposed',
  'married_name', 'hyphenated', 'moved', 'missing_fields', 'middle_initial', 'name_swapped',
] as const;
const NEW_VARIATIONS = ['new_random', 'new_same_name_diff_dob', 'new_twin_sibling', 'new_jr_sr', 'new_same_name_same_year', 'new_household_member'] as const;

/** Queries against a population: `existingShare` of them for patients in it. */
export function generateQueries(patients: SynthPatient[], count: number, seed: number, existingShare = 0.65): SynthQuery[] {
  const rng = new Rng(seed);
  const out: SynthQuery[] = [];
  // A "new" query must not happen to be someone in the population.
  const key = (first: unknown, last: unknown, dob: unknown) => `${String(first).toUpperCase()}|${String(last).toUpperCase()}|${String(dob)}`;
  const existing = new Set(patients.map((p) => key(p.firstName, p.lastName.replace(/ Jr$/, ''), p.dob)));
  while (out.length < count) {
    const p = rng.pick(patients);
    if (rng.chance(existingShare)) {
      const variation = rng.pick(EXISTING_VARIATIONS);
      const q = baseQuery(p, rng);
      switch (variation) {
        case 'exact':
          break;
        case 'upper_case':
          for (const k of ['firstName', 'middleName', 'lastName'] as const) q[k] = q[k] ? (q[k] as string).toUpperCase() : null;
          break;
        case 'typo_first':
          q.firstName = typo(rng, p.firstName);
          break;
        case 'typo_last':
          q.lastName = typo(rng, q.lastName as string);
          break;
        case 'nickname': {
          const nick = NICKNAMES[p.firstName];
          if (!nick) continue;
          q.firstName = nick;
          break;
        }
        case 'dob_swapped': {
          const s = swapDayMonth(p.dob);
          if (!s) continue;
          q.dob = s;
          break;
        }
        case 'dob_digit':
          q.dob = dobDigitTypo(rng, p.dob);
          break;
        case 'dob_transposed': {
          const d = p.dob.replace(/-/g, '');
          const i = 4 + rng.int(3);
          if (d[i] === d[i + 1]) continue;
          const t = d.slice(0, i) + d[i + 1] + d[i] + d.slice(i + 2);
          const iso = `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6)}`;
          if (!validDate(iso)) continue;
          q.dob = iso;
          break;
        }
        case 'married_name':
          if (p.sex !== 'F') continue;
          q.lastName = zipfSurname(rng);
          q.phone = rng.chance(0.5) ? p.phone : null;
          break;
        case 'hyphenated':
          q.lastName = rng.chance(0.5) ? `${q.lastName}-${zipfSurname(rng)}` : `${zipfSurname(rng)}-${q.lastName}`;
          break;
        case 'moved':
          q.phone = phone(rng);
          q.postalCode = `${rng.pick(CITIES)[2]}${pad(rng.int(100), 2)}`;
          break;
        case 'missing_fields':
          q.middleName = null;
          q.sex = null;
          q.phone = null;
          q.postalCode = null;
          break;
        case 'middle_initial':
          q.middleName = p.middleName ? p.middleName[0]! : null;
          break;
        case 'name_swapped':
          q.firstName = q.lastName ?? null;
          q.lastName = p.firstName;
          break;
        default: {
          const never: never = variation;
          throw new Error(String(never));
        }
      }
      out.push({ query: q, mrn: p.mrn, variation });
    } else {
      const variation = rng.pick(NEW_VARIATIONS);
      const q = baseQuery(p, rng);
      switch (variation) {
        case 'new_random': {
          const sex: 'M' | 'F' = rng.chance(0.5) ? 'M' : 'F';
          Object.assign(q, { firstName: firstFor(rng, sex), lastName: zipfSurname(rng), dob: randomDob(rng), sex, middleName: null, phone: rng.chance(0.5) ? phone(rng) : null });
          break;
        }
        case 'new_same_name_diff_dob': {
          let dob = randomDob(rng);
          while (Math.abs(Number(dob.slice(0, 4)) - Number(p.dob.slice(0, 4))) < 2) dob = randomDob(rng);
          Object.assign(q, { dob, middleName: null, phone: rng.chance(0.5) ? phone(rng) : null, postalCode: null });
          break;
        }
        case 'new_same_name_same_year': {
          const dob = randomDob(rng, Number(p.dob.slice(0, 4)), Number(p.dob.slice(0, 4)));
          // Not within one typo or a day/month swap of the patient's DOB: that would be indistinguishable from an error.
          if (dob.slice(5, 7) === p.dob.slice(5, 7) || dob === swapDayMonth(p.dob) || digitDistance(dob, p.dob) <= 1) continue;
          Object.assign(q, { dob, middleName: null, phone: null, postalCode: null });
          break;
        }
        case 'new_twin_sibling': {
          // A sibling's name that is not a variant of the patient's (Jack/John would be the same person).
          let first = firstFor(rng, p.sex);
          while (first === p.firstName || areNicknames(first.toUpperCase(), p.firstName.toUpperCase())) first = firstFor(rng, p.sex);
          Object.assign(q, { firstName: first, middleName: null });
          break;
        }
        case 'new_household_member': {
          const sex: 'M' | 'F' = rng.chance(0.5) ? 'M' : 'F';
          let first = firstFor(rng, sex);
          while (first === p.firstName) first = firstFor(rng, sex);
          Object.assign(q, { firstName: first, sex, middleName: null, dob: randomDob(rng), phone: p.phone, postalCode: p.postalCode });
          break;
        }
        case 'new_jr_sr': {
          if (p.sex !== 'M') continue;
          const y = Number(p.dob.slice(0, 4)) + (rng.chance(0.5) ? 1 : -1) * (22 + rng.int(15));
          if (y > 2024 || y < 1920) continue;
          Object.assign(q, { dob: randomDob(rng, y, y) });
          break;
        }
        default: {
          const never: never = variation;
          throw new Error(String(never));
        }
      }
      if (existing.has(key(q.firstName, q.lastName, q.dob))) continue;
      out.push({ query: q, mrn: null, variation });
    }
  }
  return out;
}
