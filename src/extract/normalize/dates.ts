/**
 * Dates in the forms US referrals use: 3/14/1962, 03-14-62, 1962-03-14, 03.14.1962,
 * March 14, 1962, 14 Mar 1962, 14-MAR-1962, 03141962. Normal form YYYY-MM-DD.
 * Two-digit years: a date of birth takes the most recent past century; other
 * dates (referral written) take 20YY.
 */
import { fixDigits } from './ocr-digits.ts';

export type DateKind = 'dob' | 'recent';

export interface DateOptions {
  kind: DateKind;
  today?: Date;
}

const MONTHS: Record<string, number> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5,
  jun: 6, june: 6, jul: 7, july: 7, aug: 8, august: 8, sep: 9, sept: 9, september: 9,
  oct: 10, october: 10, nov: 11, november: 11, dec: 12, december: 12,
};

const MONTH_NAMES = Object.keys(MONTHS).sort((a, b) => b.length - a.length).join('|');

/** Regex sources that find a date inside a line (used by the extractors). */
export const DATE_PATTERNS: readonly RegExp[] = [
  /\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b/,
  /(?<![A-Za-z0-9])([0-9OlIZS]{1,2})\s?[/.-]\s?([0-9OlIZS]{1,2})\s?[/.-]\s?([0-9OlIZS]{4}|[0-9OlIZS]{2})\b/,
  new RegExp(String.raw`\b(${MONTH_NAMES})\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,\s*|\s+)(\d{4})\b`, 'i'),
  new RegExp(String.raw`\b(\d{1,2})(?:st|nd|rd|th)?[\s-]+(${MONTH_NAMES})\.?[\s-]+(\d{4}|\d{2})\b`, 'i'),
  /\b(\d{8})\b/,
];

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function validYmd(y: number, m: number, d: number): boolean {
  if (!Number.isInteger(y) || m < 1 || m > 12 || d < 1 || y < 1850 || y > 2200) return false;
  const dim = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= dim;
}

function expandYear(y: string, kind: DateKind, today: Date): number {
  if (y.length === 4) return Number(y);
  const yy = Number(y);
  const nowYear = today.getUTCFullYear();
  if (kind === 'recent') return 2000 + yy;
  return 2000 + yy > nowYear ? 1900 + yy : 2000 + yy;
}

function ymd(y: number, m: number, d: number): string | null {
  return validYmd(y, m, d) ? `${y}-${pad(m)}-${pad(d)}` : null;
}

/**
 * Finds the first date in `raw` and returns it in normal form, or null.
 * `index`/`length` say where it was found so callers can cut the rest away.
 */
export function findDate(raw: string, options: DateOptions): { value: string; index: number; length: number } | null {
  const today = options.today ?? new Date();
  let best: { value: string; index: number; length: number } | null = null;
  for (const [i, re] of DATE_PATTERNS.entries()) {
    const m = re.exec(raw);
    if (!m) continue;
    let value: string | null = null;
    if (i === 0) value = ymd(Number(m[1]), Number(m[2]), Number(m[3]));
    else if (i === 1) {
      const a = Number(fixDigits(m[1]!));
      const b = Number(fixDigits(m[2]!));
      const y = expandYear(fixDigits(m[3]!), options.kind, today);
      // US order first; day-first only when the first number cannot be a month.
      value = a > 12 && b <= 12 ? ymd(y, b, a) : ymd(y, a, b);
    } else if (i === 2) value = ymd(Number(m[3]), MONTHS[m[1]!.toLowerCase()]!, Number(m[2]));
    else if (i === 3) value = ymd(expandYear(m[3]!, options.kind, today), MONTHS[m[2]!.toLowerCase()]!, Number(m[1]));
    else {
      const s = m[1]!;
      value = ymd(Number(s.slice(4)), Number(s.slice(0, 2)), Number(s.slice(2, 4))) ??
        ymd(Number(s.slice(0, 4)), Number(s.slice(4, 6)), Number(s.slice(6)));
    }
    if (value && (!best || m.index < best.index)) best = { value, index: m.index, length: m[0].length };
  }
  return best;
}

/** The whole of `raw` as one date (surrounding punctuation allowed), or null. */
export function normalizeDate(raw: string, options: DateOptions): string | null {
  const found = findDate(raw.trim(), options);
  if (!found) return null;
  const rest = (raw.trim().slice(0, found.index) + raw.trim().slice(found.index + found.length)).replace(/[\s,.;:()]/g, '');
  return rest.length === 0 ? found.value : null;
}

/** Date of birth: not in the future and at most 120 years back. */
export function dobProblem(value: string, today: Date = new Date()): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'date must be YYYY-MM-DD';
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  if (!validYmd(y, m, d)) return 'not a calendar date';
  const t = Date.UTC(y, m - 1, d);
  if (t > today.getTime()) return 'date of birth is in the future';
  if (today.getUTCFullYear() - y > 120) return 'date of birth is implausibly old';
  return null;
}

/** A referral date: a calendar date within 20 years back and a month ahead. */
export function recentDateProblem(value: string, today: Date = new Date()): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'date must be YYYY-MM-DD';
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  if (!validYmd(y, m, d)) return 'not a calendar date';
  const t = Date.UTC(y, m - 1, d);
  if (t > today.getTime() + 31 * 86_400_000) return 'date is in the future';
  if (today.getUTCFullYear() - y > 20) return 'date is implausibly old';
  return null;
}
