import { describe, expect, it } from 'vitest';
import { cleanupForOcr, despeckle, speckleArea } from './preprocess.ts';
import type { GrayRaster } from './raster.ts';

function blank(width: number, height: number, dpiX = 300, dpiY = dpiX): GrayRaster {
  return { width, height, data: new Uint8Array(width * height).fill(255), dpiX, dpiY };
}

function fill(r: GrayRaster, x0: number, y0: number, w: number, h: number, value = 0): void {
  for (let y = y0; y < y0 + h; y += 1) r.data.fill(value, y * r.width + x0, y * r.width + x0 + w);
}

const at = (r: GrayRaster, x: number, y: number) => r.data[y * r.width + x]!;
const inkIn = (r: GrayRaster, x0: number, y0: number, w: number, h: number) => {
  let n = 0;
  for (let y = y0; y < y0 + h; y += 1) for (let x = x0; x < x0 + w; x += 1) if (at(r, x, y) < 128) n += 1;
  return n;
};

describe('speckleArea', () => {
  it('is 6 pixels at 300 dpi and scales with the pixel area', () => {
    expect(speckleArea(300, 300)).toBe(6);
    expect(speckleArea(600, 600)).toBe(24);
    expect(speckleArea(204, 98)).toBe(1);
  });
});

describe('despeckle', () => {
  it('whitens isolated dots and keeps glyph-sized strokes', () => {
    const r = blank(200, 100);
    // A "glyph": a 4x30 stem.
    fill(r, 20, 20, 4, 30);
    // Speckle far from it: single pixels, a 2x2 and a 2x3 dot.
    fill(r, 120, 10, 1, 1);
    fill(r, 150, 60, 2, 2);
    fill(r, 170, 80, 2, 3);
    const { raster, removed } = despeckle(r);
    expect(removed).toBe(3);
    expect(inkIn(raster, 100, 0, 100, 100)).toBe(0);
    expect(inkIn(raster, 20, 20, 4, 30)).toBe(120);
    // The input is left alone.
    expect(at(r, 120, 10)).toBe(0);
  });

  it('keeps a period or a colon dot that sits next to its glyph', () => {
    const r = blank(100, 60);
    fill(r, 10, 10, 4, 30); // stem of a letter, bottom at y = 40
    fill(r, 15, 37, 2, 2); // a period 1 px to its right, on the baseline
    const { raster, removed } = despeckle(r);
    expect(removed).toBe(0);
    expect(inkIn(raster, 15, 37, 2, 2)).toBe(4);
  });

  it('keeps dots that are larger than speckle (the dot of an i in body text)', () => {
    const r = blank(80, 80);
    fill(r, 40, 40, 4, 4);
    expect(despeckle(r).removed).toBe(0);
  });

  it('removes clusters of speckle (what OCR reads as "oo" between columns)', () => {
    const r = blank(200, 60);
    fill(r, 10, 20, 5, 20);
    fill(r, 180, 20, 5, 20);
    for (let x = 60; x < 140; x += 6) fill(r, x, 30 + (x % 4), 2, 2);
    const { raster } = despeckle(r);
    expect(inkIn(raster, 40, 0, 120, 60)).toBe(0);
    expect(inkIn(raster, 0, 0, 40, 60)).toBe(100);
  });

  it('takes the light halo of a gray dot with it', () => {
    const r = blank(60, 60);
    fill(r, 29, 29, 4, 4, 200);
    fill(r, 30, 30, 2, 2, 40);
    const { raster, removed } = despeckle(r);
    expect(removed).toBe(1);
    for (let y = 29; y < 33; y += 1) for (let x = 29; x < 33; x += 1) expect(at(raster, x, y)).toBe(255);
  });
});

describe('cleanupForOcr', () => {
  it('despeckles fine faxes and scans but not standard 204x98 faxes (glyph fragments there are one pixel)', async () => {
    const fine = blank(100, 100, 204, 196);
    fill(fine, 50, 50, 1, 1);
    expect(at(await cleanupForOcr(fine, 'fax'), 50, 50)).toBe(255);
    const scan = blank(100, 100, 300);
    fill(scan, 50, 50, 1, 1);
    expect(at(await cleanupForOcr(scan, 'scan'), 50, 50)).toBe(255);
    const standard = blank(100, 100, 204, 98);
    fill(standard, 50, 50, 1, 1);
    expect(at(await cleanupForOcr(standard, 'fax'), 50, 50)).toBe(0);
  });

  it('does nothing when both steps are off', async () => {
    const r = blank(50, 50);
    fill(r, 10, 10, 1, 1);
    const out = await cleanupForOcr(r, 'scan', { despeckle: false, sharpenPhotos: false, checkboxes: false });
    expect(out).toBe(r);
  });

  it('sharpens photos: a soft edge gets steeper, the size stays', async () => {
    const r = blank(64, 32, 150);
    // A soft vertical edge: a ramp from white to dark gray over 8 pixels.
    for (let y = 0; y < 32; y += 1) for (let x = 0; x < 64; x += 1) r.data[y * 64 + x] = x < 28 ? 230 : x >= 36 ? 60 : 230 - ((x - 28) * 170) / 8;
    const out = await cleanupForOcr(r, 'photo');
    expect([out.width, out.height, out.dpiX]).toEqual([64, 32, 150]);
    const slope = (g: GrayRaster) => at(g, 30, 16) - at(g, 34, 16);
    expect(slope(out)).toBeGreaterThan(slope(r));
    // Photos are never despeckled (JPEG noise is not speckle).
    const dotted = blank(60, 60, 150);
    fill(dotted, 30, 30, 1, 1);
    expect(at(await cleanupForOcr(dotted, 'photo'), 30, 30)).toBeLessThan(128);
  });
});
