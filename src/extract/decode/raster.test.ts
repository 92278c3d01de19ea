/**
 * OCR preparation: the standard-fax stretch keeps each scanned line and
 * interpolates the missing ones; pages above the OCR pixel budget are scaled
 * down to it (boxes still map to the page); photos are upscaled only within it.
 */
import { describe, expect, it } from 'vitest';
import { MAX_OCR_PIXELS, isBlank, prepareForOcr, stretchRows, type GrayRaster } from './raster.ts';

const NO_EXTRAS = { blurSigma: 0, deskew: false, photoUpscale: true, flatten: false };

function raster(width: number, height: number, dpiX: number, dpiY: number, fill: (x: number, y: number) => number): GrayRaster {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y += 1) for (let x = 0; x < width; x += 1) data[y * width + x] = fill(x, y);
  return { width, height, data, dpiX, dpiY };
}

describe('stretchRows', () => {
  it('doubles a standard fax to square pixels: scanned lines kept, the missing ones halfway between', () => {
    const r = raster(3, 3, 204, 98, (x, y) => [0, 200, 100][y]! + x);
    const s = stretchRows(r, 2);
    expect([s.width, s.height, s.dpiX, s.dpiY]).toEqual([3, 6, 204, 196]);
    const row = (y: number) => [...s.data.subarray(y * 3, y * 3 + 3)];
    expect(row(0)).toEqual([0, 1, 2]);
    expect(row(2)).toEqual([200, 201, 202]);
    expect(row(4)).toEqual([100, 101, 102]);
    // Inserted lines: the mean of the scanned lines above and below.
    expect(row(1)).toEqual([100, 101, 102]);
    expect(row(3)).toEqual([150, 151, 152]);
    // The last scanned line is repeated below itself.
    expect(row(5)).toEqual(row(4));
  });

  it('a factor of 1 returns the raster unchanged, a factor of 3 interpolates in thirds', () => {
    const r = raster(1, 2, 200, 66, (_, y) => (y === 0 ? 0 : 240));
    expect(stretchRows(r, 1)).toBe(r);
    const s = stretchRows(r, 3);
    expect([...s.data]).toEqual([0, 80, 160, 240, 240, 240]);
    expect(s.dpiY).toBe(198);
  });
});

describe('prepareForOcr pixel budget', () => {
  it('scales a page above the budget down to it, and its boxes still map onto the whole page', async () => {
    // A 600-dpi letter page: 5100 x 6600 = 33.7 MP.
    const big = raster(5100, 6600, 600, 600, (x, y) => ((x >> 6) + (y >> 6)) % 2 === 0 ? 255 : 0);
    const prepared = await prepareForOcr(big, 'scan', 612, 792, NO_EXTRAS);
    const { width, height, dpi } = prepared.image;
    expect(width * height).toBeLessThanOrEqual(MAX_OCR_PIXELS);
    expect(width * height).toBeGreaterThan(MAX_OCR_PIXELS * 0.99);
    expect(width / height).toBeCloseTo(5100 / 6600, 2);
    expect(dpi).toBeCloseTo((600 * width) / 5100, 5);
    expect(prepared.scaleX * width).toBeCloseTo(612, 5);
    expect(prepared.scaleY * height).toBeCloseTo(792, 5);
  });

  it('leaves a 300-dpi letter page as it is', async () => {
    const letter = raster(2550, 3300, 300, 300, () => 255);
    const prepared = await prepareForOcr(letter, 'scan', 612, 792, NO_EXTRAS);
    expect([prepared.image.width, prepared.image.height, prepared.image.dpi]).toEqual([2550, 3300, 300]);
  });

  it('upscales a small photo 2x, a larger one only up to the budget', async () => {
    const small = await prepareForOcr(raster(1200, 1600, 144, 144, () => 200), 'photo', 600, 800, NO_EXTRAS);
    expect([small.image.width, small.image.height, small.image.dpi]).toEqual([2400, 3200, 288]);
    const larger = await prepareForOcr(raster(1900, 2500, 144, 144, () => 200), 'photo', 950, 1250, NO_EXTRAS);
    expect(larger.image.width * larger.image.height).toBeLessThanOrEqual(MAX_OCR_PIXELS);
    expect(larger.image.width).toBeGreaterThan(1900 * 1.25);
    expect(larger.image.width).toBeLessThan(1900 * 2);
  });
});

describe('isBlank', () => {
  const page = (fill: (x: number, y: number) => number) => raster(1700, 2200, 200, 200, fill);

  it('a page of thin, light type (a typed letter in a thin font) is not blank', () => {
    // Twenty lines of text: 1-pixel gray strokes every 5 pixels across 8-pixel-high rows.
    const letter = page((x, y) => {
      const line = Math.floor((y - 200) / 40);
      const inRow = (y - 200) % 40 < 8 && line >= 0 && line < 20 && x > 150 && x < 1400;
      return inRow && x % 5 === 0 ? 90 : 235;
    });
    expect(isBlank(letter)).toBe(false);
  });

  it('an empty page with speckle is blank', () => {
    const speckled = page((x, y) => ((x * 7919 + y * 104729) % 997 === 0 ? 0 : 250));
    expect(isBlank(speckled)).toBe(true);
  });
});
