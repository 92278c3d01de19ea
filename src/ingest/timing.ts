/**
 * Backoff and sleeping for the long-running ingest loops (STYLE.md §10): full-jitter
 * exponential backoff (AWS architecture blog, "Exponential Backoff and Jitter") so
 * that many clients reconnecting after an outage do not arrive in lockstep, and a
 * sleep that a stop() or a wake-up hint can cut short.
 */

/** Delay before retry number `attempt` (1-based): random in [base/2, min(max, base·2^(attempt-1))]. */
export function backoffDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  const floor = Math.min(ceiling, baseMs / 2);
  return Math.round(floor + random() * (ceiling - floor));
}

/**
 * A sleep that ends early when woken or aborted. `wake()` before `sleep()` is
 * remembered, so a hint that arrives while the loop is busy is not lost.
 */
export class Waker {
  #pending = false;
  #resolve: (() => void) | null = null;

  wake(): void {
    if (this.#resolve) {
      const r = this.#resolve;
      this.#resolve = null;
      r();
    } else {
      this.#pending = true;
    }
  }

  /** Resolves true when woken (or aborted), false when the time ran out. */
  sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
    if (this.#pending || signal?.aborted) {
      this.#pending = false;
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve) => {
      const done = (woken: boolean) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#resolve = null;
        resolve(woken);
      };
      const onAbort = () => done(true);
      const timer = setTimeout(() => done(false), ms);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#resolve = () => done(true);
    });
  }
}
