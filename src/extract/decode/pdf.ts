/**
 * PDF decoding with pdfjs-dist's legacy build (the one that runs on Node 20),
 * hardened: `isEvalSupported: false` (CVE-2024-4367: font code injection),
 * fonts, CMaps and the image decoders' wasm read from inside the installed
 * package (never fetched), no scripting or XFA, images above the pixel limit not
 * decoded. A page with a usable text layer gives its words directly; a page
 * without one (a scan) or with garbage (fonts without a Unicode map) is rendered
 * at 300 dpi and OCR'd.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { IntakeError, coerceError } from '../../core/errors.ts';
import type { LayoutWord } from '../layout.ts';
import { checkPages, checkPixels, withPageTimeout, type DecodeOptions } from './limits.ts';
import { checkboxWords, drawnShapes, walkOperators, type OperatorList } from './pdf-marks.ts';
import { MAX_OCR_PIXELS, type GrayRaster } from './raster.ts';

const require = createRequire(import.meta.url);
const PDFJS_DIR = path.dirname(require.resolve('pdfjs-dist/package.json'));
const RENDER_DPI = 300;

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
type PdfDocument = Awaited<ReturnType<PdfJs['getDocument']>['promise']>;
type PdfPage = Awaited<ReturnType<PdfDocument['getPage']>>;

let pdfjsPromise: Promise<PdfJs> | undefined;
function loadPdfJs(): Promise<PdfJs> {
  pdfjsPromise ??= loadPdfJsModules();
  return pdfjsPromise;
}

/**
 * Loads pdfjs and its worker module (run in this thread as pdfjs's "fake
 * worker", handed over through `globalThis.pdfjsWorker`, pdfjs's documented hook)
 * with as little memory as possible. Through a TypeScript loader (tsx, which the
 * service and the benchmarks run under) a plain `import()` of these 1-2 MB
 * bundles cost about 330 MB of RSS for good: the loader rewrites their dynamic
 * imports and keeps the result with a fine-grained source map, and Node parses
 * their large .map files. `require()` of an ES module (Node >= 20.19) with source
 * maps off while they load skips both (about 30 MB). Older Nodes fall back to
 * `import()`.
 */
async function loadPdfJsModules(): Promise<PdfJs> {
  const sourceMaps = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(false);
  try {
    // The worker bundle ships no type declarations: a non-literal specifier keeps tsc out of it.
    const workerModule: string = 'pdfjs-dist/legacy/build/pdf.worker.mjs';
    let pdfjs: PdfJs;
    let worker: unknown;
    try {
      pdfjs = require('pdfjs-dist/legacy/build/pdf.mjs') as PdfJs;
      worker = require(workerModule);
    } catch {
      pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
      worker = await import(workerModule);
    }
    const g = globalThis as { pdfjsWorker?: unknown };
    g.pdfjsWorker ??= worker;
    return pdfjs;
  } finally {
    process.setSourceMapsEnabled(sourceMaps);
  }
}

export interface PdfHandle {
  numPages: number;
  /** Page size in PDF points (after /Rotate), its text-layer words, and whether they are usable. */
  textPage(pageNumber: number): Promise<{ width: number; height: number; words: LayoutWord[]; usable: boolean }>;
  render(pageNumber: number): Promise<GrayRaster>;
  close(): Promise<void>;
}

