/**
 * The renderer draws a generated referral page as a fax, a scan or a photo that
 * the product's own decoder reads back: the file type, resolution and size are
 * those of the style, the drawing is reproducible, and real OCR finds the
 * patient's family name and the form's title on it.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeDocument, type DecodeOptions } from '../../decode/index.ts';
import { layoutLines } from '../../layout.ts';
import { createOcrEngine, type OcrEngine } from '../../ocr/index.ts';
import { generateDoc } from './generate.ts';
import { RENDER_STYLES, renderPage } from './render.ts';

const OPTIONS: DecodeOptions = { maxBytes: 50 * 1024 * 1024, maxPages: 100, maxPagePixels: 60_000_000, pageTimeoutMs: 60_000 };
const today = new Date('2026-11-01T00:00:00Z');
// A one-page generated form (no cover sheet or office note), for a short OCR run.
const doc = [...Array(50).keys()].map((i) => generateDoc(4242 + i, today, { quality: 'digital', family: 'form', other: null })).find((d) => d.layout.pages.length === 1)!;

let engine: OcrEngine;
beforeAll(async () => {
  engine = await createOcrEngine({ OCR_ENGINE: 'tesseractjs', OCR_WORKERS: 2, OCR_WORKER_START_TIMEOUT_MS: 30_000 });
});
afterAll(async () => {
  await engine?.close();
});

describe('renderPage', () => {
  it('writes each style as its file type and resolution, the same bytes for the same seed', async () => {
    const page = doc.layout.pages[0]!;
    const fine = await renderPage(page, 'fine-fax', 1);
    const standard = await renderPage(page, 'standard-fax', 1);
    const scan = await renderPage(page, 'scan', 1);
    const photo = await renderPage(page, 'photo', 1);
    expect([fine.format, standard.format, scan.format, photo.format]).toEqual(['tiff', 'tiff', 'png', 'jpeg']);
    const f = await sharp(fine.bytes).metadata();
    const s = await sharp(standard.bytes).metadata();
    expect([f.format, f.density, f.channels]).toEqual(['tiff', 204, 1]);
    expect(f.width).toBe(Math.round(612 * (204 / 72)));
    // Standard resolution: half the scan lines of a fine fax of the same page.
    expect(Math.abs(s.height! * 2 - f.height!)).toBeLessThanOrEqual(2);
    expect(Buffer.from((await renderPage(page, 'photo', 1)).bytes).equals(Buffer.from(photo.bytes))).toBe(true);
    expect(Buffer.from((await renderPage(page, 'photo', 2)).bytes).equals(Buffer.from(photo.bytes))).toBe(false);
  });

  it.each(RENDER_STYLES.filter((s) => s !== 'standard-fax'))('a %s of a generated form is read back by the decoder and OCR', async (style) => {
    const rendered = await renderPage(doc.layout.pages[0]!, style, 3);
    const layout = await decodeDocument(rendered.bytes, OPTIONS, { ocr: engine });
    expect(layout.pages).toHaveLength(1);
    expect(layout.pages[0]!.source).toBe('ocr');
    const text = layoutLines(layout).map((l) => l.text).join('\n').toLowerCase();
    const last = String(doc.fields['patient.lastName']).toLowerCase();
    expect(text).toContain(last);
    expect(text).toMatch(/referr/);
  }, 60_000);
});
