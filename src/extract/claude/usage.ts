/**
 * Per-document token and cost record. Prices are list prices in USD per million
 * tokens (platform.claude.com model pages, 2026); an unknown model (e.g. an
 * on-premises endpoint) records tokens with a null cost rather than a guess.
 */
import type { Usage } from '@anthropic-ai/sdk/resources/messages/messages';

interface Price {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

const price = (input: number, output: number): Price => ({
  input,
  output,
  cacheWrite: input * 1.25,
  cacheRead: input * 0.1,
});

/**
 * Exact model ids; a dated snapshot (`claude-sonnet-4-5-20250929`) resolves to its
 * alias. Haiku 5.5 is left out: its price varies ("from $0.10 / $0.50").
 */
const PRICES: Record<string, Price> = {
  'claude-fable-5-1': price(10, 50),
  'claude-opus-5-5': price(4, 20),
  'claude-opus-5': price(5, 25),
  'claude-sonnet-5-5': price(2, 10),
  'claude-sonnet-5': price(2, 10),
  'claude-opus-4-5': price(5, 25),
  'claude-opus-4-1': price(15, 75),
  'claude-opus-4': price(15, 75),
  'claude-sonnet-4-5': price(3, 15),
  'claude-sonnet-4': price(3, 15),
  'claude-haiku-4-5': price(1, 5),
};

export interface UsageRecord {
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
  /** USD, null when the model's price is unknown. */
  costUsd: number | null;
  attempts: number;
  durationMs: number;
}

export function priceOf(model: string): Price | null {
  const alias = model.replace(/-\d{8}$/, '');
  return PRICES[alias] ?? null;
}

export function usageRecord(model: string, usage: Usage | undefined, attempts: number, durationMs: number): UsageRecord {
  const inputTokens = usage?.input_tokens ?? 0;
  const outputTokens = usage?.output_tokens ?? 0;
  const cacheCreationInputTokens = usage?.cache_creation_input_tokens ?? 0;
  const cacheReadInputTokens = usage?.cache_read_input_tokens ?? 0;
  const p = priceOf(model);
  const costUsd =
    p === null
      ? null
      : Math.round(
          ((inputTokens * p.input +
            outputTokens * p.output +
            cacheCreationInputTokens * p.cacheWrite +
            cacheReadInputTokens * p.cacheRead) /
            1e6) *
            1e6,
        ) / 1e6;
  return { model, inputTokens, outputTokens, cacheCreationInputTokens, cacheReadInputTokens, costUsd, attempts, durationMs };
}
