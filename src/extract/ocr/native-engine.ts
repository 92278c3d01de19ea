/**
 * The optional engine (OCR_ENGINE=native): Debian's `tesseract` binary, one child
 * process per page, at most `workers` at once. Measured here at about 2x the speed
 * of tesseract.js for the same model. OMP_THREAD_LIMIT=1: with OpenMP threads a
 * page took 20-34 s instead of about 4 s on 2 cores. It reads the same
 * best_int model as tesseract.js (expanded from the npm package), so both engines
 * give the same kind of words, boxes and confidences (TSV output).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { IntakeError, coerceError } from '../../core/errors.ts';
import { toPgm } from './pgm.ts';
import { ResourcePool } from './pool.ts';
import { nativeTessdataDir } from './tessdata.ts';
import { parseTesseractTsv, parseTesseractTsvPages } from './tsv.ts';
import type { OcrEngine, OcrImage, OcrResult, RecognizeOptions } from './types.ts';

export interface NativeOptions {
  workers: number;
  /** Path or name of the binary. */
  binary?: string;
  /** Time allowed for `tesseract --version` at start. */
  startTimeoutMs: number;
}

/** Checks the binary runs; throws OCR_FAILED when it is missing. */
export async function createNativeEngine(options: NativeOptions): Promise<OcrEngine> {
  const binary = options.binary ?? 'tesseract';
  const tessdata = await nativeTessdataDir();
  await run(binary, ['--version'], undefined, options.startTimeoutMs).catch((error: unknown) => {
    throw new IntakeError('OCR_FAILED', 'native tesseract is not available', { cause: coerceError(error) });
  });
  // Slots only bound the number of concurrent child processes.
  let slot = 0;
  const pool = new ResourcePool<number>(options.workers, { create: async () => ++slot, destroy: async () => undefined });

  return {
    name: 'native',
    concurrency: pool.size,
    recognize: (image, opts) => pool.use(async () => ({ value: await recognizeOnce(binary, tessdata, image, opts), keep: true })),
    recognizeLines: (images, opts) => pool.use(async () => ({ value: await recognizeBatch(binary, tessdata, images, opts), keep: true })),
    close: () => pool.close(),
  };
}

/**
 * Single-line images in one process: tesseract reads a list file of images as the
 * pages of one document (TSV page_num 1..n). Starting the binary and loading the
 * model costs about 0.25 s of CPU, more than reading a line, so one process per line
 * would make the second reading of a page (decode/reread.ts) cost seconds.
 */
async function recognizeBatch(binary: string, tessdata: string, images: readonly OcrImage[], opts: RecognizeOptions = {}): Promise<OcrResult[]> {
  if (images.length === 0) return [];
  const started = performance.now();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'intake-lines-'));
  try {
    const files = await Promise.all(images.map(async (image, i) => {
      const file = path.join(dir, `${i}.pgm`);
      await writeFile(file, toPgm(image));
      return file;
    }));
    const list = path.join(dir, 'list.txt');
    await writeFile(list, `${files.join('\n')}\n`);
    const args = [list, 'stdout', '--tessdata-dir', tessdata, '-l', 'eng', '--oem', '1', '--psm', '7', '--dpi', String(Math.round(images[0]!.dpi)), '-c', 'tessedit_create_tsv=1', '-c', 'tessedit_create_txt=0'];
    const byPage = parseTesseractTsvPages(await run(binary, args, undefined, opts.timeoutMs));
    const ms = (performance.now() - started) / images.length;
    return images.map((_, i) => ({ words: byPage.get(i + 1) ?? [], ms }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function recognizeOnce(binary: string, tessdata: string, image: OcrImage, opts: RecognizeOptions = {}): Promise<OcrResult> {
  const started = performance.now();
  const args = ['stdin', 'stdout', '--tessdata-dir', tessdata, '-l', 'eng', '--oem', '1', '--psm', opts.layout === 'line' ? '7' : '3', '--dpi', String(Math.round(image.dpi)), '-c', 'tessedit_create_tsv=1', '-c', 'tessedit_create_txt=0'];
  const stdout = await run(binary, args, toPgm(image), opts.timeoutMs);
  return { words: parseTesseractTsv(stdout), ms: performance.now() - started };
}


function run(binary: string, args: string[], input: Buffer | undefined, timeoutMs: number | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', OMP_THREAD_LIMIT: '1' },
    });
    const chunks: Buffer[] = [];
    let stderrBytes = 0;
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
    }
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    // stderr carries only tesseract's warnings; drained and counted, never logged (it may echo text).
    child.stderr.on('data', (c: Buffer) => {
      stderrBytes += c.length;
    });
    child.stdin.on('error', () => undefined);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(new IntakeError('PAGE_TIMEOUT', 'page took too long to recognise', { details: { timeoutMs } }));
      } else if (code !== 0) {
        reject(new IntakeError('OCR_FAILED', 'native tesseract failed', { details: { exitCode: code, stderrBytes } }));
      } else {
        resolve(Buffer.concat(chunks).toString('utf8'));
      }
    });
    child.stdin.end(input);
  });
}

