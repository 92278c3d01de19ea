/**
 * Alert de-duplication: the first occurrence of a problem goes out at once; more
 * of the same problem (same key) within the window are counted, and when the
 * window closes one follow-up says how many more there were. A storm of 500
 * unreadable faxes becomes two Slack messages, not 500.
 */

export interface DedupeEntry<T> {
  first: T;
  /** Occurrences after the first one in the current window. */
  repeats: number;
  windowStartedAt: number;
  timer: NodeJS.Timeout;
}

export class AlertDeduper<T> {
  readonly #entries = new Map<string, DedupeEntry<T>>();
  readonly #windowMs: number;
  readonly #onSend: (item: T, repeatsInWindow: number, windowMs: number) => void;

  /** `onSend(item, 0)` for a first occurrence; `onSend(first, n)` when a window closes with n repeats. */
  constructor(windowMs: number, onSend: (item: T, repeatsInWindow: number, windowMs: number) => void) {
    this.#windowMs = windowMs;
    this.#onSend = onSend;
  }

  offer(key: string, item: T): 'sent' | 'counted' {
    const entry = this.#entries.get(key);
    if (entry) {
      entry.repeats += 1;
      return 'counted';
    }
    this.#onSend(item, 0, this.#windowMs);
    if (this.#windowMs > 0) this.#open(key, item);
    return 'sent';
  }

  #open(key: string, item: T): void {
    const timer = setTimeout(() => this.#close(key), this.#windowMs);
    timer.unref();
    this.#entries.set(key, { first: item, repeats: 0, windowStartedAt: Date.now(), timer });
  }

  #close(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    if (entry.repeats > 0) {
      this.#onSend(entry.first, entry.repeats, this.#windowMs);
      // Still happening: keep counting in a new window rather than alerting per event.
      this.#open(key, entry.first);
    }
  }

  /** Sends the pending counts now (on stop) and clears every window. */
  flush(): void {
    for (const [key, entry] of [...this.#entries]) {
      clearTimeout(entry.timer);
      this.#entries.delete(key);
      if (entry.repeats > 0) this.#onSend(entry.first, entry.repeats, Date.now() - entry.windowStartedAt);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
