/**
 * Decoding and OCR benchmark (issue 3): `npm run bench:ocr [corpusDir]`.
 * Over ../shared/corpus/dev/ by format (invalid documents skipped; at most
 * BENCH_OCR_DOCS documents per format, default 3, to keep the run to a few
 * minutes), with the default engine (tesseract.js, a pool of OCR_WORKERS, default 2):
 * pages, ms/page (document wall time / its pages, pages decoded in parallel)
 * median and p95, pages/minute, and a recognition proxy: the share of each
 * document's truth values (normalised to letters and digits; dates also as
 * MMDDYYYY) found in its words. Then the native `tesseract` CLI (when installed)
 * OCRs the very same preprocessed page images, same model, same parallelism,
 * OMP_THREAD_LIMIT=1, and the ratio of engine ms/page tesseract.js/native is
 * printed with both engines' recognition proxy. Also: text-layer PDF ms/page (all
 * digital PDFs), the wall time of a 3-page fine G4 fax, standard vs fine faxes on
 * the proxy, and peak RSS of this process (tesseract.js workers are threads in it;
 * native children are not counted); a controlled fine-vs-standard fax comparison
 * (the same fine pages and their standard version, every other line dropped), and
 * per document the truth fields one engine found and the other missed (names
 * only). The last line is one JSON object.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { isIntakeError } from '../src/core/errors.ts';
import { buildBlocks, decodeDocument, type DecodeOptions } from '../src/extract/decode/index.ts';
import type { DocumentLayout } from '../src/extract/layout.ts';
import { createOcrEngine, type OcrEngine, type OcrImage, type OcrWord } from '../src/extract/ocr/index.ts';

const corpusDir = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '../../shared/corpus/dev'));
const DOCS_PER_FORMAT = Number(process.env.BENCH_OCR_DOCS ?? 3);
const WORKERS = Number(process.env.OCR_WORKERS ?? Math.min(2, os.availableParallelism()));
const OPTIONS: DecodeOptions = { maxBytes: 50 * 1024 * 1024, maxPages: 100, maxPagePixels: 60_000_000, pageTimeoutMs: 120_000 };
/** OCR_REREAD=false measures the decoder without the second reading of every line, as the service runs with it. */
const REREAD = process.env.OCR_REREAD !== 'false';

interface ManifestRow {
  file: string;
  truth: string;
  format: string;
  pageCount?: number;
  pages?: string[];
}
interface Truth {
  documentType: string;
  fields?: Record<string, unknown>;
}

// Peak RSS, sampled (tesseract.js workers are worker threads: their memory is in this process).
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

/** A truth value as searchable strings (dates also as MMDDYYYY), with its field's name (printed instead of the value). */
interface TruthValue {
  field: string;
  variants: string[];
}

/** Truth values: arrays flattened, tiny values skipped. */
function truthValues(truth: Truth): TruthValue[] {
  const out: TruthValue[] = [];
  const add = (field: string, v: unknown) => {
    if (typeof v !== 'string' && typeof v !== 'number') return;
    const s = String(v);
    const variants = [norm(s)];
    const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
    if (date) variants.push(`${date[2]}${date[3]}${date[1]}`);
    if (variants[0]!.length >= 3) out.push({ field, variants });
  };
  for (const [field, v] of Object.entries(truth.fields ?? {})) {
    if (Array.isArray(v)) v.forEach((x) => add(field, x));
    else add(field, v);
  }
  return out;
}

/** The truth values found in the text (words joined without separators, so split values still count). */
function found(values: TruthValue[], words: string[]): Set<TruthValue> {
  const text = words.map(norm).join('');
  return new Set(values.filter((t) => t.variants.some((v) => text.includes(v))));
}

/** Share of truth values found in the text. */
function proxy(values: TruthValue[], words: string[]): number | null {
  if (values.length === 0) return null;
  return found(values, words).size / values.length;
}

