/**
 * Checkboxes on image pages. OCR reads a box as whatever it looks like ("[J",
 * "x]", "CJ", "@", "“A") or drops it, so a checkbox list (urgency, sex,
 * specialty) often cannot be read. Boxes are found in the very raster the OCR
 * engine read: a text-sized square outline (four straight sides), empty when its
 * inside is blank, checked when a mark or a fill covers enough of it. Each box
 * found becomes one word, "☒" or "☐", and the OCR's own reading of it is dropped
 * (or trimmed off a word it was run into, as in "Gender:[X]").
 */
import type { OcrImage, OcrWord } from '../ocr/types.ts';
import { inkComponents } from './components.ts';

export interface Checkbox {
  /** Pixels of the OCR image. */
  bbox: [number, number, number, number];
  checked: boolean;
}

/** Inside ink share at or below which a box is empty, and at or above which it is checked (in between: not used). */
const EMPTY_MAX = 0.05;
const CHECKED_MIN = 0.12;
/** Most ink in the bands beside a box (its neighbours on the line are at least a space away). */
const BAND_MAX = 0.04;
/** Most ink a line just outside a box side may carry (a tick crossing it). */
const OUTSIDE_MAX = 0.3;
/** Gray level below which a pixel is ink for box finding: box outlines are thin and come out light on photos. */
const INK = 190;

/**
 * Square outlines of about the size of a capital letter (`textHeight`, the
 * median OCR word height in pixels), among the page's 4-connected ink components
 * (decode/components.ts). Linear in the page's pixels plus the area of the candidate components.
 */
export function findCheckboxes(img: OcrImage, textHeight: number): Checkbox[] {
  const { data } = img;
  const minSide = Math.max(6, Math.round(textHeight * 0.7));
  const maxSide = Math.round(textHeight * 1.8);
  const out: Checkbox[] = [];
  for (const { x0, y0, x1, y1, pixels: count } of inkComponents(img, (i) => data[i]! < INK, 4)) {
    const bw = x1 - x0 + 1;
    const bh = y1 - y0 + 1;
    // A box (with a tick that may stick out of it) is text-sized; rules, cells and letters' strokes are not.
    if (bw < minSide || bh < minSide || bw > maxSide * 1.4 || bh > maxSide * 1.6 || count < minSide * 2) continue;
    const box = squareIn(img, x0, y0, x1, y1, minSide, maxSide);
    if (box) out.push(box);
  }
  return out;
}

/** The square outline inside a component's box, if there is one, and whether it is checked. */
function squareIn(img: OcrImage, x0: number, y0: number, x1: number, y1: number, minSide: number, maxSide: number): Checkbox | null {
  const { width: w, data } = img;
  const dark = (x: number, y: number) => x < w && y < img.height && data[y * w + x]! < INK;
  const longestRun = (fixed: number, from: number, to: number, horizontal: boolean) => {
    let best = 0;
    let run = 0;
    for (let v = from; v <= to; v += 1) {
      // Two pixels thick: a thin, light outline breaks up on one line of pixels.
      if (horizontal ? dark(v, fixed) || dark(v, fixed + 1) : dark(fixed, v) || dark(fixed + 1, v)) {
        run += 1;
        if (run > best) best = run;
      } else {
        run = 0;
      }
    }
    return best;
  };
  // Edges: the outermost rows and columns crossed by a near-full straight run.
  const rows: number[] = [];
  for (let y = y0; y <= y1; y += 1) if (longestRun(y, x0, x1, true) >= minSide) rows.push(y);
  const cols: number[] = [];
  for (let x = x0; x <= x1; x += 1) if (longestRun(x, y0, y1, false) >= minSide) cols.push(x);
  if (rows.length < 2 || cols.length < 2) return null;
  const top = rows[0]!;
  const bottom = rows[rows.length - 1]!;
  const left = cols[0]!;
  const right = cols[cols.length - 1]!;
  const sw = right - left + 1;
  const sh = bottom - top + 1;
  if (sw < minSide || sh < minSide || sw > maxSide || sh > maxSide) return null;
  if (Math.abs(sw - sh) > 0.2 * Math.max(sw, sh)) return null;
  // All four sides straight and nearly complete.
  const need = 0.8;
  if (longestRun(top, left, right, true) < need * sw || longestRun(bottom, left, right, true) < need * sw) return null;
  if (longestRun(left, top, bottom, false) < need * sh || longestRun(right, top, bottom, false) < need * sh) return null;
  // Paper just outside each side (a letter's inscribed rectangle has ink there;
  // a tick sticking out of a box crosses only a little of one side).
  const outsideShare = (fixed: number, from: number, to: number, horizontal: boolean) => {
    if (fixed < 0 || fixed >= (horizontal ? img.height : w)) return 0;
    let ink = 0;
    for (let v = from; v <= to; v += 1) if (horizontal ? dark(v, fixed) : dark(fixed, v)) ink += 1;
    return ink / Math.max(1, to - from + 1);
  };
  const gap = 2;
  if (
    outsideShare(top - gap, left + 2, right - 2, true) > OUTSIDE_MAX ||
    outsideShare(bottom + gap, left + 2, right - 2, true) > OUTSIDE_MAX ||
    outsideShare(left - gap, top + 2, bottom - 2, false) > OUTSIDE_MAX ||
    outsideShare(right + gap, top + 2, bottom - 2, false) > OUTSIDE_MAX
  ) {
    return null;
  }
  // A box stands apart from its option's text (a letter of a word has neighbours
  // closer than that): clear bands beside it, over its middle rows.
  const band = Math.max(3, Math.round(sw * 0.3));
  const bandInk = (fromX: number, toX: number) => {
    let ink = 0;
    let n = 0;
    for (let y = top + Math.round(sh * 0.2); y <= bottom - Math.round(sh * 0.2); y += 1) {
      for (let x = Math.max(0, fromX); x <= Math.min(w - 1, toX); x += 1) {
        n += 1;
        if (dark(x, y)) ink += 1;
      }
    }
    return n === 0 ? 0 : ink / n;
  };
  if (bandInk(left - band, left - gap) > BAND_MAX || bandInk(right + gap, right + band) > BAND_MAX) return null;
  // The inside, inset past the stroke: its ink share says empty or checked.
  let stroke = 1;
  while (stroke < sh / 4 && dark(left + Math.floor(sw / 2), top + stroke)) stroke += 1;
  const inset = stroke + 1;
  let ink = 0;
  let total = 0;
  for (let y = top + inset; y <= bottom - inset; y += 1) {
    for (let x = left + inset; x <= right - inset; x += 1) {
      total += 1;
      if (dark(x, y)) ink += 1;
    }
  }
  if (total < 4) return null;
  const share = ink / total;
  // A hollow square: an empty box, or a checked one (a mark inside, or filled).
  if (share <= EMPTY_MAX) return { bbox: [left, top, right, bottom], checked: false };
  if (share >= CHECKED_MIN) return { bbox: [left, top, right, bottom], checked: true };
  return null;
}

