/**
 * In-process events that other parts subscribe to (alerts, metrics). Payloads
 * carry ids, codes and counts only: never patient data.
 */
import { EventEmitter } from 'node:events';

export interface IntakeEvents {
  /** A document could not be decoded (unsupported, corrupt, encrypted, over a limit). */
  'document.invalid': { documentId: string; code: string; source: string };
  /** A document failed for good after its retries. */
  'document.dead_lettered': { documentId: string; code: string; stage: string; attempts: number };
  'document.state_changed': { documentId: string; from: string | null; to: string; stage: string; durationMs: number };
  /** A source (mailbox, drop folder) is failing. */
  'source.failing': { source: string; code: string; sinceMs: number };
  'source.recovered': { source: string };
  /** A message or file arrived with nothing the service can read. */
  'source.unusable': { source: string; code: string; ref: string };
  'review.queue_stale': { oldestAgeMs: number; count: number };
  'delivery.dead_lettered': { documentId: string; code: string; attempts: number };
}

export type IntakeEventName = keyof IntakeEvents;

export class EventBus {
  readonly #emitter = new EventEmitter();

  emit<K extends IntakeEventName>(name: K, payload: IntakeEvents[K]): void {
    this.#emitter.emit(name, payload);
  }

  on<K extends IntakeEventName>(name: K, listener: (payload: IntakeEvents[K]) => void): () => void {
    this.#emitter.on(name, listener);
    return () => this.#emitter.off(name, listener);
  }
}
