/**
 * Checks a model-reported value against the lines it cites and maps it back to
 * evidence boxes. A value is "supported" when its characters really are on the
 * cited lines (after OCR look-alike repair for digit fields); the matched words
 * give the bbox and the OCR confidence that feed the field's confidence. This is
 * what keeps a hallucinated or injected value from looking trustworthy.
 */
import type { FieldKey, FieldValue } from '../fields.ts';
import { unionBBox, type BBox, type LayoutWord } from '../layout.ts';
import { withinOneEdit } from '../normalize/edit-distance.ts';
import type { NumberedLine } from './prompt.ts';

export interface Evidence {
  /** Share of the value found on the cited lines, [0,1]. */
  support: number;
  /** Lowest recognition confidence among the matched words (mean of the cited lines when none matched). */
  ocrConfidence: number;
  page: number;
  bbox: BBox;
  /** How many cited numbers named a real line. */
  citedLines: number;
}

const DIGIT_FIELDS = new Set<FieldKey>([
  'patient.phone',
  'patient.address.postalCode',
  'patient.mrn',
  'insurance.memberId',
  'insurance.groupNumber',
  'referringProvider.npi',
  'referringProvider.phone',
  'referringProvider.fax',
]);
const DATE_FIELDS = new Set<FieldKey>(['patient.dob', 'referral.date']);

const MONTHS = [
  ['jan', 'january'], ['feb', 'february'], ['mar', 'march'], ['apr', 'april'], ['may'], ['jun', 'june'],
  ['jul', 'july'], ['aug', 'august'], ['sep', 'sept', 'september'], ['oct', 'october'], ['nov', 'november'],
  ['dec', 'december'],
];

const SEX_WORDS: Record<string, string[]> = {
  M: ['m', 'male', 'man'],
  F: ['f', 'female', 'woman'],
  X: ['x', 'nonbinary', 'non-binary', 'other'],
  U: ['u', 'unknown', 'undisclosed'],
};
const URGENCY_WORDS: Record<string, string[]> = {
  routine: ['routine', 'normal', 'standard', 'elective', 'non-urgent'],
  urgent: ['urgent', 'asap', 'expedite', 'expedited', 'priority', 'soon'],
  stat: ['stat', 'emergent', 'emergency', 'immediate', 'immediately'],
};

export function tokens(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter((t) => t !== '');
}

/** Letters confused with digits by OCR, folded both ways so either side may hold the slip. */
function squash(text: string): string {
  return text
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .replace(/[OQD]/g, '0')
    .replace(/[IL|]/g, '1')
    .replace(/S/g, '5')
    .replace(/B/g, '8')
    .replace(/Z/g, '2');
}


function tokenMatches(valueToken: string, wordToken: string): boolean {
  if (valueToken === wordToken) return true;
  return valueToken.length >= 5 && withinOneEdit(valueToken, wordToken);
}

interface Scored {
  support: number;
  /** Words of the cited lines that carry the value. */
  words: LayoutWord[];
}

function wordsWithTokens(lines: NumberedLine[], wanted: (token: string) => boolean): LayoutWord[] {
  const out: LayoutWord[] = [];
  for (const line of lines) for (const w of line.words) if (tokens(w.text).some(wanted)) out.push(w);
  return out;
}

function scoreTokens(valueTokens: string[], lines: NumberedLine[]): Scored {
  if (valueTokens.length === 0) return { support: 0, words: [] };
  const lineTokens = lines.flatMap((l) => tokens(l.text));
  const found = valueTokens.filter((v) => lineTokens.some((t) => tokenMatches(v, t)));
  const words = wordsWithTokens(lines, (t) => valueTokens.some((v) => tokenMatches(v, t)));
  return { support: found.length / valueTokens.length, words };
}

function scoreSquashed(raw: string, lines: NumberedLine[]): Scored {
  const want = squash(raw);
  if (want === '') return { support: 0, words: [] };
  for (const line of lines) {
    if (!squash(line.text).includes(want)) continue;
    // The words whose squashed text is part of the value carry it.
    const words = line.words.filter((w) => {
      const s = squash(w.text);
      return s !== '' && want.includes(s);
    });
    return { support: 1, words };
  }
  return { support: 0, words: [] };
}

