/**
 * Checkboxes and radio buttons that a digital PDF draws as vector graphics. The
 * text layer of such a form says "Routine Urgent STAT" with no trace of which box
 * is ticked; the tick is a path (an X, a check mark, a filled square or dot)
 * inside a small square or circle. This module finds those boxes in the page's
 * operator list and turns each into a word, "☒" (marked) or "☐" (empty), at the
 * box's position, so the layout reads "☐ Routine ☒ Urgent ☐ STAT" like a form
 * that writes its boxes as characters. A one-character "X"/"✓" text glyph
 * sitting inside a drawn box marks it too (and is absorbed into the box word).
 */
import type { BBox, LayoutWord } from '../layout.ts';

/** The pdfjs operator ids this reader needs (pdfjs's OPS table). */
export interface PdfOps {
  save: number;
  restore: number;
  transform: number;
  constructPath: number;
  fill: number;
  eoFill: number;
  fillStroke: number;
  eoFillStroke: number;
  closeFillStroke: number;
  closeEOFillStroke: number;
  setFillRGBColor: number;
  setFillGray: number;
}

export interface OperatorList {
  fnArray: ArrayLike<number>;
  argsArray: ArrayLike<unknown>;
}

type Matrix = readonly number[];

/** Side of a checkbox or radio button, in points. */
const MIN_SIDE = 4;
const MAX_SIDE = 18;
/** pdfjs path data opcodes (DrawOPS). */
const MOVE = 0;
const LINE = 1;
const CURVE = 2;
const QUAD = 3;
const CLOSE = 4;

const MARK_GLYPH = /^[xX×✓✔✗✘■●•]$/;

interface Shape {
  bbox: BBox;
  closed: boolean;
  filled: boolean;
  dark: boolean;
}

function apply(m: Matrix, x: number, y: number): [number, number] {
  return [m[0]! * x + m[2]! * y + m[4]!, m[1]! * x + m[3]! * y + m[5]!];
}

/** Luminance of a pdfjs fill colour ("#rrggbb" or [r, g, b] 0-255) is under half. */
function isDark(color: unknown): boolean {
  let rgb: number[] | null = null;
  if (typeof color === 'string' && /^#[0-9a-f]{6}$/i.test(color)) rgb = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
  else if (Array.isArray(color) && color.length >= 3) rgb = color.slice(0, 3).map(Number);
  if (!rgb || rgb.some((v) => !Number.isFinite(v))) return true;
  return 0.299 * rgb[0]! + 0.587 * rgb[1]! + 0.114 * rgb[2]! < 128;
}

/** Subpaths of one constructPath, in page coordinates (points, y down). */
function subpaths(data: ArrayLike<number>, m: Matrix, filled: boolean, dark: boolean): Shape[] {
  const out: Shape[] = [];
  let xs: number[] = [];
  let ys: number[] = [];
  let closed = false;
  const flush = () => {
    // Closed by closePath, by a fill, or by ending where it began (a circle of four curves).
    const ends = xs.length > 2 && Math.abs(xs[0]! - xs[xs.length - 1]!) < 0.5 && Math.abs(ys[0]! - ys[ys.length - 1]!) < 0.5;
    if (xs.length > 0) out.push({ bbox: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], closed: closed || filled || ends, filled, dark });
    xs = [];
    ys = [];
    closed = false;
  };
  const add = (x: number, y: number) => {
    const [px, py] = apply(m, x, y);
    xs.push(px);
    ys.push(py);
  };
  for (let i = 0; i < data.length; ) {
    const op = data[i]!;
    if (op === MOVE) {
      flush();
      add(data[i + 1]!, data[i + 2]!);
      i += 3;
    } else if (op === LINE) {
      add(data[i + 1]!, data[i + 2]!);
      i += 3;
    } else if (op === CURVE) {
      add(data[i + 1]!, data[i + 2]!);
      add(data[i + 3]!, data[i + 4]!);
      add(data[i + 5]!, data[i + 6]!);
      i += 7;
    } else if (op === QUAD) {
      add(data[i + 1]!, data[i + 2]!);
      add(data[i + 3]!, data[i + 4]!);
      i += 5;
    } else if (op === CLOSE) {
      closed = true;
      i += 1;
    } else {
      break; // unknown opcode: stop reading this path rather than misread it
    }
  }
  flush();
  return out;
}

function isBoxShaped(b: BBox): boolean {
  const w = b[2] - b[0];
  const h = b[3] - b[1];
  return w >= MIN_SIDE && h >= MIN_SIDE && w <= MAX_SIDE && h <= MAX_SIDE && Math.abs(w - h) <= Math.max(1.5, 0.2 * Math.max(w, h));
}

function inside(inner: BBox, outer: BBox, slack: number): boolean {
  const cx = (inner[0] + inner[2]) / 2;
  const cy = (inner[1] + inner[3]) / 2;
  return cx > outer[0] && cx < outer[2] && cy > outer[1] && cy < outer[3]
    && inner[0] >= outer[0] - slack && inner[1] >= outer[1] - slack && inner[2] <= outer[2] + slack && inner[3] <= outer[3] + slack;
}

