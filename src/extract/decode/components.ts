/**
 * Connected components of ink on a grayscale page, as boxes with pixel counts: the
 * checkbox finder looks for square outlines among them, the missed-line finder for
 * glyph-sized ones. Union-find over each row's runs of ink (no recursion, no stack
 * as large as the page); components come out in scan order of their first pixel.
 */
import type { OcrImage } from '../ocr/types.ts';

export interface InkComponent {
  /** Inclusive pixel bounds. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Ink pixels in the component. */
  pixels: number;
}

/**
 * Components of the pixels `isInk` accepts (by index into `img.data`), 4- or 8-connected.
 */
export function inkComponents(img: OcrImage, isInk: (i: number) => boolean, connectivity: 4 | 8): InkComponent[] {
  const { width, height } = img;
  const parent: number[] = [];
  const find = (a: number): number => {
    while (parent[a] !== a) a = parent[a] = parent[parent[a]!]!;
    return a;
  };
  // Runs are [x0, x1) on their row; diagonal neighbours touch when 8-connected.
  const reach = connectivity === 8 ? 0 : 1;
  type Run = { x0: number; x1: number; label: number };
  let prev: Run[] = [];
  const runsByRow: Run[][] = [];
  for (let y = 0; y < height; y++) {
    const row: Run[] = [];
    const base = y * width;
    let x = 0;
    while (x < width) {
      if (!isInk(base + x)) {
        x++;
        continue;
      }
      const start = x;
      while (x < width && isInk(base + x)) x++;
      const run: Run = { x0: start, x1: x, label: parent.length };
      parent.push(run.label);
      for (const p of prev) {
        if (p.x0 + reach > run.x1 || p.x1 < run.x0 + reach) continue;
        const ra = find(run.label);
        const rb = find(p.label);
        if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
      }
      row.push(run);
    }
    runsByRow.push(row);
    prev = row;
  }
  // The root of a component is its first run in scan order, so the map keeps scan order.
  const byRoot = new Map<number, InkComponent>();
  runsByRow.forEach((row, y) => {
    for (const r of row) {
      const root = find(r.label);
      const c = byRoot.get(root);
      if (!c) byRoot.set(root, { x0: r.x0, y0: y, x1: r.x1 - 1, y1: y, pixels: r.x1 - r.x0 });
      else {
        c.x0 = Math.min(c.x0, r.x0);
        c.x1 = Math.max(c.x1, r.x1 - 1);
        c.y1 = y;
        c.pixels += r.x1 - r.x0;
      }
    }
  });
  return [...byRoot.values()];
}