export async function openPdf(bytes: Uint8Array, options: DecodeOptions): Promise<PdfHandle> {
  const pdfjs = await loadPdfJs();
  const task = pdfjs.getDocument({
    // pdfjs takes ownership of (detaches) the buffer it is given: pass a copy.
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    enableXfa: false,
    useSystemFonts: false,
    disableFontFace: true,
    standardFontDataUrl: `${PDFJS_DIR}/standard_fonts/`,
    cMapUrl: `${PDFJS_DIR}/cmaps/`,
    cMapPacked: true,
    wasmUrl: `${PDFJS_DIR}/wasm/`,
    maxImageSize: options.maxPagePixels,
    stopAtErrors: false,
    verbosity: 0,
  });
  let doc: PdfDocument;
  try {
    doc = await withPageTimeout(task.promise, options.pageTimeoutMs, 0, () => void task.destroy());
  } catch (error) {
    await task.destroy().catch(() => undefined);
    throw classifyOpenError(error);
  }
  try {
    if (doc.numPages < 1) throw new IntakeError('EMPTY_DOCUMENT', 'PDF has no pages');
    checkPages(doc.numPages, options);
  } catch (error) {
    await doc.destroy().catch(() => undefined);
    throw error;
  }

  const getPage = async (n: number): Promise<PdfPage> => {
    try {
      return await doc.getPage(n);
    } catch (error) {
      throw new IntakeError('PDF_CORRUPT', 'PDF page could not be read', { cause: coerceError(error), details: { pageNumber: n } });
    }
  };

  return {
    numPages: doc.numPages,
    async textPage(n) {
      const page = await getPage(n);
      const viewport = page.getViewport({ scale: 1 });
      let words: LayoutWord[] = [];
      try {
        const content = await page.getTextContent({ includeMarkedContent: false, disableNormalization: false });
        words = textItemsToWords(content.items as TextItem[], viewport.transform, pdfjs.Util.transform);
      } catch (error) {
        throw new IntakeError('PDF_CORRUPT', 'PDF text could not be read', { cause: coerceError(error), details: { pageNumber: n } });
      }
      if (!isUsableText(words)) return { width: viewport.width, height: viewport.height, words, usable: false };
      let ops: OperatorList;
      try {
        ops = await page.getOperatorList({ intent: 'display' });
      } catch (error) {
        throw new IntakeError('PDF_CORRUPT', 'PDF page could not be read', { cause: coerceError(error), details: { pageNumber: n } });
      }
      if (coveredByImage(page, words, ops, pdfjs)) return { width: viewport.width, height: viewport.height, words, usable: false };
      // Checkboxes drawn as paths become "☒"/"☐" words beside their options.
      const { boxes, absorbed } = checkboxWords(drawnShapes(ops, pdfjs.OPS, viewport.transform, pdfjs.Util.transform), words);
      if (boxes.length > 0) words = [...words.filter((w) => !absorbed.has(w)), ...boxes];
      return { width: viewport.width, height: viewport.height, words, usable: true };
    },
    render: (n) => renderOneAtATime(async () => {
      const page = await getPage(n);
      // 300 dpi, or less on a sheet so large that 300 dpi would pass the OCR pixel budget.
      const size = page.getViewport({ scale: 1 });
      const dpi = Math.min(RENDER_DPI, 72 * Math.sqrt(MAX_OCR_PIXELS / Math.max(1, size.width * size.height)));
      const viewport = page.getViewport({ scale: dpi / 72 });
      // (Less a hair, so that 792 pt x 300/72, 3300.0000000000005 in floating point, is 3300 pixels.)
      const width = Math.ceil(viewport.width - 1e-6);
      const height = Math.ceil(viewport.height - 1e-6);
      checkPixels(width, height, options, n);
      const canvas = createCanvas(width, height);
      const ctx = canvas.getContext('2d');
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, width, height);
      const renderTask = page.render({ canvasContext: ctx as unknown as CanvasRenderingContext2D, canvas: canvas as unknown as HTMLCanvasElement, viewport });
      try {
        await withPageTimeout(renderTask.promise, options.pageTimeoutMs, n, () => renderTask.cancel());
      } catch (error) {
        if (error instanceof IntakeError) throw error;
        throw new IntakeError('PDF_CORRUPT', 'PDF page could not be rendered', { cause: coerceError(error), details: { pageNumber: n } });
      } finally {
        page.cleanup();
      }
      // canvas.data() is a view of the canvas's own pixels (RGBA; opaque, so not
      // premultiplied in effect), without getImageData's 34 MB copy and ~80 ms at
      // 300 dpi. It is read at once, while the canvas is alive; then the canvas is
      // shrunk, which frees its pixels now rather than whenever GC finalises it.
      const rgba = canvas.data();
      const gray = new Uint8Array(width * height);
      for (let i = 0, j = 0; i < gray.length; i += 1, j += 4) {
        // ITU-R BT.601 luma, integer form.
        gray[i] = (rgba[j]! * 299 + rgba[j + 1]! * 587 + rgba[j + 2]! * 114) / 1000;
      }
      canvas.width = 1;
      canvas.height = 1;
      return { width, height, data: gray, dpiX: dpi, dpiY: dpi };
    }),
    async close() {
      await doc.destroy().catch(() => undefined);
    },
  };
}

