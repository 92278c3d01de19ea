/**
 * Both OCR engines on the same small page image (a crop of the fine-fax fixture
 * holding the patient's name): words with boxes inside the image, confidences in
 * [0,1], agreement on a known word and its place. The tesseract.js pool is created
 * once and reused; a worker start is bounded by its timeout (offline, a bad model
 * path would otherwise never settle); a page over its time limit is abandoned and
 * its worker replaced. Offline proof: OCR in a child process with no network at all
 * (`unshare -n`, a fresh network namespace with only a downed loopback).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IntakeError } from '../../core/errors.ts';
import { createOcrEngine, type OcrEngine, type OcrImage, type OcrWord } from './index.ts';
import { createNativeEngine } from './native-engine.ts';
import { createTesseractJsEngine } from './tesseract-js-engine.ts';

// Pass-through spy on worker creation, to prove the pool reuses its workers.
const workerStarts = vi.hoisted(() => ({ count: 0 }));
vi.mock('tesseract.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('tesseract.js')>();
  const createWorker: typeof original.createWorker = (...args) => {
    workerStarts.count += 1;
    return original.createWorker(...args);
  };
  const withDefault = original as typeof original & { default?: object };
  return { ...original, default: { ...withDefault.default, createWorker }, createWorker };
});

const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
const FAX = path.join(REPO_ROOT, 'test/fixtures/documents/fax-fine-g4.tif');
/** Where "Patient Name ... Barbara P. Carter" and the address sit on page 2 of the fine fax (204 dpi pixels). */
const CROP = { left: 100, top: 240, width: 900, height: 220 };

async function nameCrop(): Promise<OcrImage> {
  const { data, info } = await sharp(readFileSync(FAX), { page: 1 }).extract(CROP).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, info.width * info.height), dpi: 204 };
}

const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
const find = (words: OcrWord[], text: string) => words.find((w) => norm(w.text) === norm(text));

function expectWellFormed(words: OcrWord[], image: OcrImage): void {
  expect(words.length).toBeGreaterThan(5);
  for (const w of words) {
    expect(w.text.trim()).not.toBe('');
    const [x0, y0, x1, y1] = w.bbox;
    expect(x0).toBeGreaterThanOrEqual(0);
    expect(y0).toBeGreaterThanOrEqual(0);
    expect(x1).toBeLessThanOrEqual(image.width);
    expect(y1).toBeLessThanOrEqual(image.height);
    expect(x1).toBeGreaterThan(x0);
    expect(y1).toBeGreaterThan(y0);
    expect(w.confidence).toBeGreaterThanOrEqual(0);
    expect(w.confidence).toBeLessThanOrEqual(1);
  }
}

let image: OcrImage;
let tjs: OcrEngine;
let native: OcrEngine;

beforeAll(async () => {
  image = await nameCrop();
  tjs = await createOcrEngine({ OCR_ENGINE: 'tesseractjs', OCR_WORKERS: 2, OCR_WORKER_START_TIMEOUT_MS: 30_000 });
  native = await createOcrEngine({ OCR_ENGINE: 'native', OCR_WORKERS: 2, OCR_WORKER_START_TIMEOUT_MS: 10_000 });
});

afterAll(async () => {
  await Promise.all([tjs?.close(), native?.close()]);
});

