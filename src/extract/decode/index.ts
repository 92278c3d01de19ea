/**
 * Decoding: the one entry point that turns a received document's bytes into a
 * DocumentLayout (pages in PDF points; words with boxes and confidences, grouped
 * into lines and blocks in reading order). The format comes from magic numbers,
 * never from a name or MIME type. Bad input throws an IntakeError with a decode
 * code (UNSUPPORTED_FORMAT, EMPTY_DOCUMENT, PDF_ENCRYPTED, PDF_CORRUPT,
 * TIFF_CORRUPT, IMAGE_CORRUPT, LIMIT_*, PAGE_TIMEOUT); the caller turns it into
 * documentType "invalid" and raises `document.invalid`. No work that is not
 * needed: text-layer pages are never OCR'd and blank pages are skipped.
 */
import { IntakeError, coerceError, type ErrorCode } from '../../core/errors.ts';
import { detectFormat } from '../detect-format.ts';
import type { DocumentFormat, DocumentLayout, LayoutPage, LayoutWord } from '../layout.ts';
import type { OcrEngine, OcrWord } from '../ocr/types.ts';
import { decodeImage } from './image.ts';
import { buildBlocks } from './layout-builder.ts';
import { mapLimit, withPageTimeout, type DecodeOptions } from './limits.ts';
import { applyCheckboxes, findCheckboxes } from './checkboxes.ts';
import { openPdf } from './pdf.ts';
import { DEFAULT_CLEANUP, cleanupForOcr, type CleanupChoices } from './preprocess.ts';
import { DEFAULT_PREPARE, isBlank, prepareForOcr, type GrayRaster, type PrepareChoices, type RasterKind } from './raster.ts';
import { median } from './median.ts';
import { rereadPage } from './reread.ts';
import { readUnreadLines } from './unread-lines.ts';
import { decodeTiffPage, readTiffPages } from './tiff.ts';

export { decodeOptionsFromConfig, type DecodeOptions } from './limits.ts';
export { buildBlocks } from './layout-builder.ts';
export { DEFAULT_PREPARE, type PrepareChoices } from './raster.ts';
export { DEFAULT_CLEANUP, type CleanupChoices } from './preprocess.ts';

export interface DecodeDeps {
  ocr: OcrEngine;
  /** Preprocessing choices (the benchmark compares them); defaults to what measured best. */
  preprocess?: PrepareChoices;
  /** Cleanup around OCR (despeckle scans and faxes, sharpen photos, read checkboxes from the image); all on by default. */
  cleanup?: CleanupChoices;
  /** Read every OCR'd line a second time (decode/reread.ts); on by default. */
  reread?: boolean;
}

const CORRUPT_CODE: Record<DocumentFormat, ErrorCode> = {
  pdf: 'PDF_CORRUPT',
  tiff: 'TIFF_CORRUPT',
  png: 'IMAGE_CORRUPT',
  jpeg: 'IMAGE_CORRUPT',
};

export async function decodeDocument(bytes: Uint8Array, options: DecodeOptions, deps: DecodeDeps): Promise<DocumentLayout> {
  const started = performance.now();
  if (bytes.length === 0) throw new IntakeError('EMPTY_DOCUMENT', 'document is empty');
  if (bytes.length > options.maxBytes) {
    throw new IntakeError('LIMIT_BYTES', 'document is too large', { details: { bytes: bytes.length, maxBytes: options.maxBytes } });
  }
  const format = detectFormat(bytes);
  if (format === null) throw new IntakeError('UNSUPPORTED_FORMAT', 'unrecognised document format', { details: { bytes: bytes.length } });

  const ctx: PageContext = { ocr: deps.ocr, options, preprocess: deps.preprocess ?? DEFAULT_PREPARE, cleanup: deps.cleanup ?? DEFAULT_CLEANUP, reread: deps.reread ?? true };
  let pages: LayoutPage[];
  try {
    switch (format) {
      case 'pdf':
        pages = await decodePdf(bytes, ctx);
        break;
      case 'tiff':
        pages = await decodeTiff(bytes, ctx);
        break;
      case 'png':
      case 'jpeg':
        pages = [await decodeSingleImage(bytes, ctx)];
        break;
      default: {
        const never: never = format;
        throw new Error(`unhandled format ${String(never)}`);
      }
    }
  } catch (error) {
    if (error instanceof IntakeError) throw error;
    throw new IntakeError(CORRUPT_CODE[format], `${format} document could not be decoded`, { cause: coerceError(error) });
  }
  return { format, pages, decodeMs: performance.now() - started };
}

interface PageContext {
  ocr: OcrEngine;
  options: DecodeOptions;
  preprocess: PrepareChoices;
  cleanup: CleanupChoices;
  reread: boolean;
}