const layoutWords = (layout: DocumentLayout) =>
  layout.pages.flatMap((p) => p.blocks.flatMap((b) => b.lines.flatMap((l) => l.words.map((w) => w.text))));

function quantile(xs: number[], q: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}
const median = (xs: number[]) => quantile(xs, 0.5);
const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
const round = (x: number | null, d = 0) => (x === null ? null : Math.round(x * 10 ** d) / 10 ** d);

/**
 * Records the images and engine time of every page the decoder sends to OCR, in the
 * order they were sent. The second reading's single-line images (decode/reread.ts)
 * pass through uncounted as pages; their engine time is summed in `lineMs`.
 */
function recording(inner: OcrEngine) {
  const pages: Array<{ image: OcrImage; ms: number; order: number }> = [];
  const lines = { count: 0, ms: 0 };
  let calls = 0;
  const engine: OcrEngine = {
    name: inner.name,
    concurrency: inner.concurrency,
    async recognize(image, options) {
      if (options?.layout === 'line') {
        const result = await inner.recognize(image, options);
        lines.count += 1;
        lines.ms += result.ms;
        return result;
      }
      const order = calls++;
      const result = await inner.recognize(image, options);
      pages.push({ image, ms: result.ms, order });
      return result;
    },
    ...(inner.recognizeLines
      ? {
          recognizeLines: async (images: readonly OcrImage[], options?: { timeoutMs?: number }) => {
            const results = await inner.recognizeLines!(images, options);
            lines.count += images.length;
            lines.ms += results.reduce((a, r) => a + r.ms, 0);
            return results;
          },
        }
      : {}),
    close: () => inner.close(),
  };
  return { engine, pages, lines };
}

async function runAll<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** The standard-resolution (204x98) version of a fine fax: each page with every other scan line, as single-page G4 TIFFs. */
async function standardFaxPages(fine: Uint8Array): Promise<Uint8Array[]> {
  const pages = (await sharp(fine).metadata()).pages ?? 1;
  const out: Uint8Array[] = [];
  for (let i = 0; i < pages; i += 1) {
    const { data, info } = await sharp(fine, { page: i }).greyscale().raw().toBuffer({ resolveWithObject: true });
    const w = info.width;
    const h = Math.floor(info.height / 2);
    const half = Buffer.alloc(w * h);
    for (let y = 0; y < h; y += 1) data.copy(half, y * w, 2 * y * w, (2 * y + 1) * w);
    const tiff = await sharp(half, { raw: { width: w, height: h, channels: 1 } })
      .toColourspace('b-w')
      .tiff({ compression: 'ccittfax4', bitdepth: 1, miniswhite: true, xres: 204 / 25.4, yres: 98 / 25.4 })
      .toBuffer();
    out.push(new Uint8Array(tiff));
  }
  return out;
}

/** Levenshtein distance (two rows). */
function editDistance(a: string, b: string): number {
  let prev = Int32Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i += 1) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      cur[j] = Math.min(prev[j - 1]! + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1), prev[j]! + 1, cur[j - 1]! + 1);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