/** What OCR makes of a box at the start or the end of a word it ran into. */
const LEADING_BOX = /^(?:[[(|]?[xX×✓✔vV*]?[\])|jJ1l]|[[(][xX×✓✔vV*]?|[xX×✓✔@®&])\s*/;
const TRAILING_BOX = /\s*(?:[[(|][xX×✓✔vV*]?[\])|jJ1l]?|[xX×✓✔vV*][\])|jJ1l])$/;

const overlap = (a: readonly number[], b: readonly number[]) =>
  Math.max(0, Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!)) * Math.max(0, Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!));

/**
 * Replaces the OCR's reading of each box with "☒"/"☐": words on a box are
 * dropped; a word that runs from a box into its option or from its label into a
 * box loses the box's characters (when they read as a box) and the box's width.
 */
export function applyCheckboxes(words: readonly OcrWord[], boxes: readonly Checkbox[]): OcrWord[] {
  if (boxes.length === 0) return [...words];
  const out: OcrWord[] = [];
  for (const word of words) {
    let w: OcrWord | null = word;
    for (const box of boxes) {
      if (!w) break;
      if (overlap(w.bbox, box.bbox) === 0) continue;
      const side = box.bbox[2] - box.bbox[0];
      const extendsRight = w.bbox[2] > box.bbox[2] + side * 0.3;
      const extendsLeft = w.bbox[0] < box.bbox[0] - side * 0.3;
      if (extendsLeft && extendsRight) {
        // A word across the whole box: not a reading of it; leave it.
      } else if (extendsRight) {
        // The box run into its option ("[JF", "x]Orthopedics"): keep the option.
        const text: string = w.text.replace(LEADING_BOX, '');
        if (text !== w.text && text.length > 0) w = { ...w, text, bbox: [Math.max(w.bbox[0], box.bbox[2] + 1), w.bbox[1], w.bbox[2], w.bbox[3]] };
      } else if (extendsLeft) {
        // A label run into the box ("Gender:[X]"): keep the label.
        const text: string = w.text.replace(TRAILING_BOX, '');
        if (text !== w.text && text.length > 0) w = { ...w, text, bbox: [w.bbox[0], w.bbox[1], Math.min(w.bbox[2], box.bbox[0] - 1), w.bbox[3]] };
      } else {
        w = null;
      }
    }
    if (w) out.push(w);
  }
  for (const box of boxes) out.push({ text: box.checked ? '☒' : '☐', bbox: [...box.bbox], confidence: 0.9 });
  return out;
}
