/**
 * decodeDocument end to end on the repository's fixtures (test/fixtures/documents,
 * see its README for the truth used here): every format decodes with the right
 * page count, page sizes in PDF points and readable words on the right page;
 * text-layer pages are never OCR'd; broken input and every limit end as a typed
 * IntakeError; blank pages skip OCR. One real tesseract.js engine is shared by the
 * file, and the limit and error cases use a recording fake so they cost no OCR.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntakeError, type ErrorCode } from '../../core/errors.ts';
import type { DocumentLayout, LayoutPage, LayoutWord } from '../layout.ts';
import { createOcrEngine, type OcrEngine, type OcrImage, type RecognizeOptions } from '../ocr/index.ts';
import { recordingOcr } from '../../../test/helpers/fake-ocr.ts';
import { decodeDocument, type DecodeOptions } from './index.ts';
import { MAX_UNREAD_LINES } from './unread-lines.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/documents');
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(path.join(FIXTURES, name)));

const OPTIONS: DecodeOptions = { maxBytes: 50 * 1024 * 1024, maxPages: 100, maxPagePixels: 60_000_000, pageTimeoutMs: 60_000 };

/** Wraps an engine and records every call, so a test can tell which pages were OCR'd. */
interface CountingOcr extends OcrEngine {
  calls: Array<{ image: OcrImage; options: RecognizeOptions | undefined }>;
}
function counting(inner: OcrEngine): CountingOcr {
  const calls: CountingOcr['calls'] = [];
  return {
    name: inner.name,
    concurrency: inner.concurrency,
    calls,
    recognize(image, options) {
      calls.push({ image, options });
      return inner.recognize(image, options);
    },
    close: () => inner.close(),
  };
}

/** Whole-page recognitions (not the second, single-line readings of decode/reread.ts). */
const pageCalls = (ocr: CountingOcr) => ocr.calls.filter((c) => c.options?.layout !== 'line');
const lineCalls = (ocr: CountingOcr) => ocr.calls.filter((c) => c.options?.layout === 'line');

const pageWords = (page: LayoutPage): LayoutWord[] => page.blocks.flatMap((b) => b.lines.flatMap((l) => l.words));
const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
const hasWord = (page: LayoutPage, word: string) => pageWords(page).some((w) => norm(w.text) === norm(word));

/** Every word box lies inside its page (a little slack for boxes on the very edge). */
function expectBoxesInside(layout: DocumentLayout): void {
  for (const page of layout.pages) {
    for (const w of pageWords(page)) {
      const [x0, y0, x1, y1] = w.bbox;
      expect(x0).toBeGreaterThanOrEqual(-1);
      expect(y0).toBeGreaterThanOrEqual(-1);
      expect(x1).toBeLessThanOrEqual(page.width + 1);
      expect(y1).toBeLessThanOrEqual(page.height + 1);
      expect(x1).toBeGreaterThan(x0);
      expect(y1).toBeGreaterThan(y0);
      expect(w.confidence).toBeGreaterThanOrEqual(0);
      expect(w.confidence).toBeLessThanOrEqual(1);
    }
  }
}

async function codeOf(work: Promise<unknown>): Promise<ErrorCode> {
  try {
    await work;
  } catch (error) {
    expect(error).toBeInstanceOf(IntakeError);
    return (error as IntakeError).code;
  }
  throw new Error('expected an IntakeError, got a layout');
}

/** A white letter-size page at 200 dpi with a little speckle, as a PNG. */
async function blankPagePng(): Promise<Uint8Array> {
  const width = 1700;
  const height = 2200;
  const data = Buffer.alloc(width * height, 255);
  for (let i = 0; i < 40; i += 1) data[(200 + i * 47) * width + 300 + i * 29] = 0;
  return new Uint8Array(await sharp(data, { raw: { width, height, channels: 1 } }).withMetadata({ density: 200 }).png().toBuffer());
}

let engine: OcrEngine;

beforeAll(async () => {
  engine = await createOcrEngine({ OCR_ENGINE: 'tesseractjs', OCR_WORKERS: 2, OCR_WORKER_START_TIMEOUT_MS: 30_000 });
});

afterAll(async () => {
  await engine?.close();
});

