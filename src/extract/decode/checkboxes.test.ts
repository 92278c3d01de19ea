import { describe, expect, it } from 'vitest';
import type { OcrImage, OcrWord } from '../ocr/types.ts';
import { applyCheckboxes, findCheckboxes, type Checkbox } from './checkboxes.ts';

const TEXT = 40; // median word height in pixels (about 10 pt at 300 dpi)

function page(width = 600, height = 200): OcrImage {
  return { width, height, data: new Uint8Array(width * height).fill(255), dpi: 300 };
}
function rect(img: OcrImage, x0: number, y0: number, w: number, h: number, v = 0): void {
  for (let y = y0; y < y0 + h; y += 1) img.data.fill(v, y * img.width + x0, y * img.width + x0 + w);
}
/** A square outline of side s with a stroke of t pixels. */
function box(img: OcrImage, x: number, y: number, s = 32, t = 3): void {
  rect(img, x, y, s, t);
  rect(img, x, y + s - t, s, t);
  rect(img, x, y, t, s);
  rect(img, x + s - t, y, t, s);
}
/** An X inside a box. */
function cross(img: OcrImage, x: number, y: number, s = 32): void {
  for (let i = 6; i < s - 6; i += 1) {
    rect(img, x + i, y + i, 3, 3);
    rect(img, x + s - i - 3, y + i, 3, 3);
  }
}
/** A ring (an "o" or "O"): round sides. */
function ring(img: OcrImage, cx: number, cy: number, r: number, t = 4): void {
  for (let y = cy - r; y <= cy + r; y += 1) {
    for (let x = cx - r; x <= cx + r; x += 1) {
      const d = Math.hypot(x - cx, y - cy);
      if (d <= r && d > r - t) img.data[y * img.width + x] = 0;
    }
  }
}

describe('findCheckboxes', () => {
  it('finds an empty and a checked box, and tells them apart', () => {
    const img = page();
    box(img, 50, 80);
    box(img, 200, 80);
    cross(img, 200, 80);
    const found = findCheckboxes(img, TEXT).sort((a, b) => a.bbox[0] - b.bbox[0]);
    expect(found.map((b) => b.checked)).toEqual([false, true]);
    expect(found[0]!.bbox).toEqual([50, 80, 81, 111]);
  });

  it('ignores round letters, filled text-line strokes, rules and boxes of the wrong size', () => {
    const img = page();
    ring(img, 60, 100, 16); // an "O"
    rect(img, 120, 90, 40, 4); // a dash
    rect(img, 0, 190, 600, 3); // a table rule
    box(img, 200, 60, 110); // a table cell, far bigger than text
    box(img, 400, 100, 10, 2); // far smaller than text
    expect(findCheckboxes(img, TEXT)).toEqual([]);
  });

  it('ignores a square letter that sits inside a word (its neighbours are closer than a space)', () => {
    const img = page();
    rect(img, 40, 80, 5, 32); // the stem of the letter before
    box(img, 50, 80);
    rect(img, 87, 80, 5, 32); // and the one after
    expect(findCheckboxes(img, TEXT)).toEqual([]);
  });
});

const word = (text: string, x0: number, x1: number): OcrWord => ({ text, bbox: [x0, 80, x1, 112], confidence: 0.8 });

describe('applyCheckboxes', () => {
  const empty: Checkbox = { bbox: [50, 80, 81, 111], checked: false };
  const checked: Checkbox = { bbox: [200, 80, 231, 111], checked: true };

  it("replaces OCR's reading of a box with one box word and keeps the options", () => {
    const out = applyCheckboxes([word('[J', 48, 82), word('Routine', 95, 180), word('x]', 199, 232), word('Urgent', 245, 320)], [empty, checked]);
    expect(out.map((w) => w.text).sort()).toEqual(['Routine', 'Urgent', '☐', '☒'].sort());
  });

  it('trims a box run into its option or its label, keeping the letters', () => {
    const out = applyCheckboxes([word('[JF', 48, 110), word('Gender:[X]', 120, 232)], [empty, checked]);
    const texts = out.map((w) => w.text);
    expect(texts).toContain('F');
    expect(texts).toContain('Gender:');
    expect(out.find((w) => w.text === 'F')!.bbox[0]).toBeGreaterThan(81);
  });

  it('leaves words that do not touch a box, and everything when no box was found', () => {
    const ws = [word('Name:', 300, 360)];
    expect(applyCheckboxes(ws, [empty])).toEqual([...ws, { text: '☐', bbox: [50, 80, 81, 111], confidence: 0.9 }]);
    expect(applyCheckboxes(ws, [])).toEqual(ws);
  });
});
