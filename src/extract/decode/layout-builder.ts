/**
 * Words -> lines -> blocks in reading order, for OCR words and PDF text layers
 * alike (so extractors see one shape whatever the source).
 *
 * - A line is a run of words on one baseline band with no wide gap: a gap wider
 *   than about 1.5 line heights starts a new line, so the two columns of a form
 *   ("Name: X" ... "Date of Birth: Y") or the cells of a table row are separate
 *   lines, each keeping its label beside its value.
 * - Reading order is a recursive XY-cut that prefers horizontal cuts: form rows and
 *   table rows read left to right, row by row (labels stay next to their values);
 *   columns whose lines do not align (real two-column text) have no full-width
 *   horizontal gap, so they are cut vertically and read one column after the other.
 * - Blocks are runs of lines in that order without a blank line or a column jump
 *   between them.
 */
import { unionBBox, type BBox, type LayoutBlock, type LayoutLine, type LayoutWord } from '../layout.ts';

interface Segment {
  words: LayoutWord[];
  bbox: BBox;
}

const height = (b: BBox) => b[3] - b[1];
const median = (xs: number[]) => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

export function buildBlocks(input: readonly LayoutWord[]): LayoutBlock[] {
  const words = input.filter((w) => w.text.trim() !== '' && w.bbox[2] >= w.bbox[0] && w.bbox[3] >= w.bbox[1]);
  if (words.length === 0) return [];
  const lineHeight = Math.max(1, median(words.map((w) => height(w.bbox))));
  const segments = toSegments(words, lineHeight);
  const ordered: Segment[] = [];
  xyCut(segments, lineHeight, ordered, 0);
  return toBlocks(ordered, lineHeight);
}

function verticalOverlap(a: BBox, b: BBox): number {
  return Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
}

function toSegments(words: LayoutWord[], lineHeight: number): Segment[] {
  const sorted = [...words].sort((a, b) => a.bbox[0] - b.bbox[0] || a.bbox[1] - b.bbox[1]);
  const open: Segment[] = [];
  for (const w of sorted) {
    const h = Math.max(1, height(w.bbox));
    let best: Segment | undefined;
    let bestOverlap = 0;
    for (const seg of open) {
      const last = seg.words[seg.words.length - 1]!;
      const lh = Math.max(1, height(last.bbox));
      const overlap = verticalOverlap(last.bbox, w.bbox) / Math.min(h, lh);
      const gap = w.bbox[0] - seg.bbox[2];
      const maxGap = 1.5 * Math.max(lineHeight, Math.min(h, lh));
      if (overlap >= 0.5 && gap <= maxGap && gap >= -0.5 * Math.min(h, lh) && overlap > bestOverlap) {
        best = seg;
        bestOverlap = overlap;
      }
    }
    if (best) {
      best.words.push(w);
      best.bbox = unionBBox([best.bbox, w.bbox]);
    } else {
      open.push({ words: [w], bbox: [...w.bbox] as BBox });
    }
  }
  return open;
}

/** Gaps along one axis not covered by any interval: [start, end] of each. */
function gapsAlong(intervals: Array<[number, number]>, minGap: number): Array<[number, number]> {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const gaps: Array<[number, number]> = [];
  let reach = sorted[0]![1];
  for (let i = 1; i < sorted.length; i += 1) {
    const [s, e] = sorted[i]!;
    if (s - reach >= minGap) gaps.push([reach, s]);
    reach = Math.max(reach, e);
  }
  return gaps;
}

function splitBy(segments: Segment[], cuts: number[], key: (s: Segment) => number): Segment[][] {
  const groups: Segment[][] = cuts.map(() => []);
  groups.push([]);
  for (const s of segments) {
    const k = key(s);
    let i = 0;
    while (i < cuts.length && k > cuts[i]!) i += 1;
    groups[i]!.push(s);
  }
  return groups.filter((g) => g.length > 0);
}

const centreY = (s: Segment) => (s.bbox[1] + s.bbox[3]) / 2;

/**
 * How much the columns on either side of a gutter share rows: for each column,
 * the share of its segments with a segment of another column on the same row;
 * the highest of those. High for forms and tables (a column of values beside a
 * column of labels: read row by row), low for real columns of running text.
 */
function rowAlignment(columns: Segment[][], lineHeight: number): number {
  let best = 0;
  columns.forEach((col, i) => {
    let aligned = 0;
    for (const s of col) {
      const y = centreY(s);
      if (columns.some((other, j) => j !== i && other.some((o) => Math.abs(centreY(o) - y) < lineHeight * 0.4))) aligned += 1;
    }
    best = Math.max(best, col.length === 0 ? 0 : aligned / col.length);
  });
  return best;
}

function xyCut(segments: Segment[], lineHeight: number, out: Segment[], depth: number): void {
  if (segments.length <= 1 || depth > 400) {
    out.push(...[...segments].sort((a, b) => centreY(a) - centreY(b) || a.bbox[0] - b.bbox[0]));
    return;
  }
  const vgaps = gapsAlong(
    segments.map((s) => [s.bbox[0], s.bbox[2]]),
    lineHeight * 0.8,
  );
  const vcuts = vgaps.map(([a, b]) => (a + b) / 2);
  const byColumn = (cuts: number[]) => splitBy(segments, cuts, (s) => (s.bbox[0] + s.bbox[2]) / 2);
  // Real columns (lines not aligned across the gutter): one column after the other.
  if (vcuts.length > 0) {
    const columns = byColumn(vcuts);
    if (columns.length > 1 && rowAlignment(columns, lineHeight) < 0.5) {
      for (const g of columns) xyCut(g, lineHeight, out, depth + 1);
      return;
    }
  }
  // Otherwise cut at the widest horizontal gap (boxes shrunk a little: ascenders and
  // descenders of neighbouring OCR lines often overlap by a few pixels).
  const shrink = (s: Segment): [number, number] => {
    const m = Math.min(height(s.bbox), lineHeight) * 0.1;
    return [s.bbox[1] + m, s.bbox[3] - m];
  };
  const hgaps = gapsAlong(segments.map(shrink), 0.01);
  if (hgaps.length > 0) {
    const widest = hgaps.reduce((best, g) => (g[1] - g[0] > best[1] - best[0] ? g : best));
    const cut = (widest[0] + widest[1]) / 2;
    for (const g of splitBy(segments, [cut], centreY)) xyCut(g, lineHeight, out, depth + 1);
    return;
  }
  // One row of cells: left to right.
  if (vcuts.length > 0) {
    for (const g of byColumn(vcuts)) xyCut(g, lineHeight, out, depth + 1);
    return;
  }
  out.push(...[...segments].sort((a, b) => centreY(a) - centreY(b) || a.bbox[0] - b.bbox[0]));
}

function toLine(seg: Segment): LayoutLine {
  return { text: seg.words.map((w) => w.text).join(' '), bbox: seg.bbox, words: seg.words };
}

function toBlocks(ordered: Segment[], lineHeight: number): LayoutBlock[] {
  const blocks: LayoutBlock[] = [];
  let current: Segment[] = [];
  let prev: Segment | undefined;
  const flush = () => {
    if (current.length === 0) return;
    blocks.push({ bbox: unionBBox(current.map((s) => s.bbox)), lines: current.map(toLine) });
    current = [];
  };
  for (const seg of ordered) {
    if (prev) {
      const blankLine = seg.bbox[1] - prev.bbox[3] > lineHeight * 0.9;
      const columnJump = seg.bbox[3] < prev.bbox[1];
      if (blankLine || columnJump) flush();
    }
    current.push(seg);
    prev = seg;
  }
  flush();
  return blocks;
}
