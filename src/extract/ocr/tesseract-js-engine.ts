/**
 * The default engine: a pool of tesseract.js (WebAssembly) workers, sized to the
 * cores, created on first use and reused. Fully offline: the model comes from the
 * @tesseract.js-data/eng package (`langPath`, `cacheMethod: 'none'`); without it
 * tesseract.js fetches from a CDN and, offline, never settles, hence the start
 * timeout. A page over its time limit terminates its worker (the only way to stop
 * a running recognize) and the pool replaces it.
 */
import { createWorker, OEM, PSM, type Worker } from 'tesseract.js';
import { IntakeError, coerceError } from '../../core/errors.ts';
import { toPgm } from './pgm.ts';
import { ResourcePool } from './pool.ts';
import { tesseractJsLangPath } from './tessdata.ts';
import type { OcrEngine, OcrImage, OcrResult, OcrWord, RecognizeOptions } from './types.ts';

export interface TesseractJsOptions {
  workers: number;
  startTimeoutMs: number;
  /**
   * A worker that has recognised a page of more pixels than this is replaced
   * afterwards: a WebAssembly heap only grows, so one huge page would otherwise
   * pin its memory for the life of the process. Default RECYCLE_PIXELS.
   */
  recyclePixels?: number;
  /** A worker is also replaced after this many pages (bounds slow heap growth and fragmentation). Default RECYCLE_PAGES. */
  recyclePages?: number;
  /** Where the model is read from; defaults to the @tesseract.js-data/eng package (tests point it elsewhere). */
  langPath?: string;
}

/** Above the decoder's own OCR budget (12 MP), so pages it prepares never trigger it. */
export const RECYCLE_PIXELS = 16_000_000;
export const RECYCLE_PAGES = 500;

interface PooledWorker {
  worker: Worker;
  pages: number;
}

export function createTesseractJsEngine(options: TesseractJsOptions): OcrEngine {
  const recyclePixels = options.recyclePixels ?? RECYCLE_PIXELS;
  const recyclePages = options.recyclePages ?? RECYCLE_PAGES;
  const pool = new ResourcePool<PooledWorker>(options.workers, {
    create: async () => ({ worker: await startWorker(options.startTimeoutMs, options.langPath ?? tesseractJsLangPath()), pages: 0 }),
    destroy: async (pooled) => {
      await pooled.worker.terminate();
    },
  });

  return {
    name: 'tesseractjs',
    concurrency: pool.size,
    recognize: (image, opts) =>
      pool.use(async (pooled) => {
        const outcome = await recognizeOn(pooled.worker, image, opts);
        pooled.pages += 1;
        if (outcome.keep && (image.width * image.height > recyclePixels || pooled.pages >= recyclePages)) {
          return { ...outcome, keep: false, refill: true };
        }
        return outcome;
      }),
    recognizeLines: (images, opts = {}) =>
      pool.use<OcrResult[]>(async (pooled) => {
        const out: OcrResult[] = [];
        const started = performance.now();
        for (const image of images) {
          // The batch shares one time limit.
          const left = opts.timeoutMs === undefined ? undefined : opts.timeoutMs - (performance.now() - started);
          const outcome = await recognizeOn(pooled.worker, image, left === undefined ? { layout: 'line' } : { layout: 'line', timeoutMs: Math.max(1, left) });
          if ('error' in outcome) return { error: outcome.error, keep: outcome.keep };
          out.push(outcome.value);
        }
        pooled.pages += 1;
        return pooled.pages >= recyclePages ? { value: out, keep: false, refill: true } : { value: out, keep: true };
      }),
    close: () => pool.close(),
  };
}

async function startWorker(timeoutMs: number, langPath: string): Promise<Worker> {
  let timer: NodeJS.Timeout | undefined;
  const start = createWorker('eng', OEM.LSTM_ONLY, {
    langPath,
    cacheMethod: 'none',
    gzip: true,
    legacyCore: false,
    legacyLang: false,
    errorHandler: () => undefined,
  });
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new IntakeError('OCR_TIMEOUT', 'OCR worker did not start in time', { details: { timeoutMs } })),
      timeoutMs,
    );
  });
  try {
    const worker = await Promise.race([start, timeout]);
    await worker.setParameters({ tessedit_pageseg_mode: PSM.AUTO, preserve_interword_spaces: '0' });
    return worker;
  } catch (error) {
    // A worker that starts after the timeout is terminated as soon as it appears.
    start.then((w) => w.terminate(), () => undefined).catch(() => undefined);
    throw error instanceof IntakeError ? error : new IntakeError('OCR_FAILED', 'OCR worker failed to start', { cause: coerceError(error) });
  } finally {
    clearTimeout(timer);
  }
}

type Outcome = { value: OcrResult; keep: boolean } | { error: unknown; keep: boolean };

async function recognizeOn(worker: Worker, image: OcrImage, opts: RecognizeOptions = {}): Promise<Outcome> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  // The raster's real resolution, so tesseract does not guess it (it scales its size filters by it).
  await worker.setParameters({
    user_defined_dpi: String(Math.round(image.dpi)),
    tessedit_pageseg_mode: opts.layout === 'line' ? PSM.SINGLE_LINE : PSM.AUTO,
  });
  const job = worker.recognize(toPgm(image), {}, { text: false, blocks: true });
  const timeout = new Promise<never>((_, reject) => {
    if (opts.timeoutMs === undefined) return;
    timer = setTimeout(() => {
      timedOut = true;
      reject(new IntakeError('PAGE_TIMEOUT', 'page took too long to recognise', { details: { timeoutMs: opts.timeoutMs } }));
    }, opts.timeoutMs);
  });
  try {
    const result = await Promise.race([job, timeout]);
    return { value: { words: wordsOf(result.data), ms: performance.now() - started }, keep: true };
  } catch (error) {
    job.catch(() => undefined);
    if (timedOut) return { error, keep: false };
    return { error: new IntakeError('OCR_FAILED', 'OCR failed on a page', { cause: coerceError(error) }), keep: false };
  } finally {
    clearTimeout(timer);
  }
}

interface TjsBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}
interface TjsPage {
  blocks: Array<{ paragraphs: Array<{ lines: Array<{ words: Array<{ text: string; confidence: number; bbox: TjsBox }> }> }> }> | null;
}

function wordsOf(page: unknown): OcrWord[] {
  const out: OcrWord[] = [];
  for (const block of (page as TjsPage).blocks ?? []) {
    for (const para of block.paragraphs) {
      for (const line of para.lines) {
        for (const w of line.words) {
          const text = w.text.trim();
          if (text === '') continue;
          out.push({
            text,
            bbox: [w.bbox.x0, w.bbox.y0, w.bbox.x1, w.bbox.y1],
            confidence: Math.min(1, Math.max(0, w.confidence / 100)),
          });
        }
      }
    }
  }
  return out;
}
