/**
 * Page images: a PDF generated in the test (pdf-lib) renders at the requested
 * dpi with its ink where PDF coordinates put it, and evidence boxes (PDF points
 * from the top-left) land on the same spot.
 */
import { PDFDocument, rgb } from 'pdf-lib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../config/config.ts';
import { AuthFailureLimiter } from './api/auth.ts';
import { boxesSvg, createPageRenderer } from './page-image.ts';

async function pdfWithSquare(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage([612, 792]);
  const page = doc.addPage([612, 792]);
  // pdf-lib uses bottom-left origin: top-left (100,100)-(200,150) in page-from-top terms.
  page.drawRectangle({ x: 100, y: 792 - 150, width: 100, height: 50, color: rgb(0, 0, 0) });
  return Buffer.from(await doc.save());
}

async function pixel(png: Buffer, x: number, y: number): Promise<number> {
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  return data[y * info.width + x]!;
}

describe('page images', () => {
  const render = createPageRenderer(testConfig());

  it('renders the requested PDF page at the requested dpi, ink where the coordinates say', async () => {
    const bytes = await pdfWithSquare();
    const png = await render({ bytes, mediaType: 'application/pdf', page: 2, boxes: [], dpi: 72 });
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height]).toEqual([612, 792]);
    expect(await pixel(png, 150, 125)).toBeLessThan(30);
    expect(await pixel(png, 150, 300)).toBeGreaterThan(225);
    const blankFirst = await render({ bytes, mediaType: 'application/pdf', page: 1, boxes: [], dpi: 72 });
    expect(await pixel(blankFirst, 150, 125)).toBeGreaterThan(225);
    await expect(render({ bytes, mediaType: 'application/pdf', page: 3, boxes: [], dpi: 72 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('draws evidence boxes in page coordinates, scaled with the dpi', async () => {
    const bytes = await pdfWithSquare();
    const png = await render({
      bytes,
      mediaType: 'application/pdf',
      page: 1,
      boxes: [{ bbox: [300, 400, 400, 420], label: 'patient.dob', weak: true }],
      dpi: 144,
    });
    // the stroke runs along the box's top edge: y = 400 pt × 2 = 800 px (±2 px of padding)
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => data[(y * info.width + x) * info.channels]! + data[(y * info.width + x) * info.channels + 2]!;
    expect(at(700, 798)).not.toBe(at(700, 600));
    expect(at(700, 600)).toBe(510);
    expect(boxesSvg(10, 10, 72, [{ bbox: [0, 0, 1, 1], label: '<script>', weak: false }])).not.toContain('<script>');
  });

  it('refuses bytes that are not a document', async () => {
    await expect(render({ bytes: Buffer.from('hello world'), mediaType: 'text/plain', page: 1, boxes: [], dpi: 72 })).rejects.toMatchObject({
      code: 'UNSUPPORTED_FORMAT',
    });
  });
});

describe('AuthFailureLimiter', () => {
  it('blocks an address after N failures in a minute, and frees it after', () => {
    let now = 1_000_000;
    const limiter = new AuthFailureLimiter(3, () => now);
    for (let i = 0; i < 3; i++) {
      expect(limiter.blockedFor('a')).toBe(0);
      limiter.fail('a');
    }
    expect(limiter.blockedFor('a')).toBe(60);
    expect(limiter.blockedFor('b')).toBe(0);
    now += 61_000;
    expect(limiter.blockedFor('a')).toBe(0);
  });
});
