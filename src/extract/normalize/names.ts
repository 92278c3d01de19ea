/**
 * Person names as referrals write them: "Doe, Jane A.", "Jane A. Doe", "DOE, JANE A",
 * "Ms. Jane Doe", "John Smith Jr.". Case is kept as written (the spec's normal form);
 * titles and generational suffixes are dropped, a middle initial loses its dot.
 * Provider names lose titles and credentials: "Dr. Sarah Montoya, MD" → "Sarah Montoya".
 */

export interface PersonName {
  first: string;
  middle?: string;
  last: string;
}

const PARTICLES = /^(van|von|de|del|della|der|den|da|di|du|la|le|st\.?|ten|ter|al|el|bin|ibn)$/i;
const TITLES = /^(?:mr|mrs|ms|miss|mx|dr|doctor|prof)\.?$/i;
const SUFFIXES = /^(?:jr|sr|ii|iii|iv|v)\.?$/i;
export const CREDENTIALS = new Set([
  'MD', 'DO', 'NP', 'PA', 'PA-C', 'FNP', 'FNP-C', 'FNP-BC', 'APRN', 'ANP', 'DNP', 'RN', 'PHD', 'DPM', 'DC',
  'OD', 'DDS', 'DMD', 'MBBS', 'FACP', 'FAAFP', 'FACC', 'FACS', 'FAAP', 'MPH', 'MS', 'MSN', 'CNM', 'PT', 'DPT',
  'LCSW', 'PSYD', 'AGNP', 'AGNP-C', 'CRNP', 'PNP', 'WHNP', 'NP-C', 'MBA', 'BSN', 'FAAN', 'FACOG', 'FACE',
]);

/** A word that can be part of a person's name (letters, apostrophes, hyphens). */
export const NAME_WORD = /^[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’-]*\.?$/;

function isCredential(word: string): boolean {
  return CREDENTIALS.has(word.replace(/[.,]/g, '').toUpperCase());
}

function clean(word: string): string {
  return word.replace(/^[("']+|[)"',;:]+$/g, '');
}

function splitWords(raw: string): string[] {
  return raw.split(/\s+/).map(clean).filter((w) => w.length > 0);
}

function finish(first: string[], last: string[]): PersonName | null {
  const firstName = first[0];
  const lastName = last.join(' ');
  if (!firstName || !lastName) return null;
  const middle = first.slice(1).join(' ').replace(/\.$/, '').replace(/\.(?=\s|$)/g, '');
  // A typographic apostrophe (O’Brien, D’Andre) is the same letter as the plain one.
  const plain = (s: string) => s.replace(/’/g, "'");
  const name: PersonName = { first: plain(firstName.replace(/\.$/, '')), last: plain(lastName.replace(/\.$/, '')) };
  if (middle) name.middle = plain(middle);
  const all = [name.first, name.last, ...(name.middle ? [name.middle] : [])];
  if (!all.every((w) => w.split(' ').every((p) => NAME_WORD.test(p)))) return null;
  return name;
}

/** Parses a patient name in either order; null when it does not look like one. */
export function parsePersonName(raw: string): PersonName | null {
  let text = raw.replace(/\s+/g, ' ').trim();
  if (!text) return null;
  // OCR reads the comma of "Walker, Lisa" as a period or a semicolon: a leading word of
  // two or more letters ending so is a family name, not a title, suffix or particle
  // ("Dr. Lisa Walker", "St. John"); nobody writes a first name with a stop after it.
  const stop = /^([A-Za-zÀ-ÖØ-öø-ÿ'’-]{2,})[.;] (?=\S)/.exec(text);
  if (stop && !text.includes(',') && !TITLES.test(stop[1]!) && !SUFFIXES.test(stop[1]!) && !PARTICLES.test(stop[1]!) && !isCredential(stop[1]!)) {
    text = `${stop[1]},${text.slice(stop[0].length - 1)}`;
  }
  const comma = text.indexOf(',');
  if (comma > 0) {
    const before = splitWords(text.slice(0, comma)).filter((w) => !TITLES.test(w));
    const after = splitWords(text.slice(comma + 1)).filter((w) => !TITLES.test(w) && !SUFFIXES.test(w) && !isCredential(w));
    // "Doe Jr, Jane" or "Doe, Jane A." (last name first); "Jane Doe, MD" is a credential, handled above.
    const lastWords = before.filter((w) => !SUFFIXES.test(w));
    if (after.length === 0) return parseNatural(lastWords);
    if (lastWords.length >= 1 && lastWords.length <= 2) return finish(after, lastWords);
    return null;
  }
  return parseNatural(splitWords(text));
}

/** A credential inside a name is written in capitals or with dots ("MD", "M.D."); "Do" and "Pa" are family names. */
function writtenAsCredential(word: string): boolean {
  return isCredential(word) && (word === word.toUpperCase() || word.includes('.'));
}

function parseNatural(wordsIn: string[]): PersonName | null {
  const words = wordsIn.filter((w) => !TITLES.test(w) && !SUFFIXES.test(w) && !writtenAsCredential(w));
  if (words.length < 2 || words.length > 5) return null;
  // Surname particles stay with the surname: "Michael Van Dyke", "Ana de la Cruz".
  let cut = words.length - 1;
  while (cut > 1 && PARTICLES.test(words[cut - 1]!)) cut--;
  if (words.length - cut > 3 || cut > 3) return null;
  return finish(words.slice(0, cut), words.slice(cut));
}

/** "Dr. Sarah L. Montoya, MD, FACP" → "Sarah Montoya" (middle initials dropped). */
export function normalizeProviderName(raw: string): string | null {
  // "Di. Elizabeth Okafor", "Or. ...": OCR's look-alikes of the title "Dr." before a first and last name.
  const text = raw.replace(/\s+/g, ' ').trim().replace(/^(D[il1]|[O0]r|Dt)\. (?=\S+ \S)/, '');
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  // Drop trailing credential groups: "Montoya, MD, FACP".
  while (parts.length > 1 && splitWords(parts[parts.length - 1]!).every(isCredential)) parts.pop();
  const name = parsePersonName(parts.join(', '));
  if (!name) return null;
  return `${name.first} ${name.last}`;
}
