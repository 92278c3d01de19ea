/**
 * One Messages API call with our own bounded retries. The SDK's retry loop is
 * switched off (maxRetries 0) because it honours retry-after without a cap
 * (STACK.md); here 408/409/429/5xx/529 and connection failures are retried with
 * exponential backoff and jitter, retry-after is respected up to a bound, and a
 * longer retry-after ends the attempt at once (the caller falls back to the
 * offline extractor rather than stalling the pipeline).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import Anthropic from '@anthropic-ai/sdk';
import type { Message, MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages/messages';
import { IntakeError, coerceError } from '../../core/errors.ts';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Per-attempt timeout handed to the SDK. */
  timeoutMs: number;
  /** First backoff delay; doubles per retry. */
  baseDelayMs: number;
  /** Cap on a computed backoff delay. */
  maxDelayMs: number;
  /** A retry-after longer than this is not waited for: the call gives up. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: Omit<RetryPolicy, 'maxRetries' | 'timeoutMs'> = {
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
};

export interface CallResult {
  message: Message;
  attempts: number;
  durationMs: number;
}

/** Non-PHI facts about a failed call, kept on the thrown IntakeError's details. */
interface FailureInfo {
  status: number | null;
  kind: 'http' | 'timeout' | 'connection' | 'other';
  retryAfterMs: number | null;
}

function describe(err: unknown): FailureInfo {
  if (err instanceof Anthropic.APIConnectionTimeoutError) return { status: null, kind: 'timeout', retryAfterMs: null };
  if (err instanceof Anthropic.APIConnectionError) return { status: null, kind: 'connection', retryAfterMs: null };
  if (err instanceof Anthropic.APIError && typeof err.status === 'number') {
    return { status: err.status, kind: 'http', retryAfterMs: retryAfterMs(err.headers) };
  }
  return { status: null, kind: 'other', retryAfterMs: null };
}

/** retry-after-ms, then retry-after (seconds or an HTTP date); null when absent or unusable. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | null {
  if (!headers) return null;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const v = Number(ms);
    if (Number.isFinite(v) && v >= 0) return v;
  }
  const ra = headers.get('retry-after');
  if (ra === null || ra.trim() === '') return null;
  const seconds = Number(ra);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : null;
  const date = Date.parse(ra);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function retryable(info: FailureInfo): boolean {
  if (info.kind === 'timeout' || info.kind === 'connection') return true;
  if (info.status === null) return false;
  return info.status === 408 || info.status === 409 || info.status === 429 || info.status >= 500;
}

export function backoffMs(retry: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>): number {
  const raw = Math.min(policy.baseDelayMs * 2 ** retry, policy.maxDelayMs);
  return raw * (1 - Math.random() * 0.25);
}

/**
 * Sends one request, retrying transient failures. Throws IntakeError
 * LLM_UNAVAILABLE when the API cannot answer, or STAGE_TIMEOUT when the
 * caller's signal aborts (no fall-back then: the caller asked to stop).
 */
export async function createMessage(
  client: Anthropic,
  body: MessageCreateParamsNonStreaming,
  policy: RetryPolicy,
  signal?: AbortSignal,
): Promise<CallResult> {
  const started = Date.now();
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      const options = signal
        ? { timeout: policy.timeoutMs, maxRetries: 0, signal }
        : { timeout: policy.timeoutMs, maxRetries: 0 };
      const message = await client.messages.create(body, options);
      return { message, attempts, durationMs: Date.now() - started };
    } catch (err) {
      if (signal?.aborted) throw aborted(err);
      const info = describe(err);
      const retriesLeft = policy.maxRetries - (attempts - 1);
      const waitAfter = info.retryAfterMs;
      const giveUp =
        !retryable(info) || retriesLeft <= 0 || (waitAfter !== null && waitAfter > policy.maxRetryAfterMs);
      if (giveUp) {
        throw new IntakeError('LLM_UNAVAILABLE', `Claude API unavailable (${reason(info)})`, {
          cause: coerceError(err),
          details: { status: info.status, kind: info.kind, attempts, retryAfterMs: info.retryAfterMs },
        });
      }
      const delay = waitAfter ?? backoffMs(attempts - 1, policy);
      try {
        await sleep(delay, undefined, signal ? { signal } : undefined);
      } catch (sleepErr) {
        throw aborted(sleepErr);
      }
    }
  }
}

function reason(info: FailureInfo): string {
  if (info.kind === 'http') return `HTTP ${info.status}`;
  return info.kind;
}

function aborted(cause: unknown): IntakeError {
  return new IntakeError('STAGE_TIMEOUT', 'extraction aborted', { cause: coerceError(cause) });
}
