/** Ways documents write the same value (dates, phones, names), for the generator. */
import type { Rng } from './rng.ts';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export function fmtDate(iso: string, rng: Rng, kind: 'dob' | 'recent', today: Date): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const mm = String(m).padStart(2, '0');
  const dd = String(d).padStart(2, '0');
  const yy = String(y % 100).padStart(2, '0');
  const twoDigitOk = kind === 'recent' ? y >= 2000 : (2000 + (y % 100) > today.getUTCFullYear() ? 1900 : 2000) + (y % 100) === y;
  const forms = [
    `${mm}/${dd}/${y}`, `${m}/${d}/${y}`, `${mm}-${dd}-${y}`, `${y}-${mm}-${dd}`, `${MONTHS[m - 1]} ${d}, ${y}`,
    `${MONTHS[m - 1]!.slice(0, 3)} ${d}, ${y}`, `${d} ${MONTHS[m - 1]!.slice(0, 3)} ${y}`, `${mm}.${dd}.${y}`, `${mm}/${dd}/${y}`,
  ];
  if (twoDigitOk) forms.push(`${mm}/${dd}/${yy}`, `${m}/${d}/${yy}`);
  return rng.pick(forms);
}

export function fmtPhone(p: string, rng: Rng): string {
  const a = p.slice(0, 3);
  const b = p.slice(3, 6);
  const c = p.slice(6);
  return rng.pick([`(${a}) ${b}-${c}`, `${a}-${b}-${c}`, `${a}.${b}.${c}`, `(${a})${b}-${c}`, `${a} ${b} ${c}`, `1-${a}-${b}-${c}`]);
}

export interface NameParts {
  first: string;
  middle?: string;
  last: string;
}

/** Returns the written form and the truth parts in the written case. */
export function fmtPatientName(n: NameParts, rng: Rng): { text: string; truth: NameParts } {
  const upper = rng.chance(0.2);
  const c = (s: string) => (upper ? s.toUpperCase() : s);
  const mid = n.middle ? (rng.chance(0.7) ? n.middle[0]! : n.middle) : undefined;
  const midText = mid ? (mid.length === 1 ? (rng.chance(0.6) ? `${mid}.` : mid) : mid) : '';
  const truth: NameParts = { first: c(n.first), last: c(n.last) };
  if (mid) truth.middle = c(mid);
  const style = rng.int(0, 2);
  let text: string;
  if (style === 0) text = [c(n.first), c(midText), c(n.last)].filter(Boolean).join(' ');
  else text = `${c(n.last)}, ${[c(n.first), c(midText)].filter(Boolean).join(' ')}`;
  return { text, truth };
}

export function fmtProvider(first: string, last: string, cred: string, rng: Rng): { text: string; truth: string } {
  const upper = rng.chance(0.1);
  const c = (s: string) => (upper ? s.toUpperCase() : s);
  const truth = `${c(first)} ${c(last)}`;
  const style = rng.int(0, 3);
  if (style === 0) return { text: `Dr. ${c(first)} ${c(last)}`, truth };
  if (style === 1) return { text: `${c(first)} ${c(last)}, ${cred}`, truth };
  if (style === 2) return { text: `${c(last)}, ${c(first)} ${cred.split(',')[0]}`, truth };
  return { text: `${c(first)} ${c(last)}`, truth };
}
