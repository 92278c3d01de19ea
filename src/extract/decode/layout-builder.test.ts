import { describe, expect, it } from 'vitest';
import type { BBox, LayoutWord } from '../layout.ts';
import { buildBlocks } from './layout-builder.ts';

/** Lays out words left to right from x on a line whose top is y (10 pt text). */
function words(x: number, y: number, text: string): LayoutWord[] {
  const out: LayoutWord[] = [];
  let cx = x;
  for (const t of text.split(' ')) {
    const w = t.length * 5;
    out.push({ text: t, bbox: [cx, y, cx + w, y + 10] as BBox, confidence: 0.9 });
    cx += w + 3;
  }
  return out;
}

const linesOf = (blocks: ReturnType<typeof buildBlocks>) => blocks.flatMap((b) => b.lines.map((l) => l.text));

describe('buildBlocks', () => {
  it('returns no blocks for no words', () => {
    expect(buildBlocks([])).toEqual([]);
  });

  it('keeps each label beside its value in a two-column form, row by row', () => {
    const input = [
      ...words(300, 100, 'Date of Birth: 06/19/1964'),
      ...words(40, 100, 'Name: Mann, Thomas'),
      ...words(40, 114, 'Gender: M'),
      ...words(300, 114, 'MRN: MR-228245'),
    ];
    expect(linesOf(buildBlocks(input.reverse()))).toEqual([
      'Name: Mann, Thomas',
      'Date of Birth: 06/19/1964',
      'Gender: M',
      'MRN: MR-228245',
    ]);
  });

  it('reads table cells left to right, row by row', () => {
    const input = [
      ...words(40, 200, 'Patient Name'),
      ...words(200, 200, 'Trevino, Christine'),
      ...words(400, 200, 'DOB'),
      ...words(480, 200, '4/16/1972'),
      ...words(40, 216, 'Sex'),
      ...words(400, 216, 'Phone'),
      ...words(480, 216, '254.922.7886'),
    ];
    expect(linesOf(buildBlocks(input))).toEqual(['Patient Name', 'Trevino, Christine', 'DOB', '4/16/1972', 'Sex', 'Phone', '254.922.7886']);
  });

  it('reads two columns whose lines do not align one after the other', () => {
    const left = [0, 1, 2, 3].flatMap((i) => words(40, 100 + i * 12, `left line ${i}`));
    const right = [0, 1, 2].flatMap((i) => words(320, 104 + i * 15, `right line ${i}`));
    const lines = linesOf(buildBlocks([...right, ...left]));
    expect(lines).toEqual(['left line 0', 'left line 1', 'left line 2', 'left line 3', 'right line 0', 'right line 1', 'right line 2']);
  });

  it('starts a new block after a blank line and gives blocks their bounding box', () => {
    const blocks = buildBlocks([...words(40, 100, 'first para'), ...words(40, 112, 'still first'), ...words(40, 160, 'second para')]);
    expect(blocks.map((b) => b.lines.length)).toEqual([2, 1]);
    expect(blocks[0]!.bbox[1]).toBe(100);
    expect(blocks[0]!.bbox[3]).toBe(122);
    expect(blocks[1]!.lines[0]!.words.map((w) => w.text)).toEqual(['second', 'para']);
  });
});
