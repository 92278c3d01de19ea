/**
 * Rendering PDF pages for OCR: 300 dpi gray with the right luma (read straight
 * from the canvas's pixels), a sheet too large for the OCR pixel budget rendered
 * at a lower resolution instead of refused, and renders of many pages at once
 * queued one at a time (each holds a full-page canvas while it runs).
 */
import { PDFDocument, rgb } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import type { DecodeOptions } from './limits.ts';
import { openPdf } from './pdf.ts';
import { MAX_OCR_PIXELS } from './raster.ts';

const OPTIONS: DecodeOptions = { maxBytes: 50 * 1024 * 1024, maxPages: 10, maxPagePixels: 60_000_000, pageTimeoutMs: 60_000 };

/** Pages of the given sizes (points), each with a black square and a red one near its top left. */
async function pdfWith(sizes: Array<[number, number]>): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (const [w, h] of sizes) {
    const page = doc.addPage([w, h]);
    page.drawRectangle({ x: 72, y: h - 144, width: 72, height: 72, color: rgb(0, 0, 0) });
    page.drawRectangle({ x: 216, y: h - 144, width: 72, height: 72, color: rgb(1, 0, 0) });
  }
  return doc.save();
}

describe('PDF page rendering', () => {
  it('renders a letter page at 300 dpi to gray with BT.601 luma', async () => {
    const sourceMaps = process.sourceMapsEnabled;
    const pdf = await openPdf(await pdfWith([[612, 792]]), OPTIONS);
    // pdfjs's worker module was loaded into this thread and handed over; the source-map setting is restored.
    expect((globalThis as { pdfjsWorker?: { WorkerMessageHandler?: unknown } }).pdfjsWorker?.WorkerMessageHandler).toBeDefined();
    expect(process.sourceMapsEnabled).toBe(sourceMaps);
    try {
      const r = await pdf.render(1);
      expect([r.width, r.height, r.dpiX, r.dpiY]).toEqual([2550, 3300, 300, 300]);
      const at = (xPt: number, yPt: number) => r.data[Math.round((yPt * 300) / 72) * r.width + Math.round((xPt * 300) / 72)];
      expect(at(108, 108)).toBe(0); // black square
      expect(at(252, 108)).toBe(76); // red: 0.299 * 255
      expect(at(400, 400)).toBe(255); // paper
    } finally {
      await pdf.close();
    }
  });

  it('renders a sheet too large for 300 dpi within the OCR pixel budget', async () => {
    // 40 x 40 inches: 144 MP at 300 dpi, over both the budget and the page pixel limit.
    const pdf = await openPdf(await pdfWith([[2880, 2880]]), OPTIONS);
    try {
      const r = await pdf.render(1);
      expect(r.width * r.height).toBeLessThanOrEqual(MAX_OCR_PIXELS * 1.01);
      expect(r.dpiX).toBeLessThan(300);
      expect(r.width).toBeCloseTo((2880 / 72) * r.dpiX, -1);
      expect(r.data[Math.round(r.dpiX * 1.5) * r.width + Math.round(r.dpiX * 1.5)]).toBe(0);
    } finally {
      await pdf.close();
    }
  });

  it('several pages asked for at once all render, correctly', async () => {
    const pdf = await openPdf(await pdfWith([[612, 792], [612, 792], [612, 792]]), OPTIONS);
    try {
      const rasters = await Promise.all([1, 2, 3].map((n) => pdf.render(n)));
      for (const r of rasters) {
        expect([r.width, r.height]).toEqual([2550, 3300]);
        expect(r.data[450 * r.width + 450]).toBe(0);
      }
    } finally {
      await pdf.close();
    }
  });
});
