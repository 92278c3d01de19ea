/**
 * The pipeline worker: an explicit loop that claims documents and runs the stage
 * their state calls for (received → extracted → matched → in_review | accepted),
 * with an abortable sleep, a stop() that waits for the loop, retry with backoff and
 * dead-lettering by the error table (STYLE.md §5, §10). Several loops, in one or
 * many processes, share the work through the store.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import { eq, sql } from 'drizzle-orm';
import type { BlobStore } from '../blobs/blob-store.ts';
import { IntakeError, toIntakeError } from '../core/errors.ts';
import type { EventBus } from '../core/events.ts';
import type { Logger } from '../core/logger.ts';
import type { Extraction } from '../extract/extraction.ts';
import { documents, type DocumentState } from '../store/schema/documents.ts';
import type { Store } from '../store/store.ts';
import { backoffMs } from './backoff.ts';
import { claimDocuments, completeStage, failDocument, scheduleRetry, type ClaimedDocument } from './claim.ts';
import { reviewReasonsFor, type PipelineStages, type StoredMatch } from './stages.ts';

export interface WorkerOptions {
  leaseMs: number;
  maxAttempts: number;
  pollIntervalMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Parallel loops in this process. */
  concurrency: number;
}

export interface WorkerDeps {
  store: Store;
  blobs: BlobStore;
  events: EventBus;
  logger: Logger;
  stages: PipelineStages;
  options: WorkerOptions;
  workerId?: string;
}

export interface PipelineWorker {
  readonly workerId: string;
  start(): void;
  /** Stops claiming, aborts in-flight stages' waits and waits for the loops to end. */
  stop(): Promise<void>;
  /** Processes until nothing is claimable now; returns the number of stages run. */
  drain(): Promise<number>;
  /** Wakes the loops now (new work arrived). */
  nudge(): void;
}

