/**
 * OCR: the one entry point the rest of the system calls. `createOcrEngine` picks
 * tesseract.js (default, nothing to install) or the native `tesseract` binary
 * (OCR_ENGINE=native). Creating an engine is cheap: tesseract.js workers start on
 * the first page that needs OCR, so a text-layer-only run never pays for them.
 */
import type { Config } from '../../config/config.ts';
import { createNativeEngine } from './native-engine.ts';
import { createTesseractJsEngine } from './tesseract-js-engine.ts';
import type { OcrEngine } from './types.ts';

export type { OcrEngine, OcrEngineName, OcrImage, OcrResult, OcrWord, RecognizeOptions } from './types.ts';

export async function createOcrEngine(
  config: Pick<Config, 'OCR_ENGINE' | 'OCR_WORKERS' | 'OCR_WORKER_START_TIMEOUT_MS'>,
): Promise<OcrEngine> {
  const engine = config.OCR_ENGINE;
  switch (engine) {
    case 'tesseractjs':
      return createTesseractJsEngine({ workers: config.OCR_WORKERS, startTimeoutMs: config.OCR_WORKER_START_TIMEOUT_MS });
    case 'native':
      return createNativeEngine({ workers: config.OCR_WORKERS, startTimeoutMs: config.OCR_WORKER_START_TIMEOUT_MS });
    default: {
      const never: never = engine;
      throw new Error(`unknown OCR engine ${String(never)}`);
    }
  }
}
