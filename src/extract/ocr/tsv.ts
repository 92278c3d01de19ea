/**
 * Parses tesseract's TSV output (level, page, block, par, line, word, left, top,
 * width, height, conf, text) into words; level 5 rows are words.
 */
import type { OcrWord } from './types.ts';

/** The word rows of the output with their page number (1-based; one per input image). */
function* wordRows(tsv: string): Generator<{ page: number; word: OcrWord }> {
  for (const row of tsv.split('\n')) {
    const cols = row.split('\t');
    if (cols.length < 12 || cols[0] !== '5') continue;
    const text = cols.slice(11).join('\t').trim();
    if (text === '') continue;
    const [left, top, width, height, conf] = cols.slice(6, 11).map(Number) as [number, number, number, number, number];
    if (![left, top, width, height, conf].every(Number.isFinite)) continue;
    yield { page: Number(cols[1]), word: { text, bbox: [left, top, left + width, top + height], confidence: Math.min(1, Math.max(0, conf / 100)) } };
  }
}

export function parseTesseractTsv(tsv: string): OcrWord[] {
  return [...wordRows(tsv)].map((r) => r.word);
}

/** Words per page (TSV page_num, 1-based) when tesseract read several images in one run. */
export function parseTesseractTsvPages(tsv: string): Map<number, OcrWord[]> {
  const out = new Map<number, OcrWord[]>();
  for (const { page, word } of wordRows(tsv)) {
    if (!Number.isInteger(page)) continue;
    const list = out.get(page) ?? [];
    list.push(word);
    out.set(page, list);
  }
  return out;
}
