/**
 * A recording OCR engine for tests that exercise decoding without paying for
 * real recognition: it keeps every image it was given and returns the words a
 * test chooses (none by default).
 */
import type { OcrEngine, OcrImage, OcrWord } from '../../src/extract/ocr/index.ts';

export interface RecordingOcr extends OcrEngine {
  readonly images: OcrImage[];
}

export function recordingOcr(words: (image: OcrImage) => OcrWord[] = () => []): RecordingOcr {
  const images: OcrImage[] = [];
  return {
    name: 'tesseractjs',
    concurrency: 2,
    images,
    async recognize(image) {
      images.push(image);
      return { words: words(image), ms: 0 };
    },
    async close() {},
  };
}
