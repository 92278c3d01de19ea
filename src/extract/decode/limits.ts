/**
 * Limits against hostile input (bytes, pages, pixels per page, time per page) and
 * the small helpers that enforce them. Every trip is a typed IntakeError, never a
 * crash or an out-of-memory.
 */
import type { Config } from '../../config/config.ts';
import { IntakeError } from '../../core/errors.ts';

export interface DecodeOptions {
  maxBytes: number;
  maxPages: number;
  maxPagePixels: number;
  pageTimeoutMs: number;
}

export function decodeOptionsFromConfig(config: Config): DecodeOptions {
  return {
    maxBytes: config.MAX_DOCUMENT_BYTES,
    maxPages: config.MAX_PAGES,
    maxPagePixels: config.MAX_PAGE_PIXELS,
    pageTimeoutMs: config.PAGE_TIMEOUT_MS,
  };
}

export function checkPages(pages: number, options: DecodeOptions): void {
  if (pages > options.maxPages) {
    throw new IntakeError('LIMIT_PAGES', 'document has too many pages', { details: { pages, maxPages: options.maxPages } });
  }
}

export function checkPixels(width: number, height: number, options: DecodeOptions, pageNumber: number): void {
  const pixels = width * height;
  if (!Number.isFinite(pixels) || pixels > options.maxPagePixels) {
    throw new IntakeError('LIMIT_PIXELS', 'page has too many pixels', {
      details: { pageNumber, width, height, maxPagePixels: options.maxPagePixels },
    });
  }
}

/** Rejects with PAGE_TIMEOUT after `ms`; `onTimeout` cancels the work where it can. */
export async function withPageTimeout<T>(work: Promise<T>, ms: number, pageNumber: number, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new IntakeError('PAGE_TIMEOUT', 'page took too long to decode', { details: { pageNumber, timeoutMs: ms } }));
    }, ms);
  });
  const started = performance.now();
  try {
    const value = await Promise.race([work, timeout]);
    // A blocked event loop can let the work settle before the timer fires: the budget is what counts.
    if (performance.now() - started > ms) {
      onTimeout?.();
      throw new IntakeError('PAGE_TIMEOUT', 'page took too long to decode', { details: { pageNumber, timeoutMs: ms } });
    }
    return value;
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined);
  }
}

/**
 * Runs `fn` over 0..count-1 with at most `limit` in flight, results in order.
 * Stops starting new items after the first failure and rejects with it once the
 * running ones have settled (no work is left running behind the caller's back).
 */
export async function mapLimit<T>(count: number, limit: number, fn: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (failure === undefined && next < count) {
      const i = next;
      next += 1;
      try {
        results[i] = await fn(i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, count)) }, lane));
  if (failure) throw failure.error;
  return results;
}
