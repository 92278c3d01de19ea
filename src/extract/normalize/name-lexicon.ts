/**
 * Known people's names, for one check on OCR'd names: a name that is no known name
 * while a look-alike reading of it is one ("Wel" for Wei, "lan" for Ian, "Jarnes" for
 * James, "Davld" for David) is most likely an OCR slip, which both readings of a line
 * can share. The list is @cspell/dict-people-names (about 39,000 given and family
 * names, MIT); a name it does not know is never doubted on that ground alone.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** OCR's look-alike letters in names, each way: l/i, I/l, rn/m, cl/d. */
const LOOK_ALIKES: ReadonlyArray<readonly [string, string]> = [
  ['l', 'i'], ['i', 'l'], ['I', 'l'], ['l', 'I'], ['rn', 'm'], ['m', 'rn'], ['cl', 'd'], ['d', 'cl'],
  ['L', 'I'], ['I', 'L'], ['RN', 'M'], ['M', 'RN'], ['CL', 'D'], ['D', 'CL'],
];

let known: ReadonlySet<string> | null = null;

function knownNames(): ReadonlySet<string> {
  if (known) return known;
  // The package exports only its cspell settings; the word list sits beside them.
  const settings = createRequire(import.meta.url).resolve('@cspell/dict-people-names');
  const text = readFileSync(path.join(path.dirname(settings), 'dict', 'people-names.txt'), 'utf8');
  known = new Set(text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0 && !l.startsWith('#')).map(capitalised));
  return known;
}

function capitalised(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1).toLowerCase();
}

/** Every reading of `name` with one look-alike swapped. */
function lookAlikeReadings(name: string): string[] {
  const out: string[] = [];
  for (const [from, to] of LOOK_ALIKES) {
    for (let i = name.indexOf(from); i >= 0; i = name.indexOf(from, i + 1)) out.push(name.slice(0, i) + to + name.slice(i + from.length));
  }
  return out;
}

/**
 * The known name (capitalised) one look-alike slip away from `name`, when `name` itself
 * is no known name (letters only, two or more); otherwise null.
 */
export function lookAlikeName(name: string): string | null {
  if (!/^[A-Za-z]{2,}$/.test(name)) return null;
  const names = knownNames();
  if (names.has(capitalised(name))) return null;
  const found = lookAlikeReadings(name).find((v) => names.has(capitalised(v)));
  return found === undefined ? null : capitalised(found);
}
