/**
 * Builds DocumentLayouts with realistic geometry for the synthetic generator:
 * Letter pages (612×792 pt), words measured at about half the font size per
 * character, lines grouped into blocks, optional OCR-style noise.
 */
import { buildBlocks } from '../../decode/layout-builder.ts';
import type { BBox, DocumentLayout, LayoutBlock, LayoutLine, LayoutPage, LayoutWord } from '../../layout.ts';
import { Rng } from './rng.ts';

export interface Noise {
  /** Probability a word is misread. */
  wordError: number;
  /** Word confidence range for clean words. */
  clean: [number, number];
  /** Page-level degradations of scans, faxes and photos (see degradePage); none when absent. */
  degrade?: Degrade;
}

/**
 * What real OCR of an image page does beyond misreading single words, applied
 * when the page is built; the words are then regrouped into lines and blocks by
 * the decoder's own layout builder, as a decoded image page is.
 */
export interface Degrade {
  /** Chance a word of 6+ letters comes out split in two ("Hyperparathyroidism" -> "Hyperpara thyroidism"). */
  split: number;
  /** Chance a word ending in ":" is glued to the word after it ("Code(s):M70.61"). */
  glue: number;
  /** At most this many stray low-confidence marks (speckle, rules, the page edge) per page. */
  marks: number;
  /** Largest residual tilt of the baselines, in points of drift per 100 points across. */
  tilt: number;
  /** Largest vertical jitter of a single word's box, in points. */
  jitter: number;
  /** Share of whole checkboxes the decoder reads from the image as "☒"/"☐" (the rest come out as OCR's glyphs). */
  boxesRead: number;
}

