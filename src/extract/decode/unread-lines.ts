/**
 * Lines the page reading missed. Tesseract's layout analysis now and then drops a
 * whole line ("Dx ...... L20.9" beside leader dots, a caption and its value under a
 * photo's shadow): no word covers its ink, so the extractor never learns the field
 * was there. This finds runs of glyph-sized ink that no recognised word covers and
 * reads each once more as a single line. Their words are marked `recovered`: read
 * once, alone, they are never trusted like the page's own words (the extractor
 * holds what it reads from them for a person).
 */
import type { BBox } from '../layout.ts';
import type { OcrEngine, OcrImage, OcrWord } from '../ocr/types.ts';
import { inkComponents } from './components.ts';
import { cutLine } from './reread.ts';

/** A box with exclusive ends (x1, y1) and its ink pixels. */
interface Blob {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  pixels: number;
}

/** Ink: darker than this on the prepared page. */
const INK = 128;
/** At most this many lines a page are read again (a photo's clutter must not cost minutes). */
export const MAX_UNREAD_LINES = 12;

/**
 * Boxes (pixels of `image`) of text lines no word of `words` covers: three or more
 * glyph-sized blobs (a third to one and a half body-text heights tall, at most two and a
 * half wide) in a row, each within a text height of the next. Specks, leader dots,
 * rules, a photo's background and a signature's long strokes are not glyph-sized;
 * a lone mark or two (a box, an initial) is no line.
 */
export function findUnreadLines(image: OcrImage, words: readonly OcrWord[], textHeight: number): BBox[] {
  if (textHeight <= 0) return [];
  const { width, height } = image;
  const covered = new Uint8Array(width * height);
  const padX = Math.round(0.3 * textHeight);
  const padY = Math.round(0.25 * textHeight);
  for (const w of words) {
    const x0 = Math.max(0, Math.floor(w.bbox[0]) - padX);
    const x1 = Math.min(width, Math.ceil(w.bbox[2]) + padX);
    const y0 = Math.max(0, Math.floor(w.bbox[1]) - padY);
    const y1 = Math.min(height, Math.ceil(w.bbox[3]) + padY);
    for (let y = y0; y < y1; y++) covered.fill(1, y * width + x0, y * width + x1);
  }
  // Boxes with exclusive ends from here on.
  const glyphs: Blob[] = inkComponents(image, (i) => image.data[i]! < INK && !covered[i], 8)
    .map((c) => ({ x0: c.x0, y0: c.y0, x1: c.x1 + 1, y1: c.y1 + 1, pixels: c.pixels }))
    .filter((b) => {
      const h = b.y1 - b.y0;
      const w = b.x1 - b.x0;
      return h >= 0.35 * textHeight && h <= 1.5 * textHeight && w <= 2.5 * textHeight && b.pixels >= 6 && b.pixels < 0.9 * w * h;
    });
  glyphs.sort((a, b) => a.x0 - b.x0);
  // Glyphs in a row: sharing half the shorter one's height, the gap under a text height.
  const lines: Array<Blob & { glyphs: number }> = [];
  for (const g of glyphs) {
    const gh = g.y1 - g.y0;
    const line = lines.find((l) => {
      const dy = Math.min(l.y1, g.y1) - Math.max(l.y0, g.y0);
      return dy >= 0.5 * Math.min(gh, l.y1 - l.y0) && g.x0 - l.x1 <= textHeight && l.y1 - l.y0 <= 2 * textHeight;
    });
    if (line) {
      line.x1 = Math.max(line.x1, g.x1);
      line.y0 = Math.min(line.y0, g.y0);
      line.y1 = Math.max(line.y1, g.y1);
      line.glyphs += 1;
      line.pixels += g.pixels;
    } else lines.push({ ...g, glyphs: 1 });
  }
  return lines
    .filter((l) => l.glyphs >= 3 && l.y1 - l.y0 <= 1.8 * textHeight)
    .sort((a, b) => b.glyphs - a.glyphs)
    .slice(0, MAX_UNREAD_LINES)
    .sort((a, b) => a.y0 - b.y0 || a.x0 - b.x0)
    .map((l): BBox => [l.x0, l.y0, l.x1, l.y1]);
}

/**
 * Reads the lines `findUnreadLines` finds, each cut out and read as a single line.
 * Words are returned in `image` pixels, marked `recovered`; a reading with no word OCR
 * was at least half sure of, or none with a letter or digit, is dropped (a stamp or
 * scribble read as noise).
 */
export async function readUnreadLines(
  image: OcrImage,
  words: readonly OcrWord[],
  textHeight: number,
  ocr: OcrEngine,
  options: { timeoutMs?: number } = {},
): Promise<Array<OcrWord & { recovered: true }>> {
  const boxes = findUnreadLines(image, words, textHeight);
  if (boxes.length === 0) return [];
  const crops = (await Promise.all(boxes.map((b) => cutLine(image, b, textHeight)))).filter((c) => c !== null);
  const timeout = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
  const results = ocr.recognizeLines
    ? await ocr.recognizeLines(crops.map((c) => c.image), timeout)
    : await Promise.all(crops.map((c) => ocr.recognize(c.image, { layout: 'line', ...timeout })));
  const out: Array<OcrWord & { recovered: true }> = [];
  crops.forEach((crop, i) => {
    const read = (results[i]?.words ?? []).filter((w) => w.text.trim().length > 0);
    if (!read.some((w) => /[\p{L}\p{N}]/u.test(w.text) && w.confidence >= 0.5)) return;
    const k = crop.scale;
    for (const w of read) {
      if (!/[\p{L}\p{N}]/u.test(w.text) && w.confidence < 0.5) continue;
      out.push({
        text: w.text,
        bbox: [w.bbox[0] / k + crop.x0, w.bbox[1] / k + crop.y0, w.bbox[2] / k + crop.x0, w.bbox[3] / k + crop.y0],
        confidence: w.confidence,
        recovered: true,
      });
    }
  });
  return out;
}
