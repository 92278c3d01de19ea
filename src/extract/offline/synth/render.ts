/**
 * Renders generated referral pages to the images a practice really receives:
 * G4 TIFF faxes at fine (204×196) and standard (204×98) resolution, gray scans
 * and JPEG phone photos, each page one file. Decoding them with the product's own
 * decoder and OCR gives real recognition errors (confident digit slips, lost
 * punctuation, broken words) on layouts and values the dev corpus never had: the
 * OCR buckets of the calibration table (calibration-table.ts) are counted on them.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { GlobalFonts, createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import sharp from 'sharp';
import type { LayoutPage } from '../../layout.ts';
import { Rng } from './rng.ts';

export type RenderStyle = 'fine-fax' | 'standard-fax' | 'scan' | 'photo';
export const RENDER_STYLES: readonly RenderStyle[] = ['fine-fax', 'standard-fax', 'scan', 'photo'];

export interface RenderedPage {
  bytes: Uint8Array;
  format: 'tiff' | 'png' | 'jpeg';
}

const FONTS = ['Liberation Sans', 'Liberation Serif', 'DejaVu Sans', 'Liberation Mono'];
let fontsReady: string[] | null = null;

/** The families available: Liberation Sans ships with pdfjs-dist; others when the system has them. */
function fonts(): string[] {
  if (fontsReady) return fontsReady;
  const require = createRequire(import.meta.url);
  const dir = path.join(path.dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts');
  GlobalFonts.registerFromPath(path.join(dir, 'LiberationSans-Regular.ttf'), 'Liberation Sans');
  GlobalFonts.registerFromPath(path.join(dir, 'LiberationSans-Bold.ttf'), 'Liberation Sans');
  const have = new Set(GlobalFonts.families.map((f) => f.family));
  fontsReady = FONTS.filter((f) => have.has(f));
  return fontsReady;
}

function drawBox(ctx: SKRSContext2D, x: number, top: number, size: number, checked: boolean): void {
  const s = size * 0.8;
  const y = top + size * 0.15;
  ctx.lineWidth = Math.max(1, size * 0.08);
  ctx.strokeRect(x, y, s, s);
  if (!checked) return;
  ctx.beginPath();
  ctx.moveTo(x + s * 0.15, y + s * 0.15);
  ctx.lineTo(x + s * 0.85, y + s * 0.85);
  ctx.moveTo(x + s * 0.85, y + s * 0.15);
  ctx.lineTo(x + s * 0.15, y + s * 0.85);
  ctx.stroke();
}

/** Draws a page's words (PDF points) onto a white gray canvas at `dpi`; returns its pixels. */
function paint(page: LayoutPage, dpi: number, rng: Rng): { data: Uint8Array; width: number; height: number } {
  const k = dpi / 72;
  const width = Math.round(page.width * k);
  const height = Math.round(page.height * k);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#000';
  ctx.strokeStyle = '#000';
  ctx.textBaseline = 'alphabetic';
  const family = rng.pick(fonts());
  const bold = rng.chance(0.15);
  for (const block of page.blocks) {
    for (const line of block.lines) {
      const first = line.words[0];
      if (!first) continue;
      // A line is drawn as the typesetter would: its words one space apart from the
      // line's start, squeezed only if the font runs wider than the line's box.
      const size = ((first.bbox[3] - first.bbox[1]) / 1.15) * k;
      ctx.font = `${bold ? 'bold ' : ''}${size.toFixed(1)}px "${family}"`;
      const space = ctx.measureText(' ').width;
      const box = size * 0.9;
      const isBox = line.words.map((w) => w.text === '☒' || w.text === '☐');
      const widths = line.words.map((w, i) => (isBox[i] ? box : ctx.measureText(w.text).width));
      const natural = widths.reduce((a, b) => a + b, 0) + space * (widths.length - 1);
      const room = (line.bbox[2] - line.bbox[0]) * k;
      const squeeze = natural > room ? room / natural : 1;
      ctx.save();
      ctx.translate(first.bbox[0] * k, first.bbox[1] * k);
      ctx.scale(squeeze, 1);
      let x = 0;
      for (const [i, w] of line.words.entries()) {
        if (isBox[i]) drawBox(ctx, x, 0, size, w.text === '☒');
        else ctx.fillText(w.text, x, size * 0.9);
        x += widths[i]! + space;
      }
      ctx.restore();
    }
  }
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const gray = new Uint8Array(width * height);
  for (let i = 0; i < gray.length; i++) gray[i] = rgba[i * 4]!;
  return { data: gray, width, height };
}

/** Salt-and-pepper speckle and a few dropouts, as a fax line adds. */
function speckle(bits: Uint8Array, rate: number, rng: Rng): void {
  const n = Math.round(bits.length * rate);
  for (let i = 0; i < n; i++) bits[Math.floor(rng.next() * bits.length)] = rng.chance(0.5) ? 0 : 255;
}

/** Renders one page in a style; deterministic for a seed. */
export async function renderPage(page: LayoutPage, style: RenderStyle, seed: number): Promise<RenderedPage> {
  const rng = new Rng(seed);
  const angle = rng.float(-1, 1) * (style === 'photo' ? 1.5 : 0.5);
  if (style === 'fine-fax' || style === 'standard-fax') {
    const painted = paint(page, 204, rng);
    const rows = style === 'fine-fax' ? 196 : 98;
    // The scanner's optics: a slight blur, then the fax machine's fixed threshold.
    const gray = await sharp(Buffer.from(painted.data), { raw: { width: painted.width, height: painted.height, channels: 1 } })
      .rotate(angle, { background: '#ffffff' })
      .blur(rng.float(0.3, 0.7))
      .resize({ width: painted.width, height: Math.round((painted.height * rows) / 204), fit: 'fill' })
      .extractChannel(0)
      .raw()
      .toBuffer({ resolveWithObject: true });
    const bits = new Uint8Array(gray.data.length);
    const cut = rng.float(140, 195);
    for (let i = 0; i < bits.length; i++) bits[i] = gray.data[i]! < cut ? 0 : 255;
    speckle(bits, rng.float(0.0002, 0.002), rng);
    const tiff = await sharp(Buffer.from(bits), { raw: { width: gray.info.width, height: gray.info.height, channels: 1 } })
      .toColourspace('b-w')
      .tiff({ compression: 'ccittfax4', bitdepth: 1, miniswhite: true, xres: 204 / 25.4, yres: rows / 25.4 })
      .toBuffer();
    return { bytes: new Uint8Array(tiff), format: 'tiff' };
  }
  if (style === 'scan') {
    const dpi = rng.pick([200, 300]);
    const painted = paint(page, dpi, rng);
    const png = await sharp(Buffer.from(painted.data), { raw: { width: painted.width, height: painted.height, channels: 1 } })
      .rotate(angle, { background: '#ffffff' })
      .blur(rng.float(0.3, 0.9))
      .linear(rng.float(0.75, 0.95), rng.float(10, 40))
      .withMetadata({ density: dpi })
      .png()
      .toBuffer();
    return { bytes: new Uint8Array(png), format: 'png' };
  }
  // A phone photo: lower resolution, blur, uneven light, JPEG artefacts.
  const painted = paint(page, rng.float(150, 220), rng);
  const light = new Uint8Array(painted.data.length);
  const dark = rng.float(0.55, 0.8);
  for (let y = 0; y < painted.height; y++) {
    const shade = dark + (1 - dark) * (y / painted.height) * rng.float(0.98, 1.02);
    for (let x = 0; x < painted.width; x++) {
      const i = y * painted.width + x;
      const v = painted.data[i]! * shade * (0.9 + 0.1 * (x / painted.width));
      light[i] = Math.max(0, Math.min(255, Math.round(v + rng.float(-12, 12))));
    }
  }
  const jpeg = await sharp(Buffer.from(light), { raw: { width: painted.width, height: painted.height, channels: 1 } })
    .rotate(angle, { background: '#d8d8d8' })
    .blur(rng.float(0.6, 1.3))
    .jpeg({ quality: Math.round(rng.float(55, 85)) })
    .toBuffer();
  return { bytes: new Uint8Array(jpeg), format: 'jpeg' };
}
