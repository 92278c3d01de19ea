import { describe, expect, it } from 'vitest';
import type { LayoutPage } from '../layout.ts';
import type { OcrEngine, OcrImage, OcrWord, RecognizeOptions } from '../ocr/types.ts';
import { REREAD_PAD, REREAD_SCALE, rereadPage, textInside } from './reread.ts';

/** A 400x100 white image with a 1 pt = 1 px page scale. */
const image: OcrImage = { width: 400, height: 100, data: new Uint8Array(400 * 100).fill(255), dpi: 200 };
const scale = { scaleX: 1, scaleY: 1 };

function page(words: Array<[string, number, number]>): LayoutPage {
  const ws = words.map(([text, x0, x1]) => ({ text, bbox: [x0, 40, x1, 52] as [number, number, number, number], confidence: 0.9 }));
  return { pageNumber: 1, width: 400, height: 100, source: 'ocr', blocks: [{ bbox: [20, 40, 300, 52], lines: [{ text: words.map((w) => w[0]).join(' '), bbox: [20, 40, 300, 52], words: ws }] }] };
}

/** An engine that "reads" the cut-out line as the given words, placed in page pixels. */
function engineReading(words: Array<[string, number, number]>): OcrEngine & { calls: Array<{ image: OcrImage; options?: RecognizeOptions }> } {
  const calls: Array<{ image: OcrImage; options?: RecognizeOptions }> = [];
  return {
    name: 'tesseractjs',
    concurrency: 2,
    calls,
    async recognize(img, options) {
      calls.push({ image: img, ...(options ? { options } : {}) });
      // The crop starts one line height left of the line and half a height above it.
      const x0 = 20 - 12;
      const y0 = 40 - 6;
      const out: OcrWord[] = words.map(([text, a, b]) => ({ text, bbox: [(a - x0) * REREAD_SCALE, (41 - y0) * REREAD_SCALE, (b - x0) * REREAD_SCALE, (51 - y0) * REREAD_SCALE], confidence: 0.9 }));
      return { words: out, ms: 0 };
    },
    async close() {},
  };
}

describe('textInside', () => {
  const words: OcrWord[] = [
    { text: '555-', bbox: [100, 10, 130, 20], confidence: 0.9 },
    { text: '0142', bbox: [132, 10, 160, 20], confidence: 0.9 },
    { text: 'Smith', bbox: [200, 10, 240, 20], confidence: 0.9 },
  ];
  it('joins the words whose centres fall inside the box, left to right', () => {
    expect(textInside(words, [95, 8, 165, 22])).toBe('555-0142');
    expect(textInside(words, [195, 8, 245, 22])).toBe('Smith');
  });
  it('is empty when the second reading saw nothing there', () => {
    expect(textInside(words, [300, 8, 340, 22])).toBe('');
  });
});

describe('rereadPage', () => {
  it('reads each line once more at twice the scale, in single-line mode, and maps the words back', async () => {
    const p = page([['DOB:', 20, 40], ['03/14/1962', 45, 110], ['Phone', 150, 190], ['555-0142', 195, 260]]);
    const ocr = engineReading([['DOB:', 20, 40], ['03/14/1962', 45, 110], ['Phone', 150, 190], ['555-0112', 195, 260]]);
    const stats = await rereadPage(p, image, scale, ocr);
    expect(ocr.calls).toHaveLength(1);
    expect(ocr.calls[0]!.options?.layout).toBe('line');
    expect(ocr.calls[0]!.image.dpi).toBe(200 * REREAD_SCALE);
    // The crop: the line plus one line height each side and half a height above and below, doubled.
    expect(ocr.calls[0]!.image.width).toBe((300 + 12 - (20 - 12)) * REREAD_SCALE);
    expect(ocr.calls[0]!.image.height).toBe((52 + 6 - (40 - 6)) * REREAD_SCALE);
    const words = p.blocks[0]!.lines[0]!.words;
    expect(words.map((w) => w.reread)).toEqual(['DOB:', '03/14/1962', 'Phone', '555-0112']);
    expect(stats).toEqual({ lines: 1, words: 4, disagreements: 1 });
  });

  it('marks a word the second reading did not see with an empty reading', async () => {
    const p = page([['Jane', 20, 40], ['Doe', 50, 80]]);
    const stats = await rereadPage(p, image, scale, engineReading([['Jane', 20, 40]]));
    expect(p.blocks[0]!.lines[0]!.words.map((w) => w.reread)).toEqual(['Jane', '']);
    expect(stats.disagreements).toBe(1);
  });

  it('cuts the line out on white: a cell border or a neighbour\'s text in the margin is not read with it', async () => {
    // A dark vertical rule 8 px left of the line (line height 12: inside the crop's margin, outside the pad).
    const ruled: OcrImage = { ...image, data: new Uint8Array(400 * 100).fill(255) };
    for (let y = 30; y < 60; y++) ruled.data.fill(0, y * 400 + 11, y * 400 + 13);
    // and a dark glyph edge 2 px left of it (inside the pad): kept.
    for (let y = 42; y < 50; y++) ruled.data.fill(0, y * 400 + 17, y * 400 + 19);
    const ocr = engineReading([['X1234567', 20, 80]]);
    await rereadPage(page([['X1234567', 20, 80]]), ruled, scale, ocr);
    const crop = ocr.calls[0]!.image;
    const at = (x: number, y: number) => crop.data[Math.round((y - 34) * REREAD_SCALE) * crop.width + Math.round((x - 8) * REREAD_SCALE)]!;
    expect(REREAD_PAD * 12).toBeLessThan(20 - 12);
    expect(at(12, 45)).toBeGreaterThan(200);
    expect(at(18, 45)).toBeLessThan(100);
  });

  it('scales a line taller than the page\'s body text (a letterhead) less than body text', async () => {
    const tall = { text: 'Juniper Clinic', bbox: [20, 20, 300, 50] as [number, number, number, number], words: [{ text: 'Juniper', bbox: [20, 20, 150, 50] as [number, number, number, number], confidence: 0.9 }, { text: 'Clinic', bbox: [160, 20, 300, 50] as [number, number, number, number], confidence: 0.9 }] };
    const body = (y: number, text: string) => ({ text, bbox: [20, y, 200, y + 10] as [number, number, number, number], words: [{ text, bbox: [20, y, 200, y + 10] as [number, number, number, number], confidence: 0.9 }] });
    const p: LayoutPage = { pageNumber: 1, width: 400, height: 100, source: 'ocr', blocks: [{ bbox: [20, 5, 300, 95], lines: [tall, body(60, 'DOB 1/2/1960'), body(72, 'Sex F'), body(84, 'Phone 555-0100')] }] };
    const ocr = engineReading([]);
    await rereadPage(p, image, scale, ocr);
    const heights = ocr.calls.map((c) => c.image.height).sort((a, b) => a - b);
    // Body lines: (10 + 2 * 5) px at 2x = 40; the letterhead: (30 + 2 * 15) px at 2 * 10 / 30.
    expect(heights).toEqual([40, 40, 40, 40]);
  });

  it('skips lines without letters or digits', async () => {
    const p = page([['-----', 20, 80]]);
    const ocr = engineReading([]);
    const stats = await rereadPage(p, image, scale, ocr);
    expect(ocr.calls).toHaveLength(0);
    expect(stats.lines).toBe(0);
    expect(p.blocks[0]!.lines[0]!.words[0]!.reread).toBeUndefined();
  });
});