describe('OCR engines', () => {
  it('tesseract.js and native tesseract read the same image alike', async () => {
    const [a, b] = await Promise.all([tjs.recognize(image), native.recognize(image)]);
    expect(tjs.name).toBe('tesseractjs');
    expect(native.name).toBe('native');
    expectWellFormed(a.words, image);
    expectWellFormed(b.words, image);
    const carterA = find(a.words, 'Carter');
    const carterB = find(b.words, 'Carter');
    expect(carterA).toBeDefined();
    expect(carterB).toBeDefined();
    // Same model, same input: the same word in the same place (within a few pixels).
    for (let i = 0; i < 4; i += 1) expect(Math.abs(carterA!.bbox[i]! - carterB!.bbox[i]!)).toBeLessThanOrEqual(6);
    expect(carterA!.confidence).toBeGreaterThan(0.5);
    expect(carterB!.confidence).toBeGreaterThan(0.5);
    // Most words agree between the engines.
    const setB = new Set(b.words.map((w) => norm(w.text)));
    const shared = a.words.filter((w) => setB.has(norm(w.text))).length;
    expect(shared / a.words.length).toBeGreaterThan(0.7);
    expect(a.ms).toBeGreaterThan(0);
    expect(b.ms).toBeGreaterThan(0);
  });

  it('both engines read a batch of single-line images in one go, results in order', async () => {
    const page = await tjs.recognize(image);
    const carter = find(page.words, 'Carter')!;
    // Another line: the first word whose box lies wholly below Carter's line.
    const below = page.words.find((w) => w.bbox[1] > carter.bbox[3] + 4 && /[a-z]{3}/i.test(w.text))!;
    const band = (w: OcrWord): OcrImage => {
      const top = Math.max(0, w.bbox[1] - 6);
      const height = Math.min(image.height - top, w.bbox[3] - w.bbox[1] + 12);
      return { width: image.width, height, data: image.data.slice(top * image.width, (top + height) * image.width), dpi: image.dpi };
    };
    const lines = [band(carter), band(below)];
    for (const engine of [tjs, native]) {
      const results = await engine.recognizeLines!(lines);
      expect(results).toHaveLength(2);
      expect(find(results[0]!.words, 'Carter')).toBeDefined();
      expect(find(results[1]!.words, 'Carter')).toBeUndefined();
      expect(find(results[1]!.words, below.text)).toBeDefined();
      // The words are in the line image's own pixels.
      for (const [i, r] of results.entries()) for (const w of r.words) expect(w.bbox[3]).toBeLessThanOrEqual(lines[i]!.height);
    }
  });

  it('the tesseract.js pool creates its workers once and reuses them across calls', async () => {
    // Two pages at once fill the pool (workers start lazily, at most its size)...
    await Promise.all([tjs.recognize(image), tjs.recognize(image)]);
    const before = workerStarts.count;
    expect(before).toBeGreaterThanOrEqual(1);
    expect(before).toBeLessThanOrEqual(2);
    // ...and five more pages, some queued behind busy workers, start no new one.
    const results = await Promise.all(Array.from({ length: 5 }, () => tjs.recognize(image)));
    for (const r of results) expect(find(r.words, 'Carter')).toBeDefined();
    expect(workerStarts.count).toBe(before);
  });

  it('a page over its time limit is abandoned with PAGE_TIMEOUT, and the pool recovers', async () => {
    const engine = createTesseractJsEngine({ workers: 1, startTimeoutMs: 30_000 });
    try {
      await expect(engine.recognize(image, { timeoutMs: 1 })).rejects.toMatchObject({ code: 'PAGE_TIMEOUT' });
      const again = await engine.recognize(image, { timeoutMs: 30_000 });
      expect(find(again.words, 'Carter')).toBeDefined();
    } finally {
      await engine.close();
    }
  });

  it('a worker is replaced after its page budget or a page above its pixel budget, and the engine keeps reading', async () => {
    // One worker, retired after every 2 pages.
    const byPages = createTesseractJsEngine({ workers: 1, startTimeoutMs: 30_000, recyclePages: 2 });
    try {
      const before = workerStarts.count;
      for (let i = 0; i < 3; i += 1) expect(find((await byPages.recognize(image)).words, 'Carter')).toBeDefined();
      // Start, then the replacement started after page 2 (ready before page 3 is asked for).
      expect(workerStarts.count - before).toBe(2);
    } finally {
      await byPages.close();
    }
    // A page above the pixel budget retires its worker; a small one does not.
    const byPixels = createTesseractJsEngine({ workers: 1, startTimeoutMs: 30_000, recyclePixels: image.width * image.height - 1 });
    try {
      const before = workerStarts.count;
      const small: OcrImage = { width: 64, height: 64, data: new Uint8Array(64 * 64).fill(255), dpi: 204 };
      await byPixels.recognize(small);
      await byPixels.recognize(small);
      expect(workerStarts.count - before).toBe(1);
      expect(find((await byPixels.recognize(image)).words, 'Carter')).toBeDefined();
      expect(find((await byPixels.recognize(image)).words, 'Carter')).toBeDefined();
      expect(workerStarts.count - before).toBe(3);
    } finally {
      await byPixels.close();
    }
  });

  it('native tesseract also honours the page time limit', async () => {
    await expect(native.recognize(image, { timeoutMs: 1 })).rejects.toMatchObject({ code: 'PAGE_TIMEOUT' });
  });
});

