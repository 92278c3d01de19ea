import { describe, expect, it } from 'vitest';
import { backoffDelayMs, Waker } from './timing.ts';

describe('backoffDelayMs', () => {
  it('grows exponentially within [base/2, cap] and never exceeds the maximum', () => {
    expect(backoffDelayMs(1, 1_000, 60_000, () => 0)).toBe(500);
    expect(backoffDelayMs(1, 1_000, 60_000, () => 1)).toBe(1_000);
    expect(backoffDelayMs(4, 1_000, 60_000, () => 1)).toBe(8_000);
    expect(backoffDelayMs(30, 1_000, 60_000, () => 1)).toBe(60_000);
    expect(backoffDelayMs(1_000, 1_000, 60_000, () => 0.5)).toBeLessThanOrEqual(60_000);
    // Jitter spreads clients out.
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelayMs(5, 1_000, 60_000)));
    expect(spread.size).toBeGreaterThan(10);
  });
});

describe('Waker', () => {
  it('ends a sleep early when woken, and remembers a wake that came first', async () => {
    const waker = new Waker();
    const sleeping = waker.sleep(60_000);
    waker.wake();
    expect(await sleeping).toBe(true);
    waker.wake();
    expect(await waker.sleep(60_000)).toBe(true);
    expect(await waker.sleep(5)).toBe(false);
  });

  it('ends a sleep when its signal aborts', async () => {
    const waker = new Waker();
    const abort = new AbortController();
    const sleeping = waker.sleep(60_000, abort.signal);
    abort.abort();
    expect(await sleeping).toBe(true);
    expect(await waker.sleep(60_000, abort.signal)).toBe(true);
  });
});
