/**
 * Grayscale page rasters and the cheap preprocessing that pays before OCR
 * (measured on the dev corpus, see bench/ocr.ts and shared/STACK.md):
 * - blank pages are detected from ink coverage and never OCR'd;
 * - standard-resolution faxes (204x98 dpi) are stretched to square pixels by
 *   keeping each scanned line and interpolating the missing ones (stretchRows),
 *   then lightly blurred;
 * - skew is measured with a projection profile and corrected when above 0.3 deg
 *   (standard faxes with skew: to about 94%).
 * Rasters are raw 8-bit gray (no PNG round trips: those cost about 350 ms a page).
 */
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import type { OcrImage } from '../ocr/types.ts';

export interface GrayRaster {
  width: number;
  height: number;
  /** One byte per pixel, row-major, 0 black. */
  data: Uint8Array;
  /** Pixels per inch across and down (unequal on standard-resolution faxes). */
  dpiX: number;
  dpiY: number;
}

export type RasterKind = 'fax' | 'scan' | 'photo';

/** Share of inked cells below which a page counts as blank (a page of text is about 5-15%). */
const BLANK_INK_FRACTION = 0.002;

/**
 * Share of roughly 1 mm cells that are mostly dark or crossed by a stroke, ignoring a 3% margin where
 * scanner and fax edges leave streaks and fax headers sit. Averaging over cells
 * makes it blind to speckle (isolated dots of line noise), which a plain count of
 * dark pixels is not.
 */
export function inkFraction(r: GrayRaster): number {
  const cell = Math.max(4, Math.round(r.dpiX / 25));
  const cellY = Math.max(2, Math.round((cell * r.dpiY) / r.dpiX));
  const mx = Math.floor(r.width * 0.03);
  const my = Math.floor(r.height * 0.03);
  let inked = 0;
  let total = 0;
  const area = cell * cellY;
  const limit = area * 160;
  for (let y0 = my; y0 + cellY <= r.height - my; y0 += cellY) {
    for (let x0 = mx; x0 + cell <= r.width - mx; x0 += cell) {
      let sum = 0;
      let dark = 0;
      for (let y = y0; y < y0 + cellY; y += 1) {
        const row = y * r.width;
        for (let x = x0; x < x0 + cell; x += 1) {
          const v = r.data[row + x]!;
          sum += v;
          if (v < 128) dark += 1;
        }
      }
      total += 1;
      // Mostly dark, or crossed by a stroke: thin type (a light Courier letter) darkens
      // an eighth of a cell without ever making it mostly dark; a speck of noise does neither.
      if (sum < limit || dark * 8 >= area) inked += 1;
    }
  }
  return total === 0 ? 0 : inked / total;
}

export function isBlank(r: GrayRaster): boolean {
  return inkFraction(r) < BLANK_INK_FRACTION;
}

/**
 * Skew angle in degrees (positive: lines run down to the right, as after a
 * clockwise rotation; undo it with a rotation by the negative angle), by maximising the variance of the row profile of dark
 * pixels over candidate angles. Works on a subsample, so it costs a few ms.
 */
export function estimateSkewDegrees(r: GrayRaster, maxDegrees = 5): number {
  const step = Math.max(1, Math.round(r.width / 900));
  const xs: number[] = [];
  const ys: number[] = [];
  for (let y = 0; y < r.height; y += step) {
    const row = y * r.width;
    for (let x = 0; x < r.width; x += step) {
      if (r.data[row + x]! < 128) {
        xs.push(x / step);
        ys.push(y / step);
      }
    }
  }
  if (xs.length < 200) return 0;
  const rows = Math.ceil(r.height / step) + Math.ceil(r.width / step) + 2;
  const offset = Math.ceil(r.width / step) + 1;
  const hist = new Int32Array(rows);
  const score = (deg: number): number => {
    const t = Math.tan((deg * Math.PI) / 180);
    hist.fill(0);
    for (let i = 0; i < xs.length; i += 1) {
      const bin = Math.round(ys[i]! - xs[i]! * t) + offset;
      if (bin >= 0 && bin < rows) hist[bin]! += 1;
    }
    let s = 0;
    for (let i = 0; i < rows; i += 1) s += hist[i]! * hist[i]!;
    return s;
  };
  let best = 0;
  let bestScore = score(0);
  for (let d = -maxDegrees; d <= maxDegrees + 1e-9; d += 0.25) {
    const s = score(d);
    if (s > bestScore * 1.0001) {
      best = d;
      bestScore = s;
    }
  }
  for (let d = best - 0.2; d <= best + 0.2 + 1e-9; d += 0.05) {
    const s = score(d);
    if (s > bestScore * 1.0001) {
      best = d;
      bestScore = s;
    }
  }
  return best;
}

