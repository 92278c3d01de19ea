/**
 * Reading a line the page reading missed, with the real tesseract.js engine on a
 * rendered scan: Tesseract's layout analysis drops a code line beside leader dots
 * ("Dx ...... N20.0"), and readUnreadLines reads it back.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOcrEngine, type OcrEngine, type OcrImage } from '../ocr/index.ts';
import type { OcrWord } from '../ocr/types.ts';
import { piecesPage, type Piece } from '../offline/synth/builder.ts';
import { renderPage } from '../offline/synth/render.ts';
import { median } from './median.ts';
import { readUnreadLines } from './unread-lines.ts';

let engine: OcrEngine;
beforeAll(async () => {
  engine = await createOcrEngine({ OCR_ENGINE: 'tesseractjs', OCR_WORKERS: 1, OCR_WORKER_START_TIMEOUT_MS: 30_000 });
});
afterAll(async () => {
  await engine?.close();
});

const pieces: Piece[] = [
  [60, 60, 'Referral Request', 14],
  [60, 100, 'Patient Name: Quill, Harriet'],
  [60, 120, 'Date of Birth: 02/11/1958'],
  [60, 140, 'Referring Physician: Tomas Virel, MD'],
  [60, 160, 'Reason for Referral: Recurrent kidney stones'],
  [60, 180, 'Dx ...... N20.0'],
];

async function scanOf(lines: Piece[]): Promise<OcrImage> {
  const rendered = await renderPage(piecesPage(1, lines), 'scan', 7);
  const { data, info } = await sharp(rendered.bytes).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), dpi: 200 };
}

const heightOf = (words: readonly OcrWord[]) => median(words.filter((w) => /[\p{L}\p{N}]/u.test(w.text)).map((w) => w.bbox[3] - w.bbox[1]));

describe('readUnreadLines', () => {
  it('reads back a line the page reading missed, its words marked recovered, and nothing else', async () => {
    const image = await scanOf(pieces);
    // Tesseract's page reading drops the code line beside its leader dots (as it does on real
    // faxes); should a version read it, it is taken out here, as if dropped.
    const words = (await engine.recognize(image)).words.filter((w) => !/N20|^Dx$|\.{3}/.test(w.text));
    const back = await readUnreadLines(image, words, heightOf(words), engine);
    expect(back.map((w) => w.text).join(' ')).toMatch(/N20\.0/);
    expect(back.every((w) => w.recovered === true)).toBe(true);
    // One line: every word recovered lies below the reason's line, on one row.
    const reason = words.find((w) => /stones/.test(w.text))!;
    const mid = (w: OcrWord) => (w.bbox[1] + w.bbox[3]) / 2;
    expect(back.every((w) => mid(w) > reason.bbox[3] && Math.abs(mid(w) - mid(back[0]!)) < heightOf(words))).toBe(true);
  }, 60_000);

  it('reads nothing again on a page whose every line was read', async () => {
    const image = await scanOf(pieces.slice(0, -1));
    const { words } = await engine.recognize(image);
    expect(await readUnreadLines(image, words, heightOf(words), engine)).toEqual([]);
  }, 60_000);
});
