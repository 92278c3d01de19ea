/**
 * The outbox loop: POSTs each pending hand-off Bundle to FHIR_BASE_URL (a FHIR
 * transaction is a POST to the base, https://hl7.org/fhir/R4/http.html#transaction),
 * backs off exponentially after failures and dead-letters after FHIR_MAX_ATTEMPTS,
 * raising `delivery.dead_lettered`. Rows are claimed with FOR UPDATE SKIP LOCKED
 * and a short lease (next_attempt_at pushed forward), so several processes can run
 * it; the Bundle's conditional creates make a re-sent delivery harmless.
 */
import { and, asc, eq, lte } from 'drizzle-orm';
import type { Config } from '../config/config.ts';
import { coerceError } from '../core/errors.ts';
import type { EventBus } from '../core/events.ts';
import type { Logger } from '../core/logger.ts';
import { fhirOutbox } from '../store/schema/index.ts';
import type { Store } from '../store/store.ts';
import { appendAuditEvent } from '../audit/index.ts';

export interface FhirDelivererDeps {
  config: Config;
  store: Store;
  events: EventBus;
  logger: Logger;
  /** Injected for tests; defaults to global fetch. */
  fetch?: typeof fetch;
  pollIntervalMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  requestTimeoutMs?: number;
  workerId?: string;
}

export interface FhirDeliverer {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Delivers at most one due row; true when one was attempted (tests, CLI). */
  tick(): Promise<boolean>;
}

type Attempt = { ok: true } | { ok: false; permanent: boolean; error: string };

export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + Math.random() * (exp / 2));
}

export function createFhirDeliverer(deps: FhirDelivererDeps): FhirDeliverer {
  const log = deps.logger.child({ component: 'fhir-deliverer' });
  const doFetch = deps.fetch ?? fetch;
  const baseUrl = deps.config.FHIR_BASE_URL;
  const maxAttempts = deps.config.FHIR_MAX_ATTEMPTS;
  const pollMs = deps.pollIntervalMs ?? 1_000;
  const baseMs = deps.backoffBaseMs ?? deps.config.WORKER_BACKOFF_BASE_MS;
  const maxMs = deps.backoffMaxMs ?? deps.config.WORKER_BACKOFF_MAX_MS;
  const timeoutMs = deps.requestTimeoutMs ?? 30_000;
  const leaseMs = timeoutMs + 30_000;
  const actor = `pipeline:${deps.workerId ?? 'fhir-deliverer'}`;

  let running = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  const stopController = new AbortController();

  async function post(bundle: unknown): Promise<Attempt> {
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), stopController.signal]);
    try {
      const res = await doFetch(`${baseUrl!.replace(/\/+$/, '')}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' },
        body: JSON.stringify(bundle),
        signal,
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { ok: true };
      // A malformed Bundle never gets better by retrying; everything else might.
      const permanent = res.status === 400 || res.status === 422 || res.status === 404 || res.status === 405;
      return { ok: false, permanent, error: `http ${res.status}` };
    } catch (err) {
      const e = coerceError(err);
      return { ok: false, permanent: false, error: e.name === 'TimeoutError' ? 'timeout' : 'network error' };
    }
  }

  async function tick(): Promise<boolean> {
    if (!baseUrl) return false;
    const claimed = await deps.store.db.transaction(async (tx) => {
      const due = await tx
        .select({ documentId: fhirOutbox.documentId, bundle: fhirOutbox.bundle, attempts: fhirOutbox.attempts })
        .from(fhirOutbox)
        .where(and(eq(fhirOutbox.state, 'pending'), lte(fhirOutbox.nextAttemptAt, new Date())))
        .orderBy(asc(fhirOutbox.nextAttemptAt))
        .limit(1)
        .for('update', { skipLocked: true });
      const row = due[0];
      if (!row) return null;
      await tx
        .update(fhirOutbox)
        .set({ attempts: row.attempts + 1, nextAttemptAt: new Date(Date.now() + leaseMs) })
        .where(eq(fhirOutbox.documentId, row.documentId));
      return { ...row, attempts: row.attempts + 1 };
    });
    if (!claimed) return false;
    const started = Date.now();
    const result = await post(claimed.bundle);
    const where = and(eq(fhirOutbox.documentId, claimed.documentId), eq(fhirOutbox.state, 'pending'));
    if (result.ok) {
      await deps.store.db.transaction(async (tx) => {
        await tx.update(fhirOutbox).set({ state: 'delivered', deliveredAt: new Date(), lastError: null }).where(where);
        await appendAuditEvent(tx, {
          actor,
          action: 'fhir.deliver',
          resource: `Document/${claimed.documentId}`,
          outcome: 'success',
          details: { attempts: claimed.attempts },
        });
      });
      log.info({ documentId: claimed.documentId, attempt: claimed.attempts, durationMs: Date.now() - started }, 'fhir hand-off delivered');
      return true;
    }
    const dead = result.permanent || claimed.attempts >= maxAttempts;
    await deps.store.db.transaction(async (tx) => {
      await tx
        .update(fhirOutbox)
        .set(
          dead
            ? { state: 'dead', lastError: result.error, lastErrorCode: 'DELIVERY_FAILED' }
            : {
                lastError: result.error,
                lastErrorCode: 'DELIVERY_FAILED',
                nextAttemptAt: new Date(Date.now() + backoffMs(claimed.attempts, baseMs, maxMs)),
              },
        )
        .where(where);
      await appendAuditEvent(tx, {
        actor,
        action: 'fhir.deliver',
        resource: `Document/${claimed.documentId}`,
        outcome: 'failure',
        details: { attempts: claimed.attempts, error: result.error, deadLettered: dead },
      });
    });
    log.warn({ documentId: claimed.documentId, attempt: claimed.attempts, error: result.error, deadLettered: dead }, 'fhir hand-off failed');
    if (dead) {
      deps.events.emit('delivery.dead_lettered', {
        documentId: claimed.documentId,
        code: 'DELIVERY_FAILED',
        attempts: claimed.attempts,
      });
    }
    return true;
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (running) {
      let worked = false;
      try {
        worked = await tick();
        failures = 0;
      } catch (err) {
        failures += 1;
        // Name and code only: a driver's message can quote row values.
        const e = coerceError(err);
        log.error({ err: { name: e.name, code: (e as { code?: unknown }).code }, failures }, 'fhir outbox loop failed');
      }
      if (!running) break;
      if (!worked) await sleep(failures ? Math.min(30_000, pollMs * 2 ** failures) : pollMs);
    }
  }

  return {
    tick,
    async start() {
      if (running || !baseUrl) {
        if (!baseUrl) log.info('FHIR_BASE_URL not set: hand-offs stay in the outbox');
        return;
      }
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      stopController.abort();
      wake?.();
      await loop;
      loop = null;
    },
  };
}
