/**
 * The OCR engine contract shared by the tesseract.js pool and the native
 * `tesseract` binary: an 8-bit grayscale raster in, positioned words out (pixel
 * coordinates of the input raster; the decoder converts them to PDF points).
 */

/** An 8-bit grayscale raster, row-major, one byte per pixel (0 black, 255 white). */
export interface OcrImage {
  width: number;
  height: number;
  data: Uint8Array;
  /** Resolution of the raster in pixels per inch, passed to the engine as a hint. */
  dpi: number;
}

export interface OcrWord {
  text: string;
  /** [x0, y0, x1, y1] in pixels of the input raster, from its top-left. */
  bbox: [number, number, number, number];
  /** In [0,1]. */
  confidence: number;
}

export interface OcrResult {
  words: OcrWord[];
  /** Time the engine spent on this page (not counting the queue), in milliseconds. */
  ms: number;
}

export interface RecognizeOptions {
  /** Abandon the page after this long on an engine (queue time not counted): PAGE_TIMEOUT. */
  timeoutMs?: number;
  /**
   * 'page' (default): find the layout, then read it. 'line': the image is one line
   * of text (tesseract's single-line mode), for a second reading of a line cut out of a page.
   */
  layout?: 'page' | 'line';
}

export type OcrEngineName = 'tesseractjs' | 'native';

export interface OcrEngine {
  readonly name: OcrEngineName;
  /** How many pages it recognises at once; the decoder keeps about this many in flight. */
  readonly concurrency: number;
  recognize(image: OcrImage, options?: RecognizeOptions): Promise<OcrResult>;
  /**
   * Several single-line images at once (layout 'line'), results in order. The native
   * engine reads them in one process (starting tesseract costs more than reading a
   * line); tesseract.js reads them one after another on one worker.
   */
  recognizeLines?(images: readonly OcrImage[], options?: Pick<RecognizeOptions, 'timeoutMs'>): Promise<OcrResult[]>;
  /** Ends every worker or child process; later calls to recognize fail. */
  close(): Promise<void>;
}
