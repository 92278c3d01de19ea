/**
 * Finding lines the page reading missed: glyph-sized ink no word covers, in a row.
 * Rasters are drawn by hand (letter-like outlines, specks, rules, a dark background).
 */
import { describe, expect, it } from 'vitest';
import type { OcrImage, OcrWord } from '../ocr/types.ts';
import { findUnreadLines } from './unread-lines.ts';

const W = 600;
const H = 300;

function blank(): OcrImage {
  return { width: W, height: H, data: new Uint8Array(W * H).fill(255), dpi: 200 };
}

function fill(img: OcrImage, x0: number, y0: number, x1: number, y1: number): void {
  for (let y = y0; y < y1; y++) img.data.fill(0, y * img.width + x0, y * img.width + x1);
}

/** A letter-like outline, 12 wide and 20 tall, its stroke 2. */
function glyph(img: OcrImage, x: number, y: number): void {
  fill(img, x, y, x + 12, y + 2);
  fill(img, x, y + 18, x + 12, y + 20);
  fill(img, x, y, x + 2, y + 20);
  fill(img, x + 10, y, x + 12, y + 20);
}

/** `n` glyphs from x, 16 apart (a word's letters). */
function word(img: OcrImage, x: number, y: number, n: number): void {
  for (let i = 0; i < n; i++) glyph(img, x + i * 16, y);
}

const read = (x0: number, y0: number, x1: number, y1: number): OcrWord => ({ text: 'word', bbox: [x0, y0, x1, y1], confidence: 0.9 });

describe('findUnreadLines', () => {
  it('finds a row of letters no word covers, and not the row a word covers', () => {
    const img = blank();
    word(img, 40, 40, 6); // read by OCR
    word(img, 40, 120, 5); // missed
    const found = findUnreadLines(img, [read(40, 40, 132, 60)], 20);
    expect(found).toHaveLength(1);
    const [x0, y0, x1, y1] = found[0]!;
    expect([x0, y0]).toEqual([40, 120]);
    expect([x1, y1]).toEqual([40 + 4 * 16 + 12, 140]);
  });

  it('joins the words of a missed line across a word gap, not across a column gap', () => {
    const img = blank();
    word(img, 40, 120, 3);
    word(img, 40 + 3 * 16 + 14, 120, 3); // a space's width on
    word(img, 420, 120, 4); // the next column
    const found = findUnreadLines(img, [], 20);
    expect(found.map((b) => b[0])).toEqual([40, 420]);
    expect(found[0]![2]).toBe(40 + 3 * 16 + 14 + 2 * 16 + 12);
  });

  it('passes over specks, leader dots, rules, a solid block, a dark background and a lone mark', () => {
    const img = blank();
    for (let x = 40; x < 300; x += 8) fill(img, x, 60, x + 2, 62); // leader dots
    fill(img, 20, 100, 580, 102); // a table rule
    fill(img, 40, 140, 52, 160); // a solid block of glyph size ...
    fill(img, 60, 140, 72, 160); // ... three of them (a redaction, a bar code)
    fill(img, 80, 140, 92, 160);
    glyph(img, 300, 140); // two marks (a box and an initial)
    glyph(img, 320, 140);
    fill(img, 0, 200, W, H); // the table under a photographed page
    expect(findUnreadLines(img, [], 20)).toEqual([]);
  });

  it('finds nothing without a text height (a page with no word read)', () => {
    const img = blank();
    word(img, 40, 120, 5);
    expect(findUnreadLines(img, [], 0)).toEqual([]);
  });
});