function sharpOf(r: GrayRaster): Sharp {
  return sharp(r.data, { raw: { width: r.width, height: r.height, channels: 1 } });
}

async function toRaster(s: Sharp, dpiX: number, dpiY: number): Promise<GrayRaster> {
  const { data, info } = await s.greyscale().raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`expected 1 channel, got ${info.channels}`);
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length), dpiX, dpiY };
}

/** Rotates about the centre by `degrees`, keeping the page size (white fill). */
async function rotateKeepingSize(r: GrayRaster, degrees: number): Promise<GrayRaster> {
  const { data, info } = await sharpOf(r)
    .rotate(degrees, { background: { r: 255, g: 255, b: 255 } })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const left = Math.max(0, Math.floor((info.width - r.width) / 2));
  const top = Math.max(0, Math.floor((info.height - r.height) / 2));
  const cropped = await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
    .extract({ left, top, width: Math.min(r.width, info.width), height: Math.min(r.height, info.height) })
    .greyscale()
    .raw()
    .toBuffer();
  return { ...r, data: new Uint8Array(cropped.buffer, cropped.byteOffset, cropped.length) };
}

/**
 * Flat-field normalisation for photos: divides each pixel by a heavily blurred
 * copy (the local paper brightness), so shadows, gradients, tinted table cells and
 * the dark surface around the page turn white while ink stays dark. The
 * background is estimated at 1/8 scale, which keeps it to a few tens of ms.
 */
async function flattenIllumination(r: GrayRaster): Promise<GrayRaster> {
  const sw = Math.max(1, Math.round(r.width / 8));
  const sh = Math.max(1, Math.round(r.height / 8));
  const bg = await sharpOf(r)
    .resize(sw, sh, { kernel: 'linear', fit: 'fill' })
    .blur(4)
    .resize(r.width, r.height, { kernel: 'linear', fit: 'fill' })
    .greyscale()
    .raw()
    .toBuffer();
  const out = new Uint8Array(r.width * r.height);
  for (let i = 0; i < out.length; i += 1) {
    const b = Math.max(1, bg[i]!);
    const v = (r.data[i]! * 255 * 1.05) / b;
    out[i] = v > 255 ? 255 : v;
  }
  return { ...r, data: out };
}

/**
 * Stretches a page `factor` times vertically the way a fax receiver doubles the
 * lines of a standard-resolution (204x98) fax: every scanned line is kept exactly
 * and the missing lines between two scanned ones are interpolated linearly
 * (halfway for a factor of 2). A resampling kernel (cubic, linear) instead shifts
 * and blurs every line; on standard faxes made from fine ones by dropping every
 * other line, this read about 30% fewer wrong characters than the cubic resize
 * (bench:ocr, controlled fine-vs-standard comparison). Linear time, one pass.
 */
export function stretchRows(r: GrayRaster, factor: number): GrayRaster {
  const k = Math.max(1, Math.round(factor));
  if (k === 1) return r;
  const { width: w, height: h, data: src } = r;
  const out = new Uint8Array(w * h * k);
  for (let y = 0; y < h; y += 1) {
    const above = src.subarray(y * w, y * w + w);
    const below = src.subarray(Math.min(h - 1, y + 1) * w, Math.min(h - 1, y + 1) * w + w);
    out.set(above, y * k * w);
    for (let j = 1; j < k; j += 1) {
      const row = (y * k + j) * w;
      for (let x = 0; x < w; x += 1) out[row + x] = (above[x]! * (k - j) + below[x]! * j + (k >> 1)) / k;
    }
  }
  return { width: w, height: h * k, data: out, dpiX: r.dpiX, dpiY: r.dpiY * k };
}

