/**
 * Builds DocumentLayouts with realistic geometry for the synthetic generator:
 * Letter pages (612×792 pt), words measured at about half the font size per
 * character, lines grouped into blocks, optional OCR-style noise.
 */
import type { BBox, DocumentLayout, LayoutBlock, LayoutLine, LayoutPage, LayoutWord } from '../../layout.ts';
import type { Rng } from './rng.ts';

export interface Noise {
  /** Probability a word is misread. */
  wordError: number;
  /** Word confidence range for clean words. */
  clean: [number, number];
}

export const NO_NOISE: Noise = { wordError: 0, clean: [1, 1] };

const DIGIT_SWAP: Record<string, string> = { '0': 'O', '1': 'l', '5': 'S', '8': 'B', '2': 'Z' };
/** Digit-for-digit slips real OCR makes with high confidence (4→1, 9→0, 3↔8 ...). */
const DIGIT_DIGIT: Record<string, string> = { '4': '1', '9': '0', '3': '8', '8': '3', '1': '7', '7': '1', '6': '5', '5': '6', '0': '8' };
const LETTER_SWAP: Record<string, string> = { l: '1', O: '0', o: 'c', e: 'c', m: 'rn', i: 'l', a: 'o', n: 'h', rn: 'm', h: 'b', u: 'v', c: 'e' };

function corrupt(text: string, rng: Rng): string {
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
    const words: LayoutWord[] = [];
    let cx = x;
    const parts = text.split(/\s+/).filter(Boolean);
    for (let i = 0; i < parts.length; i++) {
      let t = parts[i]!;
      let conf = this.rng.float(this.noise.clean[0], this.noise.clean[1]);
      // OCR reads checkbox glyphs as whatever they look like.
      if (this.noise.wordError > 0 && /^(☒|☐|\[X\]|\(X\)|\[|\])$/.test(t)) {
        t = /☒|X/.test(t) ? this.rng.pick(['X', '[X]', '&', 'M', 'Bd', '(X)']) : this.rng.pick(['O', '[]', 'C', '0', '[ ]', 'o']);
        conf = this.rng.float(0.3, 0.7);
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
    return { pageNumber: this.pageNumber, width: this.width, height: this.height, source: this.blocks.length ? source : 'blank', blocks: this.blocks };
  }
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

export function makeLayout(pages: LayoutPage[], format: DocumentLayout['format']): DocumentLayout {
  return { format, pages, decodeMs: 0 };
}
