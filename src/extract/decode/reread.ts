/**
 * A second reading of OCR'd lines. Each line of a recognised page is cut out of
 * the page image onto white, scaled up twice (lines taller than the page's body text
 * less) and recognised again as a single line; every
 * word of the first reading then carries what the second reading saw in its
 * place (`LayoutWord.reread`). A confident slip of the first reading (a 9 read as
 * 3 inside a phone number) is often not repeated by a reading at another scale
 * and segmentation, so the extractor trusts an OCR'd value more when both
 * readings agree and holds it for a person when they do not.
 */
import sharp from 'sharp';
import type { BBox, LayoutPage } from '../layout.ts';
import type { OcrEngine, OcrImage, OcrWord } from '../ocr/types.ts';
import { median } from './median.ts';

/** Upscale of the cut-out line: the slip-catching reading in the probe was at 2x. */
export const REREAD_SCALE = 2;

export interface RereadStats {
  lines: number;
  words: number;
  disagreements: number;
}

/** Letters or digits: a line of rules and speckle is not worth a second reading. */
const READABLE = /[\p{L}\p{N}]/u;

/**
 * Re-reads the lines of an OCR'd page and sets `reread` on each of their words.
 * `scaleX`/`scaleY` map image pixels to the page's points (as from prepareForOcr).
 * The lines are shared out between the engine's slots, each slot reading its share as one batch.
 */
export async function rereadPage(
  page: LayoutPage,
  image: OcrImage,
  scale: { scaleX: number; scaleY: number },
  ocr: OcrEngine,
  options: { timeoutMs?: number } = {},
): Promise<RereadStats> {
  const lines = page.blocks.flatMap((b) => b.lines).filter((l) => READABLE.test(l.text) && l.words.some((w) => !w.recovered));
  const stats: RereadStats = { lines: lines.length, words: 0, disagreements: 0 };
  const bodyHeight = median(lines.map((l) => (l.bbox[3] - l.bbox[1]) / scale.scaleY));
  const crops = await Promise.all(lines.map((line) => cutLine(image, toPixels(line.bbox, scale), bodyHeight)));
  const todo = lines.flatMap((line, i) => (crops[i] ? [{ line, crop: crops[i] }] : []));
  // One batch per engine slot, so every worker (or native process) reads its share.
  const slots = Math.max(1, Math.min(ocr.concurrency, todo.length));
  const batches = Array.from({ length: slots }, (_, k) => todo.filter((_, i) => i % slots === k));
  const timeout = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
  await Promise.all(batches.map(async (batch) => {
    if (batch.length === 0) return;
    const results = ocr.recognizeLines
      ? await ocr.recognizeLines(batch.map((b) => b.crop.image), timeout)
      : await sequential(batch.map((b) => () => ocr.recognize(b.crop.image, { layout: 'line', ...timeout })));
    batch.forEach(({ line, crop }, i) => {
      const k = crop.scale;
      const mapped = (results[i]?.words ?? []).map((w) => ({
        ...w,
        bbox: [w.bbox[0] / k + crop.x0, w.bbox[1] / k + crop.y0, w.bbox[2] / k + crop.x0, w.bbox[3] / k + crop.y0] as OcrWord['bbox'],
      }));
      for (const word of line.words) {
        // A recovered word is read once only: a second reading of the same cut-out would not be a second opinion.
        if (word.recovered) continue;
        word.reread = textInside(mapped, toPixels(word.bbox, scale));
        stats.words += 1;
        if (word.reread !== word.text) stats.disagreements += 1;
      }
    });
  }));
  return stats;
}

async function sequential<T>(jobs: Array<() => Promise<T>>): Promise<T[]> {
  const out: T[] = [];
  for (const job of jobs) out.push(await job());
  return out;
}

function toPixels(b: BBox, scale: { scaleX: number; scaleY: number }): BBox {
  return [b[0] / scale.scaleX, b[1] / scale.scaleY, b[2] / scale.scaleX, b[3] / scale.scaleY];
}

/** The words of the second reading whose centres fall inside this word's box, joined. */
export function textInside(words: readonly OcrWord[], box: BBox): string {
  const inside = words.filter((w) => {
    const cx = (w.bbox[0] + w.bbox[2]) / 2;
    const cy = (w.bbox[1] + w.bbox[3]) / 2;
    return cx >= box[0] && cx <= box[2] && cy >= box[1] - (box[3] - box[1]) && cy <= box[3] + (box[3] - box[1]);
  });
  return inside.sort((a, b) => a.bbox[0] - b.bbox[0]).map((w) => w.text).join('');
}


/** What of the line's surroundings the cut keeps, in line heights: a glyph's edge, not a neighbour's cell border. */
export const REREAD_PAD = 0.3;

/**
 * The line cut out, scaled, on a margin of white (a line height left and right, half a
 * height above and below). Only the line's box and REREAD_PAD around it keep their pixels:
 * a cell border or the next column's text in the margin is read as part of the line ("1"
 * before a number). Body text is scaled REREAD_SCALE; a line taller than the page's body
 * text (a letterhead, a title) less, down to half, so every line reaches the engine at
 * about the same height: letterhead lines scaled 2x read differently four times in five.
 */
export async function cutLine(image: OcrImage, px: BBox, bodyHeight: number): Promise<{ image: OcrImage; x0: number; y0: number; scale: number } | null> {
  const h = px[3] - px[1];
  const x0 = Math.max(0, Math.floor(px[0] - h));
  const y0 = Math.max(0, Math.floor(px[1] - h / 2));
  const x1 = Math.min(image.width, Math.ceil(px[2] + h));
  const y1 = Math.min(image.height, Math.ceil(px[3] + h / 2));
  if (x1 - x0 < 2 || y1 - y0 < 2) return null;
  const w = x1 - x0;
  const cut = new Uint8Array(w * (y1 - y0)).fill(255);
  const pad = REREAD_PAD * h;
  const ix0 = Math.max(x0, Math.floor(px[0] - pad));
  const ix1 = Math.min(x1, Math.ceil(px[2] + pad));
  const iy0 = Math.max(y0, Math.floor(px[1] - pad));
  const iy1 = Math.min(y1, Math.ceil(px[3] + pad));
  for (let y = iy0; y < iy1; y++) cut.set(image.data.subarray(y * image.width + ix0, y * image.width + ix1), (y - y0) * w + (ix0 - x0));
  const scale = h > 0 && bodyHeight > 0 ? Math.min(REREAD_SCALE, Math.max(REREAD_SCALE / 4, (REREAD_SCALE * bodyHeight) / h)) : REREAD_SCALE;
  const { data, info } = await sharp(Buffer.from(cut.buffer, cut.byteOffset, cut.byteLength), { raw: { width: w, height: y1 - y0, channels: 1 } })
    .resize(Math.max(1, Math.round(w * scale)), Math.max(1, Math.round((y1 - y0) * scale)), { kernel: 'cubic' })
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { image: { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), dpi: image.dpi * scale }, x0, y0, scale: info.width / w };
}