describe('OCR engine start', () => {
  it('a worker start that cannot finish in time rejects with OCR_TIMEOUT', async () => {
    const engine = createTesseractJsEngine({ workers: 1, startTimeoutMs: 1 });
    try {
      const started = performance.now();
      const error = await engine.recognize(image).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IntakeError);
      expect((error as IntakeError).code).toBe('OCR_TIMEOUT');
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      await engine.close();
    }
  });

  it('a bad model path rejects with a typed error within the start timeout, never hangs', async () => {
    // An address nothing answers on: offline, tesseract.js would wait for it forever.
    const engine = createTesseractJsEngine({ workers: 1, startTimeoutMs: 1_500, langPath: 'http://192.0.2.1/tessdata' });
    try {
      const started = performance.now();
      const error = await engine.recognize(image).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IntakeError);
      expect(['OCR_TIMEOUT', 'OCR_FAILED']).toContain((error as IntakeError).code);
      expect(performance.now() - started).toBeLessThan(1_500 + 5_000);
    } finally {
      await engine.close();
    }
  });

  it('a missing native binary is OCR_FAILED', async () => {
    await expect(createNativeEngine({ workers: 1, startTimeoutMs: 5_000, binary: '/nonexistent/tesseract' })).rejects.toMatchObject({
      code: 'OCR_FAILED',
    });
  });

  it('a closed engine refuses further pages', async () => {
    const engine = createTesseractJsEngine({ workers: 1, startTimeoutMs: 30_000 });
    await engine.close();
    await expect(engine.recognize(image)).rejects.toMatchObject({ code: 'OCR_FAILED' });
  });
});

describe('offline', () => {
  // Runs in a child with no network namespace: proves the model, pdfjs fonts and
  // wasm all come from the installed packages, and that the sandbox is real.
  const script = (pgmPath: string) => `
    import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
    import { createOcrEngine } from ${JSON.stringify(path.join(REPO_ROOT, 'src/extract/ocr/index.ts'))};
    import { decodeDocument } from ${JSON.stringify(path.join(REPO_ROOT, 'src/extract/decode/index.ts'))};
    let networkBlocked = false;
    try { await fetch('http://1.1.1.1/', { signal: AbortSignal.timeout(3000) }); } catch { networkBlocked = true; }
    const raw = JSON.parse(readFileSync(${JSON.stringify(pgmPath)}, 'utf8'));
    const engine = await createOcrEngine({ OCR_ENGINE: 'tesseractjs', OCR_WORKERS: 1, OCR_WORKER_START_TIMEOUT_MS: 30000 });
    const ocr = await engine.recognize({ width: raw.width, height: raw.height, data: Buffer.from(raw.data, 'base64'), dpi: raw.dpi });
    const pdf = await decodeDocument(new Uint8Array(readFileSync(${JSON.stringify(path.join(REPO_ROOT, 'test/fixtures/documents/digital-referral.pdf'))})),
      { maxBytes: 1e8, maxPages: 10, maxPagePixels: 6e7, pageTimeoutMs: 30000 }, { ocr: engine });
    await engine.close();
    const pdfWords = pdf.pages.flatMap((p) => p.blocks.flatMap((b) => b.lines.flatMap((l) => l.words.map((w) => w.text))));
    console.log(JSON.stringify({ networkBlocked, words: ocr.words.map((w) => w.text), pdfWords }));
  `;

  it('OCR and PDF decoding succeed with all outbound network blocked (unshare -n)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ocr-offline-'));
    const input = path.join(dir, 'image.json');
    const file = path.join(dir, 'child.mts');
    writeFileSync(input, JSON.stringify({ ...image, data: Buffer.from(image.data).toString('base64') }));
    writeFileSync(file, script(input));
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        'unshare',
        // As root a plain network namespace; otherwise inside a user namespace (-r) so no privilege is needed.
        [...(process.getuid?.() === 0 ? ['-n'] : ['-r', '-n']), process.execPath, '--import', 'tsx', file],
        { cwd: REPO_ROOT, timeout: 90_000, maxBuffer: 8 * 1024 * 1024 },
        (error, out, err) => (error ? reject(new Error(`offline child failed: ${String(error)} ${err}`)) : resolve(out)),
      );
    });
    rmSync(dir, { recursive: true, force: true });
    const last = stdout.trim().split('\n').at(-1)!;
    const result = JSON.parse(last) as { networkBlocked: boolean; words: string[]; pdfWords: string[] };
    expect(result.networkBlocked).toBe(true);
    expect(result.words.map(norm)).toContain('carter');
    expect(result.pdfWords.map(norm)).toContain('farrell');
  });
});
