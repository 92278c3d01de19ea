/**
 * DocumentLayout: what decoding and OCR produce and every extractor reads.
 * Coordinates are PDF points (1/72 in) from the page's top-left corner.
 */

/** [x0, y0, x1, y1] in PDF points from the page's top-left. */
export type BBox = [number, number, number, number];

export interface LayoutWord {
  text: string;
  bbox: BBox;
  /** Recognition confidence in [0,1]; 1 for a PDF text layer. */
  confidence: number;
  /**
   * OCR pages only: what a second recognition of the word's line (cut out, scaled
   * up, read as a single line) saw in the word's place; '' when it saw nothing
   * there. Absent when the line was not read twice.
   */
  reread?: string;
  /**
   * OCR pages only: the page reading missed this word's line; a reading of the line
   * cut out alone found it (decode/unread-lines.ts). Read once, it has no `reread`.
   */
  recovered?: true;
}

export interface LayoutLine {
  text: string;
  bbox: BBox;
  words: LayoutWord[];
}

export interface LayoutBlock {
  bbox: BBox;
  lines: LayoutLine[];
}

export type PageSource = 'text' | 'ocr' | 'blank';

export interface LayoutPage {
  /** 1-based. */
  pageNumber: number;
  width: number;
  height: number;
  source: PageSource;
  /** Blocks in reading order; lines within a block top to bottom. */
  blocks: LayoutBlock[];
}

export type DocumentFormat = 'pdf' | 'tiff' | 'png' | 'jpeg';

export interface DocumentLayout {
  format: DocumentFormat;
  pages: LayoutPage[];
  /** Time spent decoding and recognising, in milliseconds. */
  decodeMs: number;
}

/** Every line of a layout in reading order, with its page. */
export function layoutLines(layout: DocumentLayout): Array<LayoutLine & { pageNumber: number }> {
  const out: Array<LayoutLine & { pageNumber: number }> = [];
  for (const page of layout.pages) {
    for (const block of page.blocks) {
      for (const line of block.lines) out.push({ ...line, pageNumber: page.pageNumber });
    }
  }
  return out;
}

export function unionBBox(boxes: readonly BBox[]): BBox {
  if (boxes.length === 0) return [0, 0, 0, 0];
  let [x0, y0, x1, y1] = boxes[0]!;
  for (const b of boxes) {
    x0 = Math.min(x0, b[0]);
    y0 = Math.min(y0, b[1]);
    x1 = Math.max(x1, b[2]);
    y1 = Math.max(y1, b[3]);
  }
  return [x0, y0, x1, y1];
}
