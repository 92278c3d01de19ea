/**
 * Posts to a Slack incoming webhook with plain fetch. Retries network errors,
 * 429 and 5xx with exponential backoff and full jitter, honouring Retry-After
 * (capped: Slack's rate limit is about one message per second per webhook,
 * https://api.slack.com/docs/rate-limits). Other 4xx (bad URL, revoked
 * webhook) are permanent. The webhook URL is a secret: never logged.
 */
import { IntakeError } from '../core/errors.ts';
import { backoffDelayMs } from '../ingest/timing.ts';

export interface SlackPayload {
  text: string;
  blocks?: unknown[];
}

export interface SlackPostOptions {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

export const DEFAULT_SLACK_POST_OPTIONS: SlackPostOptions = {
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  timeoutMs: 10_000,
};

export interface SlackPostResult {
  attempts: number;
  status: number;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Retry-After in seconds (RFC 9110 §10.2.3), as milliseconds; null when absent or a date. */
export function retryAfterMs(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header.trim());
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1_000 : null;
}

export async function postToSlack(url: string, payload: SlackPayload, options: SlackPostOptions = DEFAULT_SLACK_POST_OPTIONS): Promise<SlackPostResult> {
  let lastStatus = 0;
  let lastCause: unknown;
  for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
    if (options.signal?.aborted) break;
    let wait = backoffDelayMs(attempt, options.baseDelayMs, options.maxDelayMs);
    try {
      const signals = [AbortSignal.timeout(options.timeoutMs), ...(options.signal ? [options.signal] : [])];
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.any(signals),
      });
      lastStatus = response.status;
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { attempts: attempt, status: response.status };
      if (response.status !== 429 && response.status < 500) {
        throw new IntakeError('DELIVERY_FAILED', 'the Slack webhook refused the alert', { details: { status: response.status, attempts: attempt } });
      }
      const after = retryAfterMs(response.headers.get('retry-after'));
      if (after !== null) wait = Math.min(Math.max(after, wait), options.maxDelayMs);
    } catch (err) {
      if (err instanceof IntakeError) throw err;
      lastCause = err;
    }
    if (attempt < options.maxAttempts) await sleep(wait, options.signal);
  }
  throw new IntakeError('DELIVERY_FAILED', 'could not deliver an alert to Slack', {
    cause: lastCause,
    details: { status: lastStatus, attempts: options.maxAttempts },
  });
}