function sameBox(a: BBox, b: BBox): boolean {
  return Math.abs(a[0] - b[0]) < 1.5 && Math.abs(a[1] - b[1]) < 1.5 && Math.abs(a[2] - b[2]) < 1.5 && Math.abs(a[3] - b[3]) < 1.5;
}

export interface GraphicsState {
  /** Current transformation matrix (user space to PDF page space). */
  ctm: Matrix;
  /** Current fill colour as pdfjs gives it ("#rrggbb", or [r, g, b] 0-255 from a gray). */
  fillColor: unknown;
}

type Multiply = (m1: Matrix, m2: Matrix) => number[];

/**
 * Walks a page's operator list keeping the graphics state (save/restore, transform,
 * fill colour) and calls `visit` for every other operator; `visit` returns true to stop.
 */
export function walkOperators(
  ops: OperatorList,
  OPS: PdfOps,
  multiply: Multiply,
  visit: (fn: number, args: unknown[] | null, state: Readonly<GraphicsState>) => boolean | void,
): void {
  const initial = (): GraphicsState => ({ ctm: [1, 0, 0, 1, 0, 0], fillColor: '#000000' });
  let state = initial();
  const stack: GraphicsState[] = [];
  for (let i = 0; i < ops.fnArray.length; i += 1) {
    const fn = ops.fnArray[i]!;
    const args = ops.argsArray[i] as unknown[] | null;
    if (fn === OPS.save) stack.push(state);
    else if (fn === OPS.restore) state = stack.pop() ?? initial();
    else if (fn === OPS.transform && Array.isArray(args)) state = { ...state, ctm: multiply(state.ctm, args as number[]) };
    else if (fn === OPS.setFillRGBColor && args) state = { ...state, fillColor: args[0] ?? args };
    else if (fn === OPS.setFillGray && args) {
      const g = Math.round(Number(args[0]) * 255);
      state = { ...state, fillColor: [g, g, g] };
    } else if (visit(fn, args, state) === true) return;
  }
}

/** Every shape the page draws with a path, in page coordinates. */
export function drawnShapes(ops: OperatorList, OPS: PdfOps, viewportTransform: Matrix, multiply: Multiply): Shape[] {
  const fills = new Set([OPS.fill, OPS.eoFill, OPS.fillStroke, OPS.eoFillStroke, OPS.closeFillStroke, OPS.closeEOFillStroke]);
  const shapes: Shape[] = [];
  walkOperators(ops, OPS, multiply, (fn, args, { ctm, fillColor }) => {
    if (fn !== OPS.constructPath || !Array.isArray(args)) return;
    const paint = args[0] as number;
    const data = (args[1] as unknown[] | undefined)?.[0] as ArrayLike<number> | undefined;
    if (!data || typeof data.length !== 'number') return;
    const filled = fills.has(paint);
    shapes.push(...subpaths(data, multiply(viewportTransform, ctm), filled, filled && isDark(fillColor)));
  });
  return shapes;
}

/**
 * Box words for the page: "☒" where a drawn box holds a mark (another path, a
 * dark fill, a one-character X/✓ glyph), "☐" where it is empty. Returns the
 * words to add and the glyph words the boxes absorbed.
 */
export function checkboxWords(shapes: readonly Shape[], words: readonly LayoutWord[]): { boxes: LayoutWord[]; absorbed: Set<LayoutWord> } {
  const boxes: Array<{ bbox: BBox; marked: boolean }> = [];
  for (const s of shapes) {
    if (!s.closed || !isBoxShaped(s.bbox)) continue;
    const known = boxes.find((b) => sameBox(b.bbox, s.bbox));
    const darkFill = s.filled && s.dark;
    if (known) known.marked ||= darkFill;
    else boxes.push({ bbox: s.bbox, marked: darkFill });
  }
  // A box drawn inside a bigger box is the bigger box's mark (a filled square, a radio dot).
  const outer = boxes.filter((b) => !boxes.some((o) => o !== b && !sameBox(o.bbox, b.bbox) && inside(b.bbox, o.bbox, 0.5)));
  for (const b of outer) {
    const side = b.bbox[2] - b.bbox[0];
    for (const s of shapes) {
      if (sameBox(s.bbox, b.bbox)) continue;
      const w = s.bbox[2] - s.bbox[0];
      const h = s.bbox[3] - s.bbox[1];
      if (Math.max(w, h) < side * 0.25) continue; // a speck, not a tick
      if (inside(s.bbox, b.bbox, side * 0.35)) b.marked = true;
    }
  }
  const absorbed = new Set<LayoutWord>();
  for (const b of outer) {
    for (const w of words) {
      if (MARK_GLYPH.test(w.text) && inside(w.bbox, b.bbox, (b.bbox[2] - b.bbox[0]) * 0.5)) {
        b.marked = true;
        absorbed.add(w);
      }
    }
  }
  return { boxes: outer.map((b) => ({ text: b.marked ? '☒' : '☐', bbox: b.bbox, confidence: 1 })), absorbed };
}
