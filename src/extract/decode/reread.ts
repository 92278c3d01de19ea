/**
 * A second reading of OCR'd lines. Each line of a recognised page is cut out of
 * the page image, scaled up twice and recognised again as a single line; every
 * word of the first reading then carries what the second reading saw in its
 * place (`LayoutWord.reread`). A confident slip of the first reading (a 9 read as
 * 3 inside a phone number) is often not repeated by a reading at another scale
 * and segmentation, so the extractor trusts an OCR'd value more when both
 * readings agree and holds it for a person when they do not.
 */
import sharp from 'sharp';
import type { BBox, LayoutPage } from '../layout.ts';
import type { OcrEngine, OcrImage, OcrWord } from '../ocr/types.ts';

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
  const lines = page.blocks.flatMap((b) => b.lines).filter((l) => READABLE.test(l.text));
  const stats: RereadStats = { lines: lines.length, words: 0, disagreements: 0 };
  const crops = await Promise.all(lines.map((line) => cutLine(image, toPixels(line.bbox, scale))));
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
      const mapped = (results[i]?.words ?? []).map((w) => ({
        ...w,
        bbox: [w.bbox[0] / REREAD_SCALE + crop.x0, w.bbox[1] / REREAD_SCALE + crop.y0, w.bbox[2] / REREAD_SCALE + crop.x0, w.bbox[3] / REREAD_SCALE + crop.y0] as OcrWord['bbox'],
      }));
      for (const word of line.words) {
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

/** The line with a margin of white around it (half its height), scaled up, as an OCR image. */
async function cutLine(image: OcrImage, px: BBox): Promise<{ image: OcrImage; x0: number; y0: number } | null> {
  const h = px[3] - px[1];
  const x0 = Math.max(0, Math.floor(px[0] - h));
  const y0 = Math.max(0, Math.floor(px[1] - h / 2));
  const x1 = Math.min(image.width, Math.ceil(px[2] + h));
  const y1 = Math.min(image.height, Math.ceil(px[3] + h / 2));
  if (x1 - x0 < 2 || y1 - y0 < 2) return null;
  const { data, info } = await sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: 1 },
  })
    .extract({ left: x0, top: y0, width: x1 - x0, height: y1 - y0 })
    .resize((x1 - x0) * REREAD_SCALE, (y1 - y0) * REREAD_SCALE, { kernel: 'cubic' })
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { image: { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), dpi: image.dpi * REREAD_SCALE }, x0, y0 };
}
