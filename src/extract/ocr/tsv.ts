/**
 * Parses tesseract's TSV output (level, page, block, par, line, word, left, top,
 * width, height, conf, text) into words; level 5 rows are words.
 */
import type { OcrWord } from './types.ts';

export function parseTesseractTsv(tsv: string): OcrWord[] {
  const out: OcrWord[] = [];
  for (const row of tsv.split('\n')) {
    const cols = row.split('\t');
    if (cols.length < 12 || cols[0] !== '5') continue;
    const text = cols.slice(11).join('\t').trim();
    if (text === '') continue;
    const [left, top, width, height, conf] = cols.slice(6, 11).map(Number) as [number, number, number, number, number];
    if (![left, top, width, height, conf].every(Number.isFinite)) continue;
    out.push({ text, bbox: [left, top, left + width, top + height], confidence: Math.min(1, Math.max(0, conf / 100)) });
  }
  return out;
}

/** Words per page (TSV page_num, 1-based) when tesseract read several images in one run. */
export function parseTesseractTsvPages(tsv: string): Map<number, OcrWord[]> {
  const out = new Map<number, OcrWord[]>();
  for (const row of tsv.split('\n')) {
    const cols = row.split('\t');
    if (cols.length < 12 || cols[0] !== '5') continue;
    const page = Number(cols[1]);
    const [word] = parseTesseractTsv(row);
    if (!word || !Number.isInteger(page)) continue;
    const list = out.get(page) ?? [];
    list.push(word);
    out.set(page, list);
  }
  return out;
}