/** A fixed pseudo-random number in [0, 1) for a position (keeps the generator's seeded stream unchanged). */
function spot(x: number, y: number): number {
  let h = Math.imul(Math.round(x * 7) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(Math.round(y * 13), 0xc2b2ae35);
  h ^= h >>> 15;
  h = Math.imul(h, 0x27d4eb2d);
  h ^= h >>> 13;
  return (h >>> 0) / 4294967296;
}

export const NO_NOISE: Noise = { wordError: 0, clean: [1, 1] };

const DIGIT_SWAP: Record<string, string> = { '0': 'O', '1': 'l', '5': 'S', '8': 'B', '2': 'Z' };
/** Digit-for-digit slips real OCR makes with high confidence (4→1, 9→0, 3↔8 ...). */
const DIGIT_DIGIT: Record<string, string> = { '4': '1', '9': '0', '3': '8', '8': '3', '1': '7', '7': '1', '6': '5', '5': '6', '0': '8' };
const LETTER_SWAP: Record<string, string> = { l: '1', I: '1', O: '0', o: 'c', e: 'c', m: 'rn', i: 'l', a: 'o', n: 'h', rn: 'm', h: 'b', u: 'v', c: 'e' };

/** What OCR makes of a code's category letter ("S83.241A" -> "$83.241A", "Z47.1" -> "247.1", "I73.9" -> "173.9"). */
const CODE_LETTER: Record<string, string[]> = { S: ['5', '$'], Z: ['2', '7'], I: ['1', 'l'], B: ['8'], G: ['6'], O: ['0'] };

function corrupt(text: string, rng: Rng): string {
  // ICD-10 codes: the category letter read as a look-alike, or the dot lost ("F41.1" -> "F411").
  const code = /^([(]?)([A-Z])(\d[0-9A-Z])\.([0-9A-Z]{1,4})([,;)]*)$/.exec(text);
  if (code && rng.chance(0.6)) {
    const [, open, letter, mid, sub, close] = code;
    const alt = CODE_LETTER[letter!];
    return alt && rng.chance(0.6) ? `${open}${rng.pick(alt)}${mid}.${sub}${close}` : `${open}${letter}${mid}${sub}${close}`;
  }
  const chars = [...text];
  const idx = rng.int(0, chars.length - 1);
  const ch = chars[idx]!;
  const r = rng.next();
  if (DIGIT_DIGIT[ch] && r < 0.3) chars[idx] = DIGIT_DIGIT[ch]!;
  else if (DIGIT_SWAP[ch] && r < 0.7) chars[idx] = DIGIT_SWAP[ch]!;
  else if (LETTER_SWAP[ch] && r < 0.6) chars[idx] = LETTER_SWAP[ch]!;
  else if (chars.length > 3 && r < 0.85) chars.splice(idx, 1);
  else chars[idx] = ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase();
  return chars.join('');
}

export class PageBuilder {
  readonly blocks: LayoutBlock[] = [];
  private current: LayoutLine[] = [];
  constructor(
    readonly pageNumber: number,
    private readonly rng: Rng,
    private readonly noise: Noise,
    readonly width = 612,
    readonly height = 792,
  ) {}

  /** Places text at (x, y = top of the line); returns the right edge. */
  text(x: number, y: number, text: string, size = 10): number {
    // A tab separates cells of one row (checkbox options spread across the page).
    if (text.includes('\t')) {
      let cx = x;
      for (const cell of text.split('\t')) cx = (cell.trim() ? this.text(cx, y, cell, size) : cx) + size * 4;
      return cx - size * 4;
    }
    const words: LayoutWord[] = [];
    let cx = x;
    const parts = text.split(/\s+/).filter(Boolean);
    for (let i = 0; i < parts.length; i++) {
      let t = parts[i]!;
      let conf = this.rng.float(this.noise.clean[0], this.noise.clean[1]);
      // OCR reads checkbox glyphs as whatever they look like.
      if (this.noise.wordError > 0 && /^(☒|☐|\[X\]|\(X\)|\[|\])$/.test(t)) {
        const glyph = t;
        t = /☒|X/.test(t) ? this.rng.pick(['X', '[X]', '&', 'M', 'Bd', '(X)']) : this.rng.pick(['O', '[]', 'C', '0', '[ ]', 'o']);
        conf = this.rng.float(0.3, 0.7);
        // The decoder reads most whole boxes from the image itself (decode/checkboxes.ts) as "☒"/"☐".
        if (this.noise.degrade && /^(☒|☐|\[X\]|\(X\))$/.test(glyph) && spot(cx, y) < this.noise.degrade.boxesRead) {
          t = /☒|X/.test(glyph) ? '☒' : '☐';
          conf = 0.9;
        }
      }
      if (this.noise.wordError > 0 && this.rng.next() < this.noise.wordError) {
        t = corrupt(t, this.rng);
        // Misreads usually, not always, come with a lower confidence; some are read
        // as confidently as clean words (seen with Tesseract on real faxes).
        const r = this.rng.next();
        conf = r < 0.65 ? this.rng.float(0.3, 0.75) : r < 0.85 ? this.rng.float(0.8, 0.93) : this.rng.float(this.noise.clean[0], this.noise.clean[1]);
      }
      // Occasionally OCR runs two words together.
      if (this.noise.wordError > 0 && i + 1 < parts.length && this.rng.next() < this.noise.wordError * 0.15) {
        t = `${t}${parts[++i]!}`;
        conf = Math.min(conf, this.rng.float(0.5, 0.85));
      }
      const w = t.length * size * 0.5;
      const bbox: BBox = [round(cx), round(y), round(cx + w), round(y + size * 1.15)];
      words.push({ text: t, bbox, confidence: round(conf) });
      cx += w + size * 0.3;
    }
    if (words.length) {
      this.current.push({ text: words.map((w) => w.text).join(' '), bbox: union(words.map((w) => w.bbox)), words });
    }
    return cx;
  }

  /** Several pieces on one visual line become separate lines at their x (as OCR often reports). */
  row(y: number, pieces: Array<[number, string]>, size = 10): void {
    for (const [x, t] of pieces) this.text(x, y, t, size);
  }

  endBlock(): void {
    if (this.current.length) {
      this.blocks.push({ bbox: union(this.current.map((l) => l.bbox)), lines: this.current });
      this.current = [];
    }
  }

  build(source: LayoutPage['source']): LayoutPage {
    this.endBlock();
    const blocks = this.noise.degrade && this.blocks.length ? degradePage(this.blocks, this.noise.degrade, this.pageNumber, this.width, this.height) : this.blocks;
    return { pageNumber: this.pageNumber, width: this.width, height: this.height, source: blocks.length ? source : 'blank', blocks };
  }
}

const MARKS = ['i', 'l', 'oo', 'Co', 'E', 'ee', '[J', 'a', 'RE', '1'];

/**
 * The page's words with OCR's page-level slips (split and glued words, stray
 * marks, tilted and jittery baselines), regrouped by the decoder's layout
 * builder. Seeded from the page's own text, so the generator's main stream (and
 * every other document of a seeded set) is unchanged by it.
 */
export function degradePage(blocks: LayoutBlock[], d: Degrade, pageNumber: number, width: number, height: number): LayoutBlock[] {
  const lines = blocks.flatMap((b) => b.lines);
  let seed = 2166136261 ^ pageNumber;
  for (const l of lines) for (let i = 0; i < l.text.length; i++) seed = Math.imul(seed ^ l.text.charCodeAt(i), 16777619);
  const rng = new Rng(seed);
  const tilt = rng.float(-d.tilt, d.tilt) / 100;
  const words: LayoutWord[] = [];
  for (const line of lines) {
    const ws = line.words;
    for (let i = 0; i < ws.length; i++) {
      let w = ws[i]!;
      const next = ws[i + 1];
      if (next && /:$/.test(w.text) && rng.chance(d.glue)) {
        w = { text: `${w.text}${next.text}`, bbox: [w.bbox[0], Math.min(w.bbox[1], next.bbox[1]), next.bbox[2], Math.max(w.bbox[3], next.bbox[3])], confidence: Math.min(w.confidence, next.confidence) };
        i++;
      }
      const dy = (w.bbox[0] + w.bbox[2] - width) * 0.5 * tilt + rng.float(-d.jitter, d.jitter);
      const box: BBox = [w.bbox[0], round(w.bbox[1] + dy), w.bbox[2], round(w.bbox[3] + dy)];
      if (/^\p{L}{6,}$/u.test(w.text) && rng.chance(d.split)) {
        const cut = rng.int(3, w.text.length - 3);
        const xCut = box[0] + ((box[2] - box[0]) * cut) / w.text.length;
        words.push({ text: w.text.slice(0, cut), bbox: [box[0], box[1], round(xCut - 1), box[3]], confidence: w.confidence });
        words.push({ text: w.text.slice(cut), bbox: [round(xCut + 1), box[1], box[2], box[3]], confidence: w.confidence });
      } else {
        words.push({ ...w, bbox: box });
      }
    }
  }
  const lineHeight = words.length ? words.map((w) => w.bbox[3] - w.bbox[1]).sort((a, b) => a - b)[words.length >> 1]! : 10;
  for (let n = rng.int(0, d.marks); n > 0; n--) {
    const t = rng.pick(MARKS);
    const x = rng.chance(0.5) ? rng.pick([rng.float(8, 40), rng.float(width - 40, width - 12)]) : rng.float(40, width - 60);
    const y = rng.float(20, height - 30);
    const h = lineHeight * rng.float(0.5, 1.2);
    words.push({ text: t, bbox: [round(x), round(y), round(x + t.length * h * 0.5), round(y + h)], confidence: round(rng.float(0, 0.45)) });
  }
  return buildBlocks(words);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function union(boxes: BBox[]): BBox {
  return [
    Math.min(...boxes.map((b) => b[0])), Math.min(...boxes.map((b) => b[1])),
    Math.max(...boxes.map((b) => b[2])), Math.max(...boxes.map((b) => b[3])),
  ];
}

/**
 * Gives every word of the pages a second OCR reading (LayoutWord.reread): by default the
 * word as first read, as when both readings agree.
 */
export function readTwice(pages: LayoutPage | readonly LayoutPage[], second: (text: string) => string = (t) => t): void {
  for (const p of Array.isArray(pages) ? pages : [pages]) for (const b of p.blocks) for (const l of b.lines) for (const w of l.words) w.reread = second(w.text);
}

export function makeLayout(pages: LayoutPage[], format: DocumentLayout['format']): DocumentLayout {
  return { format, pages, decodeMs: 0 };
}

/** Text placed on a page by hand (tests): x, y (top of the line, points), the text, its size (10 by default). */
export type Piece = [x: number, y: number, text: string, size?: number];

/**
 * A noise-free page of hand-placed pieces. With `source: 'ocr'` and `ocrConfidence`,
 * every word carries that confidence, as an OCR engine would report it.
 */
export function piecesPage(
  pageNumber: number,
  pieces: readonly Piece[],
  options: { source?: LayoutPage['source']; ocrConfidence?: number; width?: number; height?: number } = {},
): LayoutPage {
  const source = options.source ?? 'text';
  const p = new PageBuilder(pageNumber, new Rng(1), NO_NOISE, options.width, options.height);
  for (const [x, y, t, size] of pieces) p.text(x, y, t, size ?? 10);
  const page = p.build(source);
  const conf = options.ocrConfidence;
  if (source === 'ocr' && conf !== undefined) for (const b of page.blocks) for (const l of b.lines) for (const w of l.words) w.confidence = conf;
  return page;
}
