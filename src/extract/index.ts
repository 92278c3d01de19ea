/**
 * The extract stage's one entry point: bytes in, Extraction out.
 *
 * Decoding failures that are the document's fault (corrupt, encrypted,
 * unsupported, over a limit: the non-retryable decode codes) become an
 * `invalid` extraction; transient ones (OCR timeouts) are thrown for the
 * pipeline to retry. This module emits no events: the pipeline emits
 * `document.invalid`. With ANTHROPIC_API_KEY set, Claude's reading is combined
 * with the offline extractor's; when the API fails the offline result stands and
 * the fall-back, its code and any tokens spent are recorded in `notes`.
 */
import type { Config } from '../config/config.ts';
import { IntakeError, isIntakeError, toIntakeError } from '../core/errors.ts';
import type { EventBus } from '../core/events.ts';
import type { Logger } from '../core/logger.ts';
import {
  claudeOptionsFromConfig,
  combineExtractions,
  createClaudeExtractor,
  type ClaudeExtractor,
  type ClaudeResult,
} from './claude/index.ts';
import { decodeDocument, decodeOptionsFromConfig } from './decode/index.ts';
import { invalidExtraction, type Extraction } from './extraction.ts';
import type { DocumentLayout } from './layout.ts';
import { createOcrEngine } from './ocr/index.ts';
import { extractOffline } from './offline/index.ts';

export type { Extraction } from './extraction.ts';
export { createClaudeExtractor, claudeOptionsFromConfig, type ClaudeExtractor } from './claude/index.ts';

export interface ExtractContext {
  documentId?: string;
  signal?: AbortSignal;
}

export interface Extractor {
  extract(bytes: Uint8Array, ctx?: ExtractContext): Promise<Extraction>;
  close(): Promise<void>;
}

export interface ExtractLayoutOptions {
  reviewThreshold: number;
  /** Runs alongside the offline extractor when given. */
  claude?: ClaudeExtractor | null;
  signal?: AbortSignal;
  documentId?: string;
  logger?: Logger;
  /** "Today" for date plausibility (tests pin it). */
  today?: Date;
  /** The offline extractor; `extractOffline` unless a test substitutes it. */
  offline?: typeof extractOffline;
}

function runOffline(layout: DocumentLayout, options: ExtractLayoutOptions): Extraction {
  try {
    const run = options.offline ?? extractOffline;
    return run(layout, {
      reviewThreshold: options.reviewThreshold,
      ...(options.today ? { today: options.today } : {}),
    });
  } catch (err) {
    throw toIntakeError(err, 'INTERNAL', 'offline extractor failed');
  }
}

function hasText(layout: DocumentLayout): boolean {
  return layout.pages.some((p) => p.blocks.some((b) => b.lines.some((l) => l.text.trim() !== '')));
}

function claudeNotes(result: ClaudeResult, stats: unknown): Record<string, unknown> {
  return {
    model: result.usage.model,
    documentType: result.documentType,
    documentKind: result.documentKind ?? null,
    usage: result.usage,
    droppedItems: result.droppedItems,
    truncatedLines: result.truncatedLines,
    audit: result.audit,
    combine: stats,
  };
}

/**
 * Extraction from a decoded layout: offline always, combined with Claude when a
 * Claude extractor is given. Throws only when the caller's signal aborts
 * (STAGE_TIMEOUT) or the offline extractor itself fails (INTERNAL).
 */
export async function extractLayout(layout: DocumentLayout, options: ExtractLayoutOptions): Promise<Extraction> {
  const offline = runOffline(layout, options);
  const claude = options.claude;
  if (!claude) return offline;
  if (!hasText(layout)) {
    // Nothing to read: no tokens spent on a blank fax.
    return { ...offline, notes: { ...offline.notes, claude: { skipped: 'no text' } } };
  }
  let result: ClaudeResult;
  try {
    result = await claude.extract(layout, options.signal);
  } catch (err) {
    if (isIntakeError(err, 'STAGE_TIMEOUT') || options.signal?.aborted) {
      throw isIntakeError(err) ? err : toIntakeError(err, 'STAGE_TIMEOUT', 'extraction aborted');
    }
    const failure = toIntakeError(err, 'LLM_UNAVAILABLE', 'Claude extraction failed');
    const details = failure.details ?? {};
    options.logger?.warn(
      { documentId: options.documentId, code: failure.code, status: details['status'], attempts: details['attempts'] },
      'claude extraction fell back to offline',
    );
    const notes: Record<string, unknown> = {
      ...offline.notes,
      fallback: {
        from: 'claude',
        code: failure.code,
        status: details['status'] ?? null,
        kind: details['kind'] ?? null,
        attempts: details['attempts'] ?? null,
      },
    };
    if (details['usage'] !== undefined) notes['claude'] = { model: claude.model, usage: details['usage'] };
    return {
      ...offline,
      error: { code: failure.code, message: 'Claude unavailable; offline extractor used' },
      notes,
    };
  }
  const { extraction, stats } = combineExtractions(offline, result, options.reviewThreshold);
  const u = result.usage;
  options.logger?.debug(
    {
      documentId: options.documentId,
      inputTokens: u.inputTokens,
      outputTokens: u.outputTokens,
      costUsd: u.costUsd,
      attempts: u.attempts,
      durationMs: u.durationMs,
    },
    'claude extraction done',
  );
  return { ...extraction, notes: { ...offline.notes, claude: claudeNotes(result, stats) } };
}

export async function createExtractor(
  config: Config,
  deps: { logger?: Logger; events?: EventBus } = {},
): Promise<Extractor> {
  const ocr = await createOcrEngine(config);
  const decodeOptions = decodeOptionsFromConfig(config);
  const claudeOptions = claudeOptionsFromConfig(config);
  const claude = claudeOptions ? createClaudeExtractor(claudeOptions) : null;
  let closed = false;

  return {
    async extract(bytes, ctx = {}) {
      if (closed) throw new IntakeError('INTERNAL', 'extractor is closed');
      let layout: DocumentLayout;
      try {
        layout = await decodeDocument(bytes, decodeOptions, { ocr, reread: config.OCR_REREAD });
      } catch (err) {
        // The document's fault (a permanent decode code) → invalid; anything transient → retry.
        if (isIntakeError(err) && !err.retryable) return invalidExtraction(err.code, err.message);
        throw toIntakeError(err, 'INTERNAL', 'decoding failed');
      }
      const options: ExtractLayoutOptions = { reviewThreshold: config.REVIEW_THRESHOLD, claude };
      if (ctx.signal) options.signal = ctx.signal;
      if (ctx.documentId) options.documentId = ctx.documentId;
      if (deps.logger) options.logger = deps.logger;
      return extractLayout(layout, options);
    },
    async close() {
      if (closed) return;
      closed = true;
      await ocr.close();
    },
  };
}
