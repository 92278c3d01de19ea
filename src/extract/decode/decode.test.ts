/**
 * Decoding without real OCR (a recording engine stands in): formats, page
 * counts and sizes, text layers never OCR'd, blank pages skipped, standard faxes
 * stretched, every broken input and every limit a typed error.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { recordingOcr } from '../../../test/helpers/fake-ocr.ts';
import { testConfig } from '../../config/config.ts';
import { IntakeError, type ErrorCode } from '../../core/errors.ts';
import { layoutLines } from '../layout.ts';
import { decodeDocument, decodeOptionsFromConfig, type DecodeOptions } from './index.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/documents');
const fixture = (name: string) => new Uint8Array(readFileSync(path.join(FIXTURES, name)));
const OPTIONS: DecodeOptions = { maxBytes: 50 * 1024 * 1024, maxPages: 100, maxPagePixels: 60_000_000, pageTimeoutMs: 60_000 };

async function codeOf(promise: Promise<unknown>): Promise<ErrorCode | 'resolved'> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    expect(error).toBeInstanceOf(IntakeError);
    return (error as IntakeError).code;
  }
}

/** A synthetic multi-page gray TIFF (fax-sized): `pages` pages, each with a black bar unless blank. */
async function makeFax(pages: Array<'ink' | 'blank'>, dpiY = 196): Promise<Uint8Array> {
  const height = dpiY === 98 ? 1078 : 2156;
  const frames = await Promise.all(
    pages.map((kind) => {
      const page = sharp({ create: { width: 1728, height, channels: 3, background: '#ffffff' } });
      if (kind === 'blank') return page.greyscale().raw().toBuffer();
      const bar = { input: { create: { width: 1200, height: 200, channels: 3 as const, background: '#000000' } }, left: 200, top: 400 };
      return page.composite([bar]).greyscale().raw().toBuffer();
    }),
  );
  const joined = Buffer.concat(frames.map((f) => (f.length === 1728 * height ? f : f.subarray(0, 1728 * height))));
  const tiff = await sharp(joined, { raw: { width: 1728, height: height * pages.length, channels: 1, pageHeight: height } })
      .tiff({ compression: 'lzw', xres: 204 / 25.4, yres: dpiY / 25.4, resolutionUnit: 'inch' })
    .toBuffer();
  return new Uint8Array(tiff);
}

