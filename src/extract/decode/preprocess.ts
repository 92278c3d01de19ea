/**
 * Cleanup of page rasters before the shared OCR preparation (raster.ts), for the
 * two kinds of input that lose the most words:
 * - scans and faxes carry salt-and-pepper speckle (isolated dots of one to a few
 *   pixels, on bilevel and gray pages alike). Tesseract reads clusters of dots as
 *   words ("oo", "Co", "EEE"), which bridge the gap between a form's columns
 *   (merging a label's row with its neighbour's), sit between a label and its
 *   value, and garble the words they touch. Dark components too small to be a
 *   glyph and away from any glyph are whitened.
 * - phone photos are soft (camera blur, JPEG): small label text blurs "rn"/"ri"
 *   into "m"/"n" ("Carner", "Pronty"). An unsharp mask at the photo's own
 *   resolution gives the model crisper strokes (measured on the dev photos: truth
 *   values found in the OCR text 88% -> 95%; a contrast stretch, or sharpening
 *   after a larger upscale, did worse).
 */
import sharp from 'sharp';
import type { GrayRaster, RasterKind } from './raster.ts';

/**
 * Largest speckle, in pixels, at a given resolution: 6 pixels at 300 dpi (about
 * 0.04 mm^2), below the dot of an "i" or a period of 6 pt text (9-16 pixels there).
 */
export function speckleArea(dpiX: number, dpiY: number): number {
  return Math.max(1, Math.round((6 * dpiX * dpiY) / (300 * 300)));
}

/** How close (pixels at 300 dpi) a small mark may sit to a glyph and still count as part of it: a period, a colon's dot, the dot of an "i". */
const ATTACHED_DISTANCE_300DPI = 2;

/**
 * Whitens isolated speckle: 8-connected dark components (value < 128) of at most
 * `maxArea` pixels, with a box at most `maxSide` pixels on each side, and no
 * larger ink within `near` pixels (so periods, colons and the dots of small
 * letters, which sit next to their glyphs, stay). On gray pages the component's
 * box plus a one-pixel rim is whitened, taking its light halo with it. Returns a
 * new raster and the number of components removed; linear time.
 */
export function despeckle(
  r: GrayRaster,
  maxArea = speckleArea(r.dpiX, r.dpiY),
  maxSide = Math.max(2, Math.ceil(Math.sqrt(maxArea) + 1)),
  near = Math.max(1, Math.round((ATTACHED_DISTANCE_300DPI * Math.min(r.dpiX, r.dpiY)) / 300)),
): { raster: GrayRaster; removed: number } {
  const { width: w, height: h } = r;
  const src = r.data;
  // 0: not visited or light; 1: part of a large component; 2: part of a small one.
  const kind = new Uint8Array(w * h);
  const stack = new Int32Array(Math.max(16, maxArea + 16));
  const members = new Int32Array(maxArea + 1);
  const smallBoxes: number[] = [];
  for (let start = 0; start < w * h; start += 1) {
    if (kind[start] || src[start]! >= 128) continue;
    // Flood fill; members are collected while the component is still small.
    let sp = 0;
    let count = 0;
    let x0 = w;
    let x1 = -1;
    let y0 = h;
    let y1 = -1;
    let queue: number[] | null = null;
    kind[start] = 1;
    stack[sp++] = start;
    while (sp > 0 || (queue !== null && queue.length > 0)) {
      const p = sp > 0 ? stack[--sp]! : queue!.pop()!;
      if (count < maxArea + 1) members[count] = p;
      count += 1;
      const x = p % w;
      const y = (p - x) / w;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      for (let dy = -1; dy <= 1; dy += 1) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx += 1) {
          const xx = x + dx;
          if (xx < 0 || xx >= w) continue;
          const q = yy * w + xx;
          if (kind[q] || src[q]! >= 128) continue;
          kind[q] = 1;
          if (sp < stack.length) stack[sp++] = q;
          else (queue ??= []).push(q);
        }
      }
    }
    if (count <= maxArea && x1 - x0 < maxSide && y1 - y0 < maxSide) {
      for (let i = 0; i < count; i += 1) kind[members[i]!] = 2;
      smallBoxes.push(x0, y0, x1, y1);
    }
  }
  const out = new Uint8Array(src);
  let removed = 0;
  for (let i = 0; i < smallBoxes.length; i += 4) {
    const x0 = smallBoxes[i]!;
    const y0 = smallBoxes[i + 1]!;
    const x1 = smallBoxes[i + 2]!;
    const y1 = smallBoxes[i + 3]!;
    let attached = false;
    for (let y = Math.max(0, y0 - near); y <= Math.min(h - 1, y1 + near) && !attached; y += 1) {
      const row = y * w;
      for (let x = Math.max(0, x0 - near); x <= Math.min(w - 1, x1 + near); x += 1) {
        if (kind[row + x] === 1) {
          attached = true;
          break;
        }
      }
    }
    if (attached) continue;
    for (let y = Math.max(0, y0 - 1); y <= Math.min(h - 1, y1 + 1); y += 1) out.fill(255, y * w + Math.max(0, x0 - 1), y * w + Math.min(w - 1, x1 + 1) + 1);
    removed += 1;
  }
  return { raster: { ...r, data: out }, removed };
}

/** Unsharp-mask radius for photos, in pixels of the photo as decoded (measured: 1.5-3 all help, 2 kept). */
const PHOTO_SHARPEN_SIGMA = 2;

/** Unsharp mask on a gray raster (sharp's, on the luminance: about 30 ms for a 2 Mpx photo). */
export async function sharpenPhoto(r: GrayRaster, sigma = PHOTO_SHARPEN_SIGMA): Promise<GrayRaster> {
  const { data, info } = await sharp(r.data, { raw: { width: r.width, height: r.height, channels: 1 } })
    .sharpen({ sigma })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 1 || info.width !== r.width || info.height !== r.height) throw new Error('unexpected raster shape after sharpening');
  return { ...r, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** Lowest resolution (on either axis) at which speckle is told from glyph fragments by size. */
const MIN_DESPECKLE_DPI = 150;

export interface CleanupChoices {
  /** Whiten isolated speckle on scans and faxes (bilevel or gray) of 150 dpi and more. */
  despeckle: boolean;
  /** Unsharp-mask photos. */
  sharpenPhotos: boolean;
  /** Read checkboxes from the page image (checkboxes.ts) instead of trusting OCR's reading of them. */
  checkboxes: boolean;
}

export const DEFAULT_CLEANUP: CleanupChoices = { despeckle: true, sharpenPhotos: true, checkboxes: true };

/** The cleanup a page gets before raster.ts prepares it for OCR (same size and resolution out). */
export async function cleanupForOcr(r: GrayRaster, kind: RasterKind, choices: CleanupChoices = DEFAULT_CLEANUP): Promise<GrayRaster> {
  let out = r;
  // Not below 150 dpi (standard 204x98 faxes): there a glyph's thin strokes break into one-pixel pieces.
  if (choices.despeckle && kind !== 'photo' && Math.min(out.dpiX, out.dpiY) >= MIN_DESPECKLE_DPI) out = despeckle(out).raster;
  if (choices.sharpenPhotos && kind === 'photo') out = await sharpenPhoto(out);
  return out;
}