describe('decodeDocument: every format', () => {
  it('reads a digital PDF from its text layer without any OCR', async () => {
    const ocr = counting(engine);
    const layout = await decodeDocument(fixture('digital-referral.pdf'), OPTIONS, { ocr });
    expect(layout.format).toBe('pdf');
    expect(layout.pages).toHaveLength(1);
    const [page] = layout.pages;
    expect(page).toMatchObject({ pageNumber: 1, source: 'text' });
    expect(page!.width).toBeCloseTo(612, 0);
    expect(page!.height).toBeCloseTo(792, 0);
    expect(hasWord(page!, 'Farrell')).toBe(true);
    expect(hasWord(page!, '1605533953')).toBe(true);
    expect(pageWords(page!).every((w) => w.confidence === 1)).toBe(true);
    expect(ocr.calls).toHaveLength(0);
    expectBoxesInside(layout);
  });

  it('renders and OCRs an image-only PDF scan', async () => {
    const ocr = counting(engine);
    const layout = await decodeDocument(fixture('scanned-referral.pdf'), OPTIONS, { ocr });
    expect(layout.format).toBe('pdf');
    expect(layout.pages).toHaveLength(1);
    expect(layout.pages[0]).toMatchObject({ pageNumber: 1, source: 'ocr' });
    expect(layout.pages[0]!.width).toBeCloseTo(612, 0);
    expect(layout.pages[0]!.height).toBeCloseTo(792, 0);
    expect(hasWord(layout.pages[0]!, 'Taylor')).toBe(true);
    expect(pageCalls(ocr)).toHaveLength(1);
    // Rendered at about 300 dpi.
    expect(pageCalls(ocr)[0]!.image.dpi).toBe(300);
    // Every line with text read a second time, cut out at twice the scale (body text) or less (the title).
    // (A line the page reading missed is read once more, alone: decode/unread-lines.ts.)
    const lines = layout.pages[0]!.blocks.flatMap((b) => b.lines).filter((l) => /[\p{L}\p{N}]/u.test(l.text) && l.words.some((w) => !w.recovered));
    expect(lineCalls(ocr).length).toBeGreaterThanOrEqual(lines.length);
    expect(lineCalls(ocr).length).toBeLessThanOrEqual(lines.length + MAX_UNREAD_LINES);
    expect(lineCalls(ocr).every((c) => c.image.dpi >= 150 && c.image.dpi <= 600 && c.image.height < pageCalls(ocr)[0]!.image.height / 4)).toBe(true);
    expect(lineCalls(ocr).filter((c) => c.image.dpi === 600).length).toBeGreaterThan(lines.length / 2);
    expectBoxesInside(layout);
  });

  it('decodes both pages of a fine (204x196) G4 fax; the name is on page 2', async () => {
    const ocr = counting(engine);
    const layout = await decodeDocument(fixture('fax-fine-g4.tif'), OPTIONS, { ocr });
    expect(layout.format).toBe('tiff');
    expect(layout.pages.map((p) => [p.pageNumber, p.source])).toEqual([
      [1, 'ocr'],
      [2, 'ocr'],
    ]);
    for (const p of layout.pages) {
      // 1728 px / 204 dpi and 2156 px / 196 dpi, in points.
      expect(p.width).toBeCloseTo((1728 / 204) * 72, 0);
      expect(p.height).toBeCloseTo((2156 / 196) * 72, 0);
    }
    expect(hasWord(layout.pages[1]!, 'Carter')).toBe(true);
    expect(hasWord(layout.pages[0]!, 'Carter')).toBe(false);
    // Every word the page reading found carries its second reading; on a clean fine fax nearly all agree.
    // (A word it missed, read once more alone, is marked recovered instead: decode/unread-lines.ts.)
    const words = layout.pages.flatMap(pageWords).filter((w) => /[\p{L}\p{N}]/u.test(w.text) && !w.recovered);
    expect(words.every((w) => typeof w.reread === 'string')).toBe(true);
    expect(words.filter((w) => norm(w.reread!) === norm(w.text)).length / words.length).toBeGreaterThan(0.85);
    expect(pageCalls(ocr)).toHaveLength(2);
    // The timeout per page reaches the engine.
    expect(ocr.calls.every((c) => c.options?.timeoutMs === OPTIONS.pageTimeoutMs)).toBe(true);
    expectBoxesInside(layout);
  });

  it('stretches a standard (204x98) G4 fax to square pixels and reads page 2', async () => {
    const ocr = counting(engine);
    const layout = await decodeDocument(fixture('fax-standard-g4.tif'), OPTIONS, { ocr });
    expect(layout.format).toBe('tiff');
    expect(layout.pages).toHaveLength(2);
    for (const p of layout.pages) {
      expect(p.width).toBeCloseTo(609.9, 0);
      expect(p.height).toBeCloseTo(792, 0);
    }
    // The OCR image has twice the rows of the 98 dpi original and square pixels.
    const original = await sharp(fixture('fax-standard-g4.tif'), { page: 1 }).metadata();
    const image = ocr.calls.map((c) => c.image).find((i) => i.width === original.width)!;
    expect(image.height).toBe(original.height! * 2);
    expect(hasWord(layout.pages[1]!, 'Watsson')).toBe(true);
    expectBoxesInside(layout);
  });

  it('reads a phone photo (JPEG) as one page', async () => {
    const ocr = counting(engine);
    const bytes = fixture('photo-referral.jpg');
    const layout = await decodeDocument(bytes, OPTIONS, { ocr });
    expect(layout.format).toBe('jpeg');
    expect(layout.pages).toHaveLength(1);
    const meta = await sharp(bytes).metadata();
    const dpi = meta.density && meta.density > 1 ? meta.density : 72;
    // EXIF orientation 5-8 swaps the axes.
    const [w, h] = (meta.orientation ?? 1) >= 5 ? [meta.height!, meta.width!] : [meta.width!, meta.height!];
    expect(layout.pages[0]!.width).toBeCloseTo((w / dpi) * 72, 0);
    expect(layout.pages[0]!.height).toBeCloseTo((h / dpi) * 72, 0);
    expect(hasWord(layout.pages[0]!, 'Anderson')).toBe(true);
    expect(pageCalls(ocr)).toHaveLength(1);
    expectBoxesInside(layout);
  });
});

