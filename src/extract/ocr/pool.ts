/**
 * A small fixed-size pool of long-lived resources (tesseract.js workers), created
 * lazily on first use and reused across documents. A resource that misbehaved
 * (timed out, crashed) is discarded and replaced on demand, so one hostile page
 * cannot poison later ones. Waiters are served first come, first served.
 */
import { IntakeError } from '../../core/errors.ts';

export interface PoolHooks<R> {
  create(): Promise<R>;
  destroy(resource: R): Promise<void>;
}

export type UseOutcome<T> = { value: T; keep: boolean; refill?: boolean } | { error: unknown; keep: boolean; refill?: boolean };

export class ResourcePool<R> {
  readonly size: number;
  readonly #hooks: PoolHooks<R>;
  readonly #idle: R[] = [];
  readonly #all = new Set<R>();
  readonly #waiters: Array<{ resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  #creating = 0;
  #closed = false;

  constructor(size: number, hooks: PoolHooks<R>) {
    this.size = Math.max(1, size);
    this.#hooks = hooks;
  }

  /**
   * Runs `fn` with a resource; `fn` returns whether the resource stays usable.
   * `refill` (with `keep: false`): the resource is being retired, not failing;
   * its replacement is started at once, so the next caller finds it ready.
   */
  async use<T>(fn: (resource: R) => Promise<UseOutcome<T>>): Promise<T> {
    const resource = await this.#acquire();
    let outcome: UseOutcome<T>;
    try {
      outcome = await fn(resource);
    } catch (error) {
      outcome = { error, keep: false };
    }
    if (outcome.keep) this.#release(resource);
    else await this.#discard(resource, outcome.refill === true);
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const w of this.#waiters.splice(0)) w.reject(new IntakeError('OCR_FAILED', 'OCR engine closed'));
    const all = [...this.#all];
    this.#all.clear();
    this.#idle.length = 0;
    await Promise.allSettled(all.map((r) => this.#hooks.destroy(r)));
  }

  get created(): number {
    return this.#all.size;
  }

  #acquire(): Promise<R> {
    if (this.#closed) return Promise.reject(new IntakeError('OCR_FAILED', 'OCR engine closed'));
    const idle = this.#idle.pop();
    if (idle !== undefined) return Promise.resolve(idle);
    const promise = new Promise<R>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    this.#grow();
    return promise;
  }

  #grow(refill = false): void {
    if (this.#closed || (this.#waiters.length === 0 && !refill)) return;
    if (this.#all.size + this.#creating >= this.size) return;
    this.#creating += 1;
    this.#hooks.create().then(
      (resource) => {
        this.#creating -= 1;
        if (this.#closed) {
          void this.#hooks.destroy(resource).catch(() => undefined);
          return;
        }
        this.#all.add(resource);
        this.#release(resource);
      },
      (error: unknown) => {
        this.#creating -= 1;
        // Fail one waiter with the start error; the others may still get a worker.
        // (A refill that fails is dropped: the next caller starts one on demand.)
        this.#waiters.shift()?.reject(error);
        this.#grow();
      },
    );
  }

  #release(resource: R): void {
    const waiter = this.#waiters.shift();
    if (waiter) waiter.resolve(resource);
    else this.#idle.push(resource);
  }

  async #discard(resource: R, refill: boolean): Promise<void> {
    this.#all.delete(resource);
    await this.#hooks.destroy(resource).catch(() => undefined);
    this.#grow(refill);
  }
}