function nativeAvailable(): boolean {
  try {
    execFileSync('tesseract', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const manifest = readFileSync(path.join(corpusDir, 'manifest.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as ManifestRow)
  .sort((a, b) => a.file.localeCompare(b.file));
const readTruth = (row: ManifestRow) => JSON.parse(readFileSync(path.join(corpusDir, row.truth), 'utf8')) as Truth;
const readBytes = (row: ManifestRow) => new Uint8Array(readFileSync(path.join(corpusDir, row.file)));

const tjs = await createOcrEngine({ OCR_ENGINE: 'tesseractjs', OCR_WORKERS: WORKERS, OCR_WORKER_START_TIMEOUT_MS: 60_000 });
const native = nativeAvailable()
  ? await createOcrEngine({ OCR_ENGINE: 'native', OCR_WORKERS: WORKERS, OCR_WORKER_START_TIMEOUT_MS: 10_000 })
  : null;
console.log(`corpus ${corpusDir}; ${WORKERS} OCR workers; up to ${DOCS_PER_FORMAT} documents per format; native tesseract ${native ? 'present' : 'absent'}`);

// Warm the pool (worker start is paid once per process, not per document).
{
  const warm: OcrImage = { width: 64, height: 64, data: new Uint8Array(64 * 64).fill(255), dpi: 300 };
  await Promise.all(Array.from({ length: WORKERS }, () => tjs.recognize(warm)));
}
const rssMb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);
console.log(`RSS with ${WORKERS} idle tesseract.js workers: ${rssMb()} MB`);

// 1. Text-layer PDFs: every digital PDF, no OCR engine work allowed (the first is
// decoded once beforehand: loading pdfjs is paid once per process, not per page).
const textPdfMs: number[] = [];
let textPdfOcrCalls = 0;
const digitalPdfs = manifest.filter((r) => r.format === 'pdf');
if (digitalPdfs[0]) await decodeDocument(readBytes(digitalPdfs[0]), OPTIONS, { ocr: tjs, reread: REREAD });
for (const row of digitalPdfs) {
  const rec = recording(tjs);
  const layout = await decodeDocument(readBytes(row), OPTIONS, { ocr: rec.engine, reread: REREAD });
  textPdfOcrCalls += rec.pages.length;
  const textPages = layout.pages.filter((p) => p.source === 'text').length;
  if (textPages === layout.pages.length) for (let i = 0; i < textPages; i += 1) textPdfMs.push(layout.decodeMs / textPages);
}
console.log(`RSS after the text-layer PDFs: ${rssMb()} MB (peak so far ${Math.round(peakRss / 1024 / 1024)} MB)`);
console.log(
  `text-layer PDF: ${textPdfMs.length} pages, ${round(median(textPdfMs), 1)} ms/page median, p95 ${round(quantile(textPdfMs, 0.95), 1)}, OCR calls ${textPdfOcrCalls}`,
);

// 2. Every format, default engine, then native on the same preprocessed images.
interface FormatStats {
  docs: number;
  pages: number;
  wallMs: number;
  msPerPage: number[];
  proxy: number[];
  nativeProxy: number[];
  tjsEngineMs: number[];
  nativeEngineMs: number[];
  nativeWallMs: number;
  tjsOcrWallMs: number;
  /** Process peak RSS so far, after this format (cumulative: shows which format raised it). */
  peakRssMb: number;
}
const byFormat = new Map<string, FormatStats>();
const formats = [...new Set(manifest.map((r) => r.format))].filter((f) => f !== 'invalid');
/** A page's OCR words as the decoder keeps them (speckle punctuation dropped, lines and blocks in reading order). */
const asDecoderKeepsThem = (words: OcrWord[]): string[] =>
  buildBlocks(words.filter((w) => /[\p{L}\p{N}]/u.test(w.text) || w.confidence >= 0.5)).flatMap((b) =>
    b.lines.flatMap((l) => l.words.map((w) => w.text)),
  );
const nativeOcrWords = async (pages: Array<{ image: OcrImage; order: number }>, stats: FormatStats): Promise<string[]> => {
  const words: Array<{ order: number; words: string[] }> = [];
  const started = performance.now();
  await runAll(pages, WORKERS, async ({ image, order }) => {
    const r = await native!.recognize(image, { timeoutMs: OPTIONS.pageTimeoutMs });
    stats.nativeEngineMs.push(r.ms);
    words.push({ order, words: asDecoderKeepsThem(r.words) });
  });
  stats.nativeWallMs += performance.now() - started;
  return words.sort((a, b) => a.order - b.order).flatMap((p) => p.words);
};
/** Per document, the truth fields one engine found and the other missed (names only, never values). */
const engineDiffs: string[] = [];
/** The second reading (decode/reread.ts): lines read and their engine time, against the pages' engine time. */
const reread = { lines: 0, lineMs: 0, pageMs: 0 };

for (const format of formats) {
  const rows = manifest.filter((r) => r.format === format).slice(0, DOCS_PER_FORMAT);
  const stats: FormatStats = {
    docs: 0,
    pages: 0,
    wallMs: 0,
    msPerPage: [],
    proxy: [],
    nativeProxy: [],
    tjsEngineMs: [],
    nativeEngineMs: [],
    nativeWallMs: 0,
    tjsOcrWallMs: 0,
    peakRssMb: 0,
  };
  byFormat.set(format, stats);
  for (const row of rows) {
    const truth = readTruth(row);
    const rec = recording(tjs);
    let layout: DocumentLayout;
    try {
      layout = await decodeDocument(readBytes(row), OPTIONS, { ocr: rec.engine, reread: REREAD });
    } catch (error) {
      console.log(`  ${row.file}: ${isIntakeError(error) ? error.code : 'error'} (skipped)`);
      continue;
    }
    stats.docs += 1;
    reread.lines += rec.lines.count;
    reread.lineMs += rec.lines.ms;
    reread.pageMs += rec.pages.reduce((a, x) => a + x.ms, 0);
    stats.pages += layout.pages.length;
    stats.wallMs += layout.decodeMs;
    for (let i = 0; i < layout.pages.length; i += 1) stats.msPerPage.push(layout.decodeMs / layout.pages.length);
    const values = truthValues(truth);
    const p = proxy(values, layoutWords(layout));
    if (p !== null) stats.proxy.push(p);
    for (const page of rec.pages) stats.tjsEngineMs.push(page.ms);
    if (native && rec.pages.length > 0) {
      // Same images, same model, same parallelism; text-layer and blank pages count as the default run saw them.
      const textWords = layout.pages.filter((pg) => pg.source === 'text').flatMap((pg) => pg.blocks.flatMap((b) => b.lines.flatMap((l) => l.words.map((w) => w.text))));
      const nWords = await nativeOcrWords(rec.pages, stats);
      const np = proxy(values, [...textWords, ...nWords]);
      if (np !== null) stats.nativeProxy.push(np);
      const byTjs = found(values, layoutWords(layout));
      const byNative = found(values, [...textWords, ...nWords]);
      const only = (a: Set<TruthValue>, b: Set<TruthValue>) => [...a].filter((v) => !b.has(v)).map((v) => v.field);
      const tjsOnly = only(byTjs, byNative);
      const nativeOnly = only(byNative, byTjs);
      if (tjsOnly.length + nativeOnly.length > 0) {
        engineDiffs.push(`  ${row.file} (${format}): tesseract.js only [${tjsOnly.join(', ')}]; native only [${nativeOnly.join(', ')}]`);
      }
    }
  }
  stats.peakRssMb = Math.round(Math.max(peakRss, process.memoryUsage().rss) / 1024 / 1024);
}

console.log('\nformat          docs pages  ms/page med   p95  pages/min  proxy  | engine ms/page tjs  native  ratio  native proxy  peak RSS MB');
const rowsOut: Record<string, unknown> = {};
for (const [format, s] of byFormat) {
  const ppm = s.wallMs > 0 ? (s.pages / s.wallMs) * 60_000 : null;
  const tjsMed = median(s.tjsEngineMs);
  const natMed = median(s.nativeEngineMs);
  const ratio = tjsMed !== null && natMed !== null && natMed > 0 ? tjsMed / natMed : null;
  rowsOut[format] = {
    docs: s.docs,
    pages: s.pages,
    msPerPageMedian: round(median(s.msPerPage)),
    msPerPageP95: round(quantile(s.msPerPage, 0.95)),
    pagesPerMinute: round(ppm, 1),
    proxy: round(mean(s.proxy), 3),
    nativeProxy: round(mean(s.nativeProxy), 3),
    nativeRatio: round(ratio, 2),
    peakRssMbSoFar: s.peakRssMb,
  };
  console.log(
    [
      format.padEnd(15),
      String(s.docs).padStart(4),
      String(s.pages).padStart(5),
      String(round(median(s.msPerPage))).padStart(12),
      String(round(quantile(s.msPerPage, 0.95))).padStart(6),
      String(round(ppm, 1)).padStart(10),
      String(round(mean(s.proxy), 3)).padStart(6),
      ' |',
      String(round(tjsMed)).padStart(18),
      String(round(natMed)).padStart(7),
      String(round(ratio, 2)).padStart(6),
      String(round(mean(s.nativeProxy), 3)).padStart(13),
      String(s.peakRssMb).padStart(12),
    ].join(' '),
  );
}

// Headline figures over OCR'd pages of every format.
const all = [...byFormat.values()];
const ocrPagesMs = all.flatMap((s) => s.tjsEngineMs);
const nativeMs = all.flatMap((s) => s.nativeEngineMs);
const allMsPerPage = all.flatMap((s) => s.msPerPage);
const nativeRatio = native && nativeMs.length > 0 ? median(ocrPagesMs)! / median(nativeMs)! : null;
const tjsProxyAll = mean(all.flatMap((s) => (s.nativeProxy.length > 0 ? s.proxy : [])));
const nativeProxyAll = mean(all.flatMap((s) => s.nativeProxy));

// 3. A 3-page fine G4 fax (cover, referral, note), wall time with the warm default engine.
let fax3PageWallMs: number | null = null;
let fax3File: string | null = null;
const fax3 = manifest.find((r) => r.format === 'tiff_fine' && (r.pages?.length ?? r.pageCount) === 3);
if (fax3) {
  const started = performance.now();
  const layout = await decodeDocument(readBytes(fax3), OPTIONS, { ocr: tjs, reread: REREAD });
  fax3PageWallMs = performance.now() - started;
  fax3File = `${fax3.file} (${layout.pages.length} pages)`;
}

// 4. Controlled fine vs standard: every fine (204x196) fax of the corpus that has truth values, and
// the standard (204x98) version of the very same pages, made as a standard fax is (every other scan
// line, G4, 98 dpi tags); both decoded through the product's path (which stretches 98-dpi pages back
// to square pixels). Also the character disagreement of the standard pages' OCR text with the fine
// pages' (letters and digits; a finer measure than the proxy).
const FAX_DOCS = Number(process.env.BENCH_OCR_FAX_DOCS ?? 20);
const controlled = { fine: [] as number[], standard: [] as number[], charDiff: 0, chars: 0, docs: 0, pages: 0, found: [0, 0], values: 0 };
for (const row of manifest.filter((r) => r.format === 'tiff_fine')) {
  if (controlled.docs >= FAX_DOCS) break;
  const values = truthValues(readTruth(row));
  if (values.length === 0) continue;
  const bytes = readBytes(row);
  const fineLayout = await decodeDocument(bytes, OPTIONS, { ocr: tjs, reread: REREAD });
  const stdPages = await standardFaxPages(bytes);
  const stdLayouts: DocumentLayout[] = [];
  for (const page of stdPages) stdLayouts.push(await decodeDocument(page, OPTIONS, { ocr: tjs, reread: REREAD }));
  const fineWords = layoutWords(fineLayout);
  const stdWords = stdLayouts.flatMap(layoutWords);
  const f = found(values, fineWords);
  const st = found(values, stdWords);
  controlled.fine.push(f.size / values.length);
  controlled.standard.push(st.size / values.length);
  controlled.found[0]! += f.size;
  controlled.found[1]! += st.size;
  controlled.values += values.length;
  controlled.docs += 1;
  controlled.pages += stdPages.length;
  fineLayout.pages.forEach((page, i) => {
    const a = norm(page.blocks.flatMap((b) => b.lines.flatMap((l) => l.words.map((w) => w.text))).join(''));
    const b = norm(stdLayouts[i] ? layoutWords(stdLayouts[i]!).join('') : '');
    controlled.charDiff += editDistance(a, b);
    controlled.chars += a.length;
  });
}
const controlledFine = mean(controlled.fine);
const controlledStandard = mean(controlled.standard);

const fine = byFormat.get('tiff_fine');
const standard = byFormat.get('tiff_standard');
const fineProxy = fine ? mean(fine.proxy) : null;
const standardProxy = standard ? mean(standard.proxy) : null;

clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
await tjs.close();
await native?.close();

console.log(`\nengine ms/page over all OCR'd pages: tesseract.js ${round(median(ocrPagesMs))} (${ocrPagesMs.length} pages), native ${round(median(nativeMs))}`);
console.log(`tesseract.js / native: ${round(nativeRatio, 2)} (target <= 1.5); proxy tesseract.js ${round(tjsProxyAll, 3)} vs native ${round(nativeProxyAll, 3)}`);
console.log(`text-layer PDF ms/page: ${round(median(textPdfMs), 1)} (target < 50)`);
console.log(`3-page G4 fax ${fax3File ?? '(none)'}: ${round(fax3PageWallMs)} ms wall (target < 6000)`);
console.log(
  `fax proxy: fine ${round(fineProxy, 3)} vs standard ${round(standardProxy, 3)} (target: within 0.02; different documents, ${DOCS_PER_FORMAT} each)`,
);
console.log(
  `fax proxy, controlled (the same ${controlled.docs} fine faxes, ${controlled.pages} pages, and their standard versions): fine ${round(controlledFine, 3)} vs standard ${round(controlledStandard, 3)} (${controlled.found[0]}/${controlled.values} vs ${controlled.found[1]}/${controlled.values} values; target: within 0.02); standard text differs from fine in ${round((100 * controlled.charDiff) / Math.max(1, controlled.chars), 2)}% of characters`,
);
if (engineDiffs.length > 0) console.log(`truth fields found by one engine only (same page images):\n${engineDiffs.join('\n')}`);
console.log(`second reading: ${reread.lines} lines, ${Math.round(reread.lineMs)} ms engine time against ${Math.round(reread.pageMs)} ms for the pages (${Math.round((100 * reread.lineMs) / Math.max(1, reread.lineMs + reread.pageMs))}% of OCR engine time)`);
console.log(`peak RSS ${round(peakRss / 1024 / 1024)} MB (target < 1024)`);

console.log(
  JSON.stringify({
    msPerPageMedian: round(median(allMsPerPage)),
    ocrEngineMsPerPageMedian: round(median(ocrPagesMs)),
    reread: REREAD,
    rereadLines: reread.lines,
    rereadShareOfOcrMs: round(reread.lineMs / Math.max(1, reread.lineMs + reread.pageMs), 2),
    nativeMsPerPageMedian: round(median(nativeMs)),
    nativeRatio: round(nativeRatio, 2),
    proxy: round(tjsProxyAll, 3),
    nativeProxy: round(nativeProxyAll, 3),
    textPdfMsPerPage: round(median(textPdfMs), 1),
    fax3PageWallMs: round(fax3PageWallMs),
    fineFaxProxy: round(fineProxy, 3),
    standardFaxProxy: round(standardProxy, 3),
    controlledFineFaxProxy: round(controlledFine, 3),
    controlledStandardFaxProxy: round(controlledStandard, 3),
    controlledStandardCharDiffPct: round((100 * controlled.charDiff) / Math.max(1, controlled.chars), 2),
    peakRssMb: round(peakRss / 1024 / 1024),
    workers: WORKERS,
    docsPerFormat: DOCS_PER_FORMAT,
    byFormat: rowsOut,
  }),
);