/** Pages in flight: one more than the OCR engine runs at once, so decoding overlaps OCR. */
const inFlight = (ctx: PageContext) => Math.max(1, ctx.ocr.concurrency) + 1;

async function decodePdf(bytes: Uint8Array, ctx: PageContext): Promise<LayoutPage[]> {
  const pdf = await openPdf(bytes, ctx.options);
  try {
    return await mapLimit(pdf.numPages, inFlight(ctx), async (i) => {
      const pageNumber = i + 1;
      const text = await withPageTimeout(pdf.textPage(pageNumber), ctx.options.pageTimeoutMs, pageNumber);
      if (text.usable) {
        return { pageNumber, width: text.width, height: text.height, source: 'text', blocks: buildBlocks(text.words) } satisfies LayoutPage;
      }
      const raster = await pdf.render(pageNumber);
      return recognizePage(raster, 'scan', pageNumber, text.width, text.height, ctx);
    });
  } finally {
    await pdf.close();
  }
}

async function decodeTiff(bytes: Uint8Array, ctx: PageContext): Promise<LayoutPage[]> {
  const infos = readTiffPages(bytes, ctx.options);
  return mapLimit(infos.length, inFlight(ctx), async (i) => {
    const info = infos[i]!;
    const raster = await withPageTimeout(decodeTiffPage(bytes, i, info, ctx.options), ctx.options.pageTimeoutMs, i + 1);
    return recognizePage(raster, info.kind, i + 1, (info.width / info.dpiX) * 72, (info.height / info.dpiY) * 72, ctx);
  });
}

async function decodeSingleImage(bytes: Uint8Array, ctx: PageContext): Promise<LayoutPage> {
  const raster = await withPageTimeout(decodeImage(bytes, ctx.options), ctx.options.pageTimeoutMs, 1);
  return recognizePage(raster, 'photo', 1, (raster.width / raster.dpiX) * 72, (raster.height / raster.dpiY) * 72, ctx);
}

/** Median height of the words with a letter or digit: the page's body text size, in pixels. */
function bodyTextHeight(words: readonly OcrWord[]): number {
  return median(words.filter((w) => /[\p{L}\p{N}]/u.test(w.text)).map((w) => w.bbox[3] - w.bbox[1]));
}

async function recognizePage(
  raster: GrayRaster,
  kind: RasterKind,
  pageNumber: number,
  width: number,
  height: number,
  ctx: PageContext,
): Promise<LayoutPage> {
  if (isBlank(raster)) return { pageNumber, width, height, source: 'blank', blocks: [] };
  const prepared = await withPageTimeout(
    cleanupForOcr(raster, kind, ctx.cleanup).then((cleaned) => prepareForOcr(cleaned, kind, width, height, ctx.preprocess)),
    ctx.options.pageTimeoutMs,
    pageNumber,
  );
  const result = await ctx.ocr.recognize(prepared.image, { timeoutMs: ctx.options.pageTimeoutMs });
  let ocrWords = result.words;
  // Not on standard 204x98 faxes: stretched glyphs there pass for boxes.
  if (ctx.cleanup.checkboxes && (kind === 'photo' || Math.min(raster.dpiX, raster.dpiY) >= 150)) {
    const textHeight = bodyTextHeight(ocrWords);
    if (textHeight > 0) ocrWords = applyCheckboxes(ocrWords, findCheckboxes(prepared.image, textHeight));
  }
  // Lines the page reading missed (no word covers their ink), read again one by one.
  let recovered: OcrWord[] = [];
  if (ctx.reread) {
    recovered = await withPageTimeout(readUnreadLines(prepared.image, ocrWords, bodyTextHeight(ocrWords), ctx.ocr, { timeoutMs: ctx.options.pageTimeoutMs }), ctx.options.pageTimeoutMs, pageNumber);
  }
  const words: LayoutWord[] = [];
  for (const w of [...ocrWords, ...recovered]) {
    // Table rules and speckle come out as low-confidence punctuation: drop them.
    if (!/[\p{L}\p{N}]/u.test(w.text) && w.confidence < 0.5) continue;
    words.push({
      text: w.text,
      bbox: [w.bbox[0] * prepared.scaleX, w.bbox[1] * prepared.scaleY, w.bbox[2] * prepared.scaleX, w.bbox[3] * prepared.scaleY],
      confidence: w.confidence,
      ...('recovered' in w ? { recovered: true as const } : {}),
    });
  }
  const page: LayoutPage = { pageNumber, width, height, source: 'ocr', blocks: buildBlocks(words) };
  if (ctx.reread) {
    await withPageTimeout(rereadPage(page, prepared.image, prepared, ctx.ocr, { timeoutMs: ctx.options.pageTimeoutMs }), ctx.options.pageTimeoutMs, pageNumber);
  }
  return page;
}

