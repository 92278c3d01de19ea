import { describe, expect, it } from 'vitest';
import type { LayoutPage } from '../layout.ts';
import type { OcrEngine, OcrImage, OcrWord, RecognizeOptions } from '../ocr/types.ts';
import { REREAD_SCALE, rereadPage, textInside } from './reread.ts';

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

  it('skips lines without letters or digits', async () => {
    const p = page([['-----', 20, 80]]);
    const ocr = engineReading([]);
    const stats = await rereadPage(p, image, scale, ocr);
    expect(ocr.calls).toHaveLength(0);
    expect(stats.lines).toBe(0);
    expect(p.blocks[0]!.lines[0]!.words[0]!.reread).toBeUndefined();
  });
});
