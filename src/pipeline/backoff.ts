/**
 * Exponential backoff with jitter for stage retries: base × 2^(attempt-1),
 * capped, ±20% jitter so retried documents do not stampede together.
 */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  const jitter = 0.8 + 0.4 * random();
  return Math.round(Math.min(maxMs, exp * jitter));
}