describe('decodeDocument: broken input ends as a typed reason', () => {
  const cases: Array<[string, () => Uint8Array, ErrorCode]> = [
    ['zero bytes', () => new Uint8Array(0), 'EMPTY_DOCUMENT'],
    ['a truncated PDF', () => fixture('truncated.pdf'), 'PDF_CORRUPT'],
    ['a password-protected PDF', () => fixture('encrypted.pdf'), 'PDF_ENCRYPTED'],
    ['a .docx renamed .pdf', () => fixture('docx-renamed.pdf'), 'UNSUPPORTED_FORMAT'],
    ['plain text renamed .pdf', () => fixture('text-renamed.pdf'), 'UNSUPPORTED_FORMAT'],
    ['random bytes', () => new Uint8Array(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251)), 'UNSUPPORTED_FORMAT'],
    ['a TIFF with a corrupt G4 strip', () => fixture('corrupt-strip.tif'), 'TIFF_CORRUPT'],
    ['a TIFF cut after its header', () => fixture('fax-fine-g4.tif').slice(0, 600), 'TIFF_CORRUPT'],
    ['a JPEG cut in half', () => fixture('photo-referral.jpg').slice(0, 2000), 'IMAGE_CORRUPT'],
  ];

  it.each(cases)('%s', async (_name, bytes, code) => {
    const ocr = recordingOcr();
    expect(await codeOf(decodeDocument(bytes(), OPTIONS, { ocr }))).toBe(code);
    // Pages decode in parallel: only a TIFF's other intact page may have reached OCR.
    expect(ocr.images.length).toBeLessThanOrEqual(code === 'TIFF_CORRUPT' ? 1 : 0);
  });

  it('a thrown message carries no document text', async () => {
    const error = await decodeDocument(fixture('encrypted.pdf'), OPTIONS, { ocr: recordingOcr() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntakeError);
    expect((error as Error).message).toBe('PDF is password-protected');
  });
});