export interface PreparedPage {
  image: OcrImage;
  /** Scale from OCR pixels to PDF points on each axis. */
  scaleX: number;
  scaleY: number;
}

export interface PrepareChoices {
  /** Gaussian blur sigma before OCR (0: none). */
  blurSigma: number;
  /** Correct skew above 0.3 degrees. */
  deskew: boolean;
  /** Upscale photos whose text is too small for the LSTM model. */
  photoUpscale: boolean;
  /** Flatten uneven lighting on photos. */
  flatten: boolean;
}

/**
 * Most pixels a page sent to OCR may have: a little more than a US legal page at
 * 300 dpi (10.7 MP; letter and A4 are 8.4-8.7 MP), the resolution the model reads
 * best. Larger inputs gain nothing in recognition but cost memory in every step
 * (tesseract.js's WebAssembly heap, which only grows, needs about 75 MB for an
 * 8 MP page and 130 MB for 22 MP) and time; pages above it are scaled down, and
 * PDF pages are rendered at a resolution that stays within it.
 */
export const MAX_OCR_PIXELS = 12_000_000;

export const DEFAULT_PREPARE: PrepareChoices = { blurSigma: 0.8, deskew: true, photoUpscale: true, flatten: true };

/**
 * Turns a decoded page into what the OCR engine reads, and says how to map its
 * pixels back to the page's PDF points (the page size is fixed by the original).
 */
export async function prepareForOcr(
  r: GrayRaster,
  kind: RasterKind,
  pageWidthPt: number,
  pageHeightPt: number,
  choices: PrepareChoices = DEFAULT_PREPARE,
): Promise<PreparedPage> {
  let out = r;
  // Standard fax: stretch to square pixels (exact integer factor: non-integer ones hurt).
  const ratio = r.dpiX / r.dpiY;
  if (ratio > 1.5) out = stretchRows(out, Math.round(ratio));
  // Pages larger than the OCR budget (600-dpi scans, oversized sheets, huge photos) are scaled down to it.
  if (out.width * out.height > MAX_OCR_PIXELS) {
    const s = Math.sqrt(MAX_OCR_PIXELS / (out.width * out.height));
    const w = Math.max(1, Math.floor(out.width * s));
    const h = Math.max(1, Math.floor(out.height * s));
    out = await toRaster(sharpOf(out).resize(w, h, { fit: 'fill', kernel: 'cubic' }), (out.dpiX * w) / out.width, (out.dpiY * h) / out.height);
  }
  // Photos are often shot at an effective 120-160 dpi: the model reads better at about 300.
  if (kind === 'photo') {
    if (choices.flatten) out = await flattenIllumination(out);
    // 2x, or less where 2x would pass the OCR pixel budget (not worth it below 1.25x).
    const factor = Math.min(2, Math.sqrt(MAX_OCR_PIXELS / (out.width * out.height)));
    if (choices.photoUpscale && out.width < 2000 && factor >= 1.25) {
      const w = Math.floor(out.width * factor);
      const h = Math.floor(out.height * factor);
      out = await toRaster(sharpOf(out).resize(w, h, { fit: 'fill', kernel: 'cubic' }), (out.dpiX * w) / out.width, (out.dpiY * h) / out.height);
    }
  }
  if (choices.deskew) {
    const angle = estimateSkewDegrees(out);
    if (Math.abs(angle) >= 0.3) out = await rotateKeepingSize(out, -angle);
  }
  if (choices.blurSigma > 0 && kind !== 'photo') {
    out = await toRaster(sharpOf(out).blur(choices.blurSigma), out.dpiX, out.dpiY);
  }
  return {
    image: { width: out.width, height: out.height, data: out.data, dpi: out.dpiX },
    scaleX: pageWidthPt / out.width,
    scaleY: pageHeightPt / out.height,
  };
}
