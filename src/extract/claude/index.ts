/**
 * The Claude extractor: sends a document's numbered layout lines to the Messages
 * API (or an on-premises Anthropic-compatible endpoint via ANTHROPIC_BASE_URL),
 * asks for one structured tool call, validates it with zod, and scores every value
 * against the lines it cites. It returns Claude's view of the document; the
 * extract stage combines it with the offline extractor (combine.ts).
 */
import Anthropic from '@anthropic-ai/sdk';
import type { Config } from '../../config/config.ts';
import { IntakeError } from '../../core/errors.ts';
import type { ExtractedFields } from '../extraction.ts';
import type { DocumentLayout } from '../layout.ts';
import { createMessage, DEFAULT_RETRY, type RetryPolicy } from './call.ts';
import { renderDocument, SYSTEM_PROMPT } from './prompt.ts';
import { readFields, type FieldAudit } from './read-fields.ts';
import { parseToolInput, toolInputJsonSchema, TOOL_NAME, type DOCUMENT_KINDS } from './schema.ts';
import { usageRecord, type UsageRecord } from './usage.ts';

export { combineExtractions, type ClaudeView, type CombineStats } from './combine.ts';
export type { UsageRecord } from './usage.ts';

export interface ClaudeExtractorOptions {
  apiKey: string;
  /** Anthropic-compatible endpoint; the SDK default (api.anthropic.com) when absent. */
  baseURL?: string;
  model: string;
  /** Per-attempt timeout. */
  timeoutMs: number;
  maxRetries: number;
  /** Backoff tuning (tests shorten it). */
  retry?: Partial<Omit<RetryPolicy, 'maxRetries' | 'timeoutMs'>>;
  /** Output budget for the one tool call. */
  maxTokens?: number;
}

export interface ClaudeResult {
  documentType: 'referral' | 'other';
  documentKind: (typeof DOCUMENT_KINDS)[number] | undefined;
  fields: ExtractedFields;
  audit: FieldAudit;
  /** Items the model sent that failed the schema and were dropped. */
  droppedItems: number;
  /** Layout lines left out of the prompt by its size bounds. */
  truncatedLines: number;
  usage: UsageRecord;
}

export interface ClaudeExtractor {
  readonly model: string;
  /**
   * Throws IntakeError LLM_UNAVAILABLE (API down, retries exhausted, timeouts),
   * LLM_INVALID_OUTPUT (no valid tool call; details.usage still holds the
   * tokens spent) or STAGE_TIMEOUT (the caller's signal aborted).
   */
  extract(layout: DocumentLayout, signal?: AbortSignal): Promise<ClaudeResult>;
}

/** Room for adaptive thinking before the tool call; the per-attempt timeout still bounds the wait. */
const DEFAULT_MAX_TOKENS = 16_000;

/** Claude options from the config, or null when no API key is set (offline only). */
export function claudeOptionsFromConfig(config: Config): ClaudeExtractorOptions | null {
  if (!config.ANTHROPIC_API_KEY) return null;
  const options: ClaudeExtractorOptions = {
    apiKey: config.ANTHROPIC_API_KEY,
    model: config.ANTHROPIC_MODEL,
    timeoutMs: config.ANTHROPIC_TIMEOUT_MS,
    maxRetries: config.ANTHROPIC_MAX_RETRIES,
  };
  if (config.ANTHROPIC_BASE_URL) options.baseURL = config.ANTHROPIC_BASE_URL;
  return options;
}

export function createClaudeExtractor(options: ClaudeExtractorOptions): ClaudeExtractor {
  const client = new Anthropic({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    maxRetries: 0,
    timeout: options.timeoutMs,
  });
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY,
    ...options.retry,
    maxRetries: options.maxRetries,
    timeoutMs: options.timeoutMs,
  };
  const tool = {
    name: TOOL_NAME,
    description: 'Record the type of a faxed medical document and the referral fields it contains.',
    input_schema: toolInputJsonSchema(),
  };

  return {
    model: options.model,
    async extract(layout, signal) {
      const rendered = renderDocument(layout);
      const call = await createMessage(
        client,
        {
          model: options.model,
          max_tokens: options.maxTokens ?? DEFAULT_MAX_TOKENS,
          system: SYSTEM_PROMPT,
          tools: [tool],
          // Not a forced tool_choice: current models with adaptive thinking (Sonnet 5.5)
          // reject forced tool use. The prompt asks for exactly one call; a reply
          // without it is LLM_INVALID_OUTPUT and the offline result stands.
          tool_choice: { type: 'auto', disable_parallel_tool_use: true },
          messages: [{ role: 'user', content: rendered.text }],
        },
        policy,
        signal,
      );
      const usage = usageRecord(options.model, call.message.usage, call.attempts, call.durationMs);
      const block = call.message.content.find((b) => b.type === 'tool_use' && b.name === TOOL_NAME);
      const parsed = block && block.type === 'tool_use' ? parseToolInput(block.input) : null;
      if (parsed === null) {
        throw new IntakeError('LLM_INVALID_OUTPUT', 'Claude returned no valid tool call', {
          details: { usage, stopReason: call.message.stop_reason, toolCalled: block !== undefined },
        });
      }
      const { fields, audit } = readFields(parsed.items, rendered.lines);
      // A page the model calls only a cover sheet or blank is not a referral, whatever else it says.
      const notReferralKind = parsed.documentKind !== undefined && !['referral', 'other'].includes(parsed.documentKind);
      return {
        documentType: notReferralKind ? 'other' : parsed.documentType,
        documentKind: parsed.documentKind,
        fields,
        audit,
        droppedItems: parsed.droppedItems,
        truncatedLines: rendered.truncatedLines,
        usage,
      };
    },
  };
}