describe('decodeDocument: limits trip as configured', () => {
  it('bytes per document', async () => {
    const bytes = fixture('fax-fine-g4.tif');
    const ocr = recordingOcr();
    expect(await codeOf(decodeDocument(bytes, { ...OPTIONS, maxBytes: bytes.length - 1 }, { ocr }))).toBe('LIMIT_BYTES');
    // Exactly at the limit is allowed.
    await expect(decodeDocument(bytes, { ...OPTIONS, maxBytes: bytes.length }, { ocr })).resolves.toMatchObject({ format: 'tiff' });
  });

  it('pages per document (TIFF and PDF), before any page is decoded', async () => {
    const ocr = recordingOcr();
    expect(await codeOf(decodeDocument(fixture('fax-fine-g4.tif'), { ...OPTIONS, maxPages: 1 }, { ocr }))).toBe('LIMIT_PAGES');
    const pdf = await PDFDocument.create();
    for (let i = 0; i < 3; i += 1) pdf.addPage([612, 792]);
    const threePages = await pdf.save();
    expect(await codeOf(decodeDocument(threePages, { ...OPTIONS, maxPages: 2 }, { ocr }))).toBe('LIMIT_PAGES');
    expect(ocr.images).toHaveLength(0);
    // At the limit, the empty pages decode and are skipped as blank.
    const layout = await decodeDocument(threePages, { ...OPTIONS, maxPages: 3 }, { ocr });
    expect(layout.pages.map((p) => p.source)).toEqual(['blank', 'blank', 'blank']);
    expect(ocr.images).toHaveLength(0);
  });

  it('pixels per page (decompression bombs) on TIFF, JPEG and a rendered PDF page', async () => {
    const ocr = recordingOcr();
    const small = { ...OPTIONS, maxPagePixels: 1_000_000 };
    expect(await codeOf(decodeDocument(fixture('fax-fine-g4.tif'), small, { ocr }))).toBe('LIMIT_PIXELS');
    expect(await codeOf(decodeDocument(fixture('photo-referral.jpg'), small, { ocr }))).toBe('LIMIT_PIXELS');
    expect(await codeOf(decodeDocument(fixture('scanned-referral.pdf'), small, { ocr }))).toBe('LIMIT_PIXELS');
    // A PNG header claiming 100,000 x 100,000 pixels is refused before decoding.
    const bomb = new Uint8Array(await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ffffff' } }).png().toBuffer());
    const view = new DataView(bomb.buffer, bomb.byteOffset);
    view.setUint32(16, 100_000);
    view.setUint32(20, 100_000);
    view.setUint32(29, crc32(bomb.subarray(12, 29)));
    expect(await codeOf(decodeDocument(bomb, OPTIONS, { ocr }))).toBe('LIMIT_PIXELS');
    expect(ocr.images).toHaveLength(0);
    // A text-layer page is never rendered, so the pixel limit does not apply to it.
    await expect(decodeDocument(fixture('digital-referral.pdf'), { ...OPTIONS, maxPagePixels: 1 }, { ocr })).resolves.toMatchObject({
      format: 'pdf',
    });
  });

  it('time per page', async () => {
    const ocr = recordingOcr();
    const tight = { ...OPTIONS, pageTimeoutMs: 1 };
    expect(await codeOf(decodeDocument(fixture('fax-fine-g4.tif'), tight, { ocr }))).toBe('PAGE_TIMEOUT');
    expect(await codeOf(decodeDocument(fixture('photo-referral.jpg'), tight, { ocr }))).toBe('PAGE_TIMEOUT');
    expect(await codeOf(decodeDocument(fixture('scanned-referral.pdf'), tight, { ocr }))).toBe('PAGE_TIMEOUT');
  });
});

describe('decodeDocument: no work that is not needed', () => {
  it('detects a blank page cheaply and never OCRs it', async () => {
    const ocr = counting(engine);
    const layout = await decodeDocument(await blankPagePng(), OPTIONS, { ocr });
    expect(layout.format).toBe('png');
    expect(layout.pages).toHaveLength(1);
    expect(layout.pages[0]).toMatchObject({ source: 'blank', blocks: [] });
    expect(layout.pages[0]!.width).toBeCloseTo((1700 / 200) * 72, 0);
    expect(ocr.calls).toHaveLength(0);
  });

  it('a page with text is not taken for blank', async () => {
    const ocr = recordingOcr();
    const layout = await decodeDocument(fixture('fax-fine-g4.tif'), OPTIONS, { ocr });
    expect(layout.pages.map((p) => p.source)).toEqual(['ocr', 'ocr']);
    expect(ocr.images).toHaveLength(2);
  });
});