export function createPipelineWorker(deps: WorkerDeps): PipelineWorker {
  const workerId = deps.workerId ?? `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  const { store, logger, options } = deps;
  const abort = new AbortController();
  let loops: Promise<void>[] = [];
  const sleepers = new Set<() => void>();

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        abort.signal.removeEventListener('abort', done);
        sleepers.delete(done);
        resolve();
      }
      sleepers.add(done);
      abort.signal.addEventListener('abort', done, { once: true });
    });
  }

  async function runOne(): Promise<boolean> {
    const [doc] = await claimDocuments(store, { workerId, leaseMs: options.leaseMs, limit: 1 });
    if (!doc) return false;
    await processClaimed(doc);
    return true;
  }

  async function processClaimed(doc: ClaimedDocument): Promise<void> {
    const started = performance.now();
    const stage = stageName(doc.state);
    const log = logger.child({ documentId: doc.id, stage, attempt: doc.attempts });
    if (doc.attempts > options.maxAttempts) {
      // Claimed again after crashes or lost leases more often than allowed.
      const err = new IntakeError('STAGE_TIMEOUT', `stage ${stage} did not complete in ${options.maxAttempts} attempts`);
      await deadLetter(doc, err, stage, 0, log);
      return;
    }
    try {
      await runStage(doc, started);
      log.debug({ durationMs: Math.round(performance.now() - started) }, 'stage completed');
    } catch (caught) {
      const err = toIntakeError(caught);
      const durationMs = performance.now() - started;
      if (err.code === 'LEASE_LOST') {
        log.warn({ code: err.code }, 'lease lost; another worker owns the document');
        return;
      }
      if (err.retryable && doc.attempts < options.maxAttempts) {
        const delay = backoffMs(doc.attempts, options.backoffBaseMs, options.backoffMaxMs);
        await scheduleRetry(store, doc, workerId, err, delay);
        log.warn({ code: err.code, retryInMs: delay }, 'stage failed; will retry');
      } else {
        await deadLetter(doc, err, stage, durationMs, log);
      }
    }
  }

  async function deadLetter(doc: ClaimedDocument, err: IntakeError, stage: string, durationMs: number, log: Logger) {
    if (await failDocument(store, doc, workerId, err, stage, durationMs)) {
      log.error({ code: err.code }, 'document failed permanently');
      deps.events.emit('document.dead_lettered', { documentId: doc.id, code: err.code, stage, attempts: doc.attempts });
      deps.events.emit('document.state_changed', { documentId: doc.id, from: doc.state, to: 'failed', stage, durationMs });
    }
  }

  async function loadRow(id: string) {
    const [row] = await store.db
      .select({ extraction: documents.extraction, matchDecision: documents.matchDecision })
      .from(documents)
      .where(eq(documents.id, id));
    if (!row) throw new IntakeError('NOT_FOUND', 'document row is missing', { details: { documentId: id } });
    return { extraction: row.extraction as Extraction | null, match: row.matchDecision as StoredMatch | null };
  }

  async function transition(
    doc: ClaimedDocument,
    to: DocumentState,
    started: number,
    set: ReturnType<typeof sql> | undefined,
    inTx?: (tx: Parameters<Parameters<Store['db']['transaction']>[0]>[0]) => Promise<void>,
  ) {
    const stage = stageName(doc.state);
    const durationMs = performance.now() - started;
    await store.db.transaction(async (tx) => {
      await completeStage(tx, doc, workerId, { to, stage, durationMs, ...(set ? { set } : {}) });
      if (inTx) await inTx(tx);
    });
    deps.events.emit('document.state_changed', { documentId: doc.id, from: doc.state, to, stage, durationMs });
  }

  async function audit(tx: Parameters<NonNullable<PipelineStages['audit']>>[0], action: string, docId: string) {
    await deps.stages.audit?.(tx, {
      actor: `pipeline:${workerId}`,
      action,
      resource: `Document/${docId}`,
      outcome: 'success',
    });
  }

  async function runStage(doc: ClaimedDocument, started: number): Promise<void> {
    const ctx = { documentId: doc.id, signal: abort.signal };
    switch (doc.state) {
      case 'received': {
        const bytes = await deps.blobs.get(doc.sha256);
        const extraction = await deps.stages.extract(bytes, ctx);
        if (extraction.documentType === 'invalid') {
          const err = new IntakeError(extraction.error?.code ?? 'UNSUPPORTED_FORMAT', extraction.error?.message ?? 'unreadable document');
          await store.db
            .update(documents)
            .set({ extraction, documentType: 'invalid', needsReview: true, pageCount: extraction.pages })
            .where(eq(documents.id, doc.id));
          if (await failDocument(store, doc, workerId, err, 'extract', performance.now() - started)) {
            deps.events.emit('document.invalid', { documentId: doc.id, code: err.code, source: doc.source });
            deps.events.emit('document.state_changed', {
              documentId: doc.id, from: doc.state, to: 'failed', stage: 'extract', durationMs: performance.now() - started,
            });
          }
          return;
        }
        await transition(
          doc,
          'extracted',
          started,
          sql`extraction = ${JSON.stringify(extraction)}::jsonb, document_type = ${extraction.documentType},
              needs_review = ${extraction.needsReview}, page_count = ${extraction.pages}`,
          (tx) => audit(tx, 'extract', doc.id),
        );
        return;
      }
      case 'extracted': {
        const { extraction } = await loadRow(doc.id);
        if (!extraction) throw new IntakeError('INTERNAL', 'extracted document has no extraction');
        let match: StoredMatch | null = null;
        if (extraction.documentType === 'referral') {
          match = { ...(await deps.stages.match(deps.stages.demographics(extraction), ctx)) };
          match.duplicateOf = (await deps.stages.findDuplicate?.(doc.id, extraction)) ?? null;
        }
        await transition(
          doc,
          'matched',
          started,
          sql`match_decision = ${match ? JSON.stringify(match) : null}::jsonb`,
          (tx) => audit(tx, 'match', doc.id),
        );
        return;
      }
      case 'matched': {
        const { extraction, match } = await loadRow(doc.id);
        if (!extraction) throw new IntakeError('INTERNAL', 'matched document has no extraction');
        const reasons = reviewReasonsFor(extraction, match);
        const accept = reasons.length === 0;
        await transition(
          doc,
          accept ? 'accepted' : 'in_review',
          started,
          sql`review_reasons = ${toPgArray(reasons)}::text[]`,
          async (tx) => {
            if (accept) {
              await deps.stages.onAccepted?.(tx, doc.id);
              await audit(tx, 'accept', doc.id);
            }
          },
        );
        return;
      }
      default: {
        const never: never = doc.state;
        throw new IntakeError('INTERNAL', `no stage for state ${String(never)}`);
      }
    }
  }

  async function loop(): Promise<void> {
    let failures = 0;
    while (!abort.signal.aborted) {
      try {
        const worked = await runOne();
        failures = 0;
        if (!worked) await sleep(options.pollIntervalMs);
      } catch (caught) {
        // The store itself failed (connection lost...): back off, keep the loop alive.
        failures++;
        const err = toIntakeError(caught, 'STORE_UNAVAILABLE');
        logger.error({ code: err.code, failures }, 'worker loop error');
        await sleep(backoffMs(failures, options.pollIntervalMs, 30_000));
      }
    }
  }

  return {
    workerId,
    start() {
      if (loops.length > 0) return;
      loops = Array.from({ length: options.concurrency }, () => loop());
    },
    async stop() {
      abort.abort();
      await Promise.allSettled(loops);
      loops = [];
    },
    async drain() {
      let n = 0;
      for (;;) {
        const batch = await Promise.all(Array.from({ length: options.concurrency }, () => runOne()));
        const worked = batch.filter(Boolean).length;
        if (worked === 0) return n;
        n += worked;
      }
    },
    nudge() {
      for (const wakeUp of [...sleepers]) wakeUp();
    },
  };
}

function stageName(state: ClaimedDocument['state']): string {
  switch (state) {
    case 'received':
      return 'extract';
    case 'extracted':
      return 'match';
    case 'matched':
      return 'route';
    default: {
      const never: never = state;
      return String(never);
    }
  }
}

function toPgArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}