describe('decodeDocument', () => {
  it('builds its options from the config', () => {
    const opts = decodeOptionsFromConfig(testConfig({ MAX_PAGES: '7', MAX_DOCUMENT_BYTES: '1000', MAX_PAGE_PIXELS: '99', PAGE_TIMEOUT_MS: '1234' }));
    expect(opts).toEqual({ maxBytes: 1000, maxPages: 7, maxPagePixels: 99, pageTimeoutMs: 1234 });
  });

  it('reads a digital PDF from its text layer without any OCR', async () => {
    const ocr = recordingOcr();
    const layout = await decodeDocument(fixture('digital-referral.pdf'), OPTIONS, { ocr });
    expect(layout.format).toBe('pdf');
    expect(layout.pages).toHaveLength(1);
    expect(layout.pages[0]).toMatchObject({ pageNumber: 1, source: 'text', width: 612, height: 792 });
    expect(ocr.images).toHaveLength(0);
    const words = layout.pages[0]!.blocks.flatMap((b) => b.lines.flatMap((l) => l.words));
    const farrell = words.find((w) => w.text.replace(/\W/g, '') === 'Farrell');
    expect(farrell?.confidence).toBe(1);
    // Inside the page, in points from the top-left.
    const [x0, y0, x1, y1] = farrell!.bbox;
    expect(x0).toBeGreaterThanOrEqual(0);
    expect(x1).toBeLessThanOrEqual(612);
    expect(y0).toBeLessThan(y1);
    expect(y1).toBeLessThan(792);
    expect(layoutLines(layout).some((l) => l.text.includes('1605533953'))).toBe(true);
  });

  it('renders an image-only PDF page and sends it to OCR at 300 dpi', async () => {
    const ocr = recordingOcr();
    const layout = await decodeDocument(fixture('scanned-referral.pdf'), OPTIONS, { ocr });
    expect(layout.pages.map((p) => p.source)).toEqual(['ocr']);
    expect(ocr.images).toHaveLength(1);
    expect(ocr.images[0]).toMatchObject({ width: 2550, dpi: 300 });
    expect(Math.abs(ocr.images[0]!.height - 3300)).toBeLessThanOrEqual(1);
  });

  it('decodes every page of a fine G4 fax, sized in points from its 204x196 dpi', async () => {
    const ocr = recordingOcr();
    const layout = await decodeDocument(fixture('fax-fine-g4.tif'), OPTIONS, { ocr });
    expect(layout.format).toBe('tiff');
    expect(layout.pages.map((p) => p.pageNumber)).toEqual([1, 2]);
    expect(layout.pages[0]!.width).toBeCloseTo((1728 / 204) * 72, 1);
    expect(layout.pages[0]!.height).toBeCloseTo((2156 / 196) * 72, 1);
    expect(ocr.images.map((i) => [i.width, i.height])).toEqual([
      [1728, 2156],
      [1728, 2156],
    ]);
  });

  it('stretches a standard 204x98 fax to square pixels before OCR, keeping its size in points', async () => {
    const ocr = recordingOcr(() => [{ text: 'Watsson', bbox: [100, 200, 300, 240], confidence: 0.9 }]);
    const layout = await decodeDocument(fixture('fax-standard-g4.tif'), OPTIONS, { ocr, reread: false });
    expect(layout.pages).toHaveLength(2);
    expect(ocr.images.map((i) => i.height)).toEqual([2156, 2156]);
    expect(layout.pages[0]!.height).toBeCloseTo((1078 / 98) * 72, 1);
    // OCR pixels map back to points: y 200 px of the stretched page is 200/196 in.
    const word = layout.pages[1]!.blocks[0]!.lines[0]!.words[0]!;
    expect(word.bbox[1]).toBeCloseTo((200 / 196) * 72, 0);
    expect(word.bbox[0]).toBeCloseTo((100 / 204) * 72, 0);
  });

  it('skips blank pages without OCR', async () => {
    const ocr = recordingOcr();
    const layout = await decodeDocument(await makeFax(['ink', 'blank', 'ink']), OPTIONS, { ocr });
    expect(layout.pages.map((p) => p.source)).toEqual(['ocr', 'blank', 'ocr']);
    expect(layout.pages[1]!.blocks).toEqual([]);
    expect(ocr.images).toHaveLength(2);
  });

  it('decodes a phone photo as one page, upscaled for OCR', async () => {
    const ocr = recordingOcr();
    const layout = await decodeDocument(fixture('photo-referral.jpg'), OPTIONS, { ocr });
    expect(layout.format).toBe('jpeg');
    expect(layout.pages).toHaveLength(1);
    expect(layout.pages[0]).toMatchObject({ width: 1505, height: 1914, source: 'ocr' });
    expect(ocr.images[0]!.width).toBe(1505 * 2);
  });

  it('honours EXIF orientation', async () => {
    // 300x100 landscape pixels stored with orientation 6 (rotate 90 deg to display): a portrait page.
    const jpeg = await sharp({ create: { width: 300, height: 100, channels: 3, background: '#ffffff' } })
      .composite([{ input: { create: { width: 200, height: 40, channels: 3, background: '#000000' } }, left: 50, top: 30 }])
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const layout = await decodeDocument(new Uint8Array(jpeg), OPTIONS, { ocr: recordingOcr() });
    expect(layout.pages[0]).toMatchObject({ width: 100, height: 300 });
  });

  it.each([
    ['an empty file', () => new Uint8Array(0), 'EMPTY_DOCUMENT'],
    ['a truncated PDF', () => fixture('truncated.pdf'), 'PDF_CORRUPT'],
    ['a password-protected PDF', () => fixture('encrypted.pdf'), 'PDF_ENCRYPTED'],
    ['a .docx renamed .pdf', () => fixture('docx-renamed.pdf'), 'UNSUPPORTED_FORMAT'],
    ['plain text renamed .pdf', () => fixture('text-renamed.pdf'), 'UNSUPPORTED_FORMAT'],
    ['a TIFF with a corrupt G4 strip', () => fixture('corrupt-strip.tif'), 'TIFF_CORRUPT'],
    ['a TIFF header with nothing after it', () => new Uint8Array([0x49, 0x49, 0x2a, 0x00, 0xff, 0xff, 0xff, 0x7f]), 'TIFF_CORRUPT'],
    ['a truncated JPEG', () => fixture('photo-referral.jpg').subarray(0, 5000), 'IMAGE_CORRUPT'],
    ['a PNG signature and junk', () => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]), 'IMAGE_CORRUPT'],
    ['a PDF header and junk', () => new TextEncoder().encode('%PDF-1.7\n' + 'x'.repeat(500)), 'PDF_CORRUPT'],
  ] as const)('rejects %s with %s', async (_name, bytes, code) => {
    const ocr = recordingOcr();
    expect(await codeOf(decodeDocument(bytes(), OPTIONS, { ocr }))).toBe(code);
  });

  it('trips the byte limit before reading anything', async () => {
    expect(await codeOf(decodeDocument(fixture('digital-referral.pdf'), { ...OPTIONS, maxBytes: 1000 }, { ocr: recordingOcr() }))).toBe('LIMIT_BYTES');
  });

  it('trips the page limit on TIFF and PDF', async () => {
    const ocr = recordingOcr();
    expect(await codeOf(decodeDocument(fixture('fax-fine-g4.tif'), { ...OPTIONS, maxPages: 1 }, { ocr }))).toBe('LIMIT_PAGES');
    expect(await codeOf(decodeDocument(await makeFax(['ink', 'ink', 'ink']), { ...OPTIONS, maxPages: 2 }, { ocr }))).toBe('LIMIT_PAGES');
    expect(ocr.images).toHaveLength(0);
  });

  it('trips the pixel limit from headers, before decoding pixels (decompression bombs)', async () => {
    const ocr = recordingOcr();
    const small = { ...OPTIONS, maxPagePixels: 1_000_000 };
    expect(await codeOf(decodeDocument(fixture('fax-fine-g4.tif'), small, { ocr }))).toBe('LIMIT_PIXELS');
    expect(await codeOf(decodeDocument(fixture('photo-referral.jpg'), small, { ocr }))).toBe('LIMIT_PIXELS');
    expect(await codeOf(decodeDocument(fixture('scanned-referral.pdf'), small, { ocr }))).toBe('LIMIT_PIXELS');
    // A 20000x20000 white PNG is a few kB: its header alone must stop it.
    const bomb = await sharp({ create: { width: 20_000, height: 20_000, channels: 3, background: '#ffffff' }, limitInputPixels: false }).greyscale().png({ compressionLevel: 9 }).toBuffer();
    expect(await codeOf(decodeDocument(new Uint8Array(bomb), OPTIONS, { ocr }))).toBe('LIMIT_PIXELS');
    expect(ocr.images).toHaveLength(0);
  });

  it('trips the time limit per page', async () => {
    expect(await codeOf(decodeDocument(fixture('scanned-referral.pdf'), { ...OPTIONS, pageTimeoutMs: 1 }, { ocr: recordingOcr() }))).toBe('PAGE_TIMEOUT');
  });
});