/**
 * Renders run one at a time in the process: a 300-dpi page costs about 150 MB
 * while it renders (the canvas, pdfjs's decoded images, Skia's copies), and
 * rendering (~0.1-0.3 s) is far quicker than OCR of the page, so running several
 * at once gained no speed but raised peak memory by that much per extra page.
 */
let renderChain: Promise<unknown> = Promise.resolve();
function renderOneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const run = renderChain.then(work, work);
  renderChain = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}

function classifyOpenError(error: unknown): IntakeError {
  if (error instanceof IntakeError) return error;
  const err = coerceError(error);
  switch (err.name) {
    case 'PasswordException':
      return new IntakeError('PDF_ENCRYPTED', 'PDF is password-protected', { cause: err });
    case 'InvalidPDFException':
    case 'MissingPDFException':
    case 'FormatError':
    case 'UnknownErrorException':
    default:
      return new IntakeError('PDF_CORRUPT', 'PDF could not be opened', { cause: err });
  }
}

interface TextItem {
  str?: string;
  transform?: number[];
  width?: number;
  height?: number;
}

type Transform = (m1: number[], m2: number[]) => number[];

/** Splits pdfjs text items into words, positioned by character share of the item width. */
export function textItemsToWords(items: readonly TextItem[], viewportTransform: number[], multiply: Transform): LayoutWord[] {
  const words: LayoutWord[] = [];
  for (const item of items) {
    if (typeof item.str !== 'string' || !item.transform || item.str.trim() === '') continue;
    const tx = multiply(viewportTransform, item.transform);
    const fontHeight = Math.hypot(tx[2]!, tx[3]!);
    const scaleX = Math.hypot(viewportTransform[0]!, viewportTransform[1]!);
    const width = (item.width ?? 0) * scaleX;
    const x = tx[4]!;
    const baseline = tx[5]!;
    if (![fontHeight, width, x, baseline].every(Number.isFinite) || fontHeight <= 0) continue;
    const top = baseline - fontHeight * 0.8;
    const bottom = baseline + fontHeight * 0.2;
    const str = item.str;
    const perChar = str.length > 0 ? width / str.length : 0;
    for (const m of str.matchAll(/\S+/g)) {
      const start = m.index ?? 0;
      const x0 = x + perChar * start;
      const x1 = x + perChar * (start + m[0].length);
      words.push({ text: m[0], bbox: [x0, top, x1, bottom], confidence: 1 });
    }
  }
  return words;
}

/**
 * A text layer is usable when it has some text and that text is mostly
 * letters, digits and ordinary punctuation (fonts without a Unicode map give
 * private-use or control characters, or replacement characters).
 */
export function isUsableText(words: readonly LayoutWord[]): boolean {
  let total = 0;
  let good = 0;
  for (const w of words) {
    for (const ch of w.text) {
      total += 1;
      if (/[\p{L}\p{N}\p{P}\p{Sc}\p{Sm}]/u.test(ch) && !/[\uE000-\uF8FF\uFFFD]/u.test(ch)) good += 1;
    }
  }
  return total >= 20 && good / total >= 0.9;
}

/**
 * A page whose sparse text sits on a large image (a scan with a fax header
 * stamped as text, or a partial OCR layer) is OCR'd instead. The image's area is
 * its current transformation matrix at paint time (images fill the unit square).
 */
function coveredByImage(page: PdfPage, words: readonly LayoutWord[], ops: OperatorList, pdfjs: PdfJs): boolean {
  const chars = words.reduce((n, w) => n + w.text.length, 0);
  if (chars >= 400) return false;
  const { OPS } = pdfjs;
  const imageOps = new Set<number>([OPS.paintImageXObject, OPS.paintInlineImageXObject, OPS.paintImageMaskXObject]);
  const [vx0, vy0, vx1, vy1] = page.view as [number, number, number, number];
  const pageArea = Math.abs((vx1 - vx0) * (vy1 - vy0)) || 1;
  let covered = false;
  walkOperators(ops, OPS, pdfjs.Util.transform, (fn, _args, { ctm }) => {
    if (!imageOps.has(fn)) return false;
    covered = Math.abs(ctm[0]! * ctm[3]! - ctm[1]! * ctm[2]!) >= pageArea * 0.5;
    return covered;
  });
  return covered;
}