function scoreDate(normalized: string, raw: string, lines: NumberedLine[]): Scored {
  const direct = scoreSquashed(raw, lines);
  if (direct.support === 1) return direct;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(normalized);
  if (!m) return { support: 0, words: [] };
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  const lineTokens = lines.flatMap((l) => tokens(l.text));
  const monthWords = [String(Number(mo)), mo, ...(MONTHS[Number(mo) - 1] ?? [])];
  const dayWords = [String(Number(d)), d, `${Number(d)}st`, `${Number(d)}nd`, `${Number(d)}rd`, `${Number(d)}th`];
  const yearOk = (t: string) => t === y || t === y.slice(2) || t.endsWith(y) || t.endsWith(y.slice(2));
  const parts = [
    lineTokens.some(yearOk),
    lineTokens.some((t) => monthWords.includes(t) || t.includes(`${mo}${d}`) || t.startsWith(mo)),
    lineTokens.some((t) => dayWords.includes(t) || t.includes(`${mo}${d}`)),
  ];
  const support = parts.filter(Boolean).length / 3;
  const words = wordsWithTokens(lines, (t) => yearOk(t) || monthWords.includes(t) || dayWords.includes(t));
  return { support, words };
}

function scoreWords(candidates: string[], lines: NumberedLine[]): Scored {
  const words = wordsWithTokens(lines, (t) => candidates.includes(t));
  return { support: words.length > 0 ? 1 : 0, words };
}

function asText(value: FieldValue): string {
  return Array.isArray(value) ? value.join(' ') : value;
}

function score(key: FieldKey, raw: FieldValue, normalized: FieldValue, lines: NumberedLine[]): Scored {
  if (key === 'referral.diagnosisCodes') {
    const codes = Array.isArray(normalized) ? normalized : [normalized];
    if (codes.length === 0) return { support: 0, words: [] };
    const each = codes.map((c) => scoreSquashed(c, lines));
    return {
      support: each.filter((s) => s.support === 1).length / codes.length,
      words: each.flatMap((s) => s.words),
    };
  }
  if (DIGIT_FIELDS.has(key)) {
    const direct = scoreSquashed(asText(raw), lines);
    return direct.support === 1 ? direct : scoreSquashed(asText(normalized), lines);
  }
  if (DATE_FIELDS.has(key)) return scoreDate(asText(normalized), asText(raw), lines);
  if (key === 'patient.sex') return scoreWords(SEX_WORDS[asText(normalized)] ?? [], lines);
  if (key === 'referral.urgency') return scoreWords(URGENCY_WORDS[asText(normalized)] ?? [], lines);
  if (key === 'patient.address.state') {
    const byCode = scoreWords([asText(normalized).toLowerCase()], lines);
    return byCode.support === 1 ? byCode : scoreTokens(tokens(asText(raw)), lines);
  }
  return scoreTokens(tokens(asText(raw)), lines);
}

function meanConfidence(lines: NumberedLine[]): number {
  const words = lines.flatMap((l) => l.words);
  if (words.length === 0) return 0;
  return words.reduce((s, w) => s + w.confidence, 0) / words.length;
}

/**
 * Evidence for a value from the numbers it cites. Unknown numbers are ignored;
 * with no real line cited, support is 0 and the bbox empty.
 */
export function evidenceFor(
  key: FieldKey,
  raw: FieldValue,
  normalized: FieldValue,
  cited: readonly number[],
  lines: readonly NumberedLine[],
): Evidence {
  const byNumber = new Map(lines.map((l) => [l.number, l]));
  const citedLines = [...new Set(cited)].map((n) => byNumber.get(n)).filter((l): l is NumberedLine => l !== undefined);
  if (citedLines.length === 0) return { support: 0, ocrConfidence: 0, page: 1, bbox: [0, 0, 0, 0], citedLines: 0 };
  const { support, words } = score(key, raw, normalized, citedLines);
  // Evidence stays on one page: the first cited line's.
  const page = citedLines[0]!.pageNumber;
  const onPage = citedLines.filter((l) => l.pageNumber === page);
  const pageWords = words.filter((w) => onPage.some((l) => l.words.includes(w)));
  const bbox = pageWords.length > 0 ? unionBBox(pageWords.map((w) => w.bbox)) : unionBBox(onPage.map((l) => l.bbox));
  const ocrConfidence =
    words.length > 0 ? Math.min(...words.map((w) => w.confidence)) : meanConfidence(citedLines);
  return { support, ocrConfidence, page, bbox, citedLines: citedLines.length };
}
