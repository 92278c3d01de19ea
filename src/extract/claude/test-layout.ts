/**
 * Builds a DocumentLayout from plain text lines for tests: one block per page,
 * words laid out left to right at a fixed pitch so bboxes are predictable.
 * Test support only: nothing in the service imports it.
 */
import type { DocumentLayout, LayoutLine, LayoutPage, LayoutWord } from '../layout.ts';

const CHAR_W = 6;
const LINE_H = 14;

export function layoutLine(text: string, y: number, confidence = 1): LayoutLine {
  const words: LayoutWord[] = [];
  let x = 72;
  for (const part of text.split(' ')) {
    if (part !== '') words.push({ text: part, bbox: [x, y, x + part.length * CHAR_W, y + 10], confidence });
    x += (part.length + 1) * CHAR_W;
  }
  const x1 = words.length ? words[words.length - 1]!.bbox[2] : 72;
  return { text, bbox: [72, y, x1, y + 10], words };
}

/** Pages of lines; a line may be [text, ocrConfidence]. */
export function textLayout(pages: Array<Array<string | [string, number]>>, format: DocumentLayout['format'] = 'pdf'): DocumentLayout {
  const out: LayoutPage[] = pages.map((lines, i) => {
    const built = lines.map((l, j) => {
      const [text, conf] = typeof l === 'string' ? [l, 1] : l;
      return layoutLine(text, 72 + j * LINE_H, conf);
    });
    return {
      pageNumber: i + 1,
      width: 612,
      height: 792,
      source: format === 'pdf' ? 'text' : 'ocr',
      blocks: built.length ? [{ bbox: [72, 72, 540, 72 + built.length * LINE_H], lines: built }] : [],
    };
  });
  return { format, pages: out, decodeMs: 0 };
}
