/**
 * Wires the real stages into the pipeline: the extractor (Claude or offline), the
 * matcher, duplicate detection, the FHIR outbox on acceptance and the audit trail.
 */
import type { Config } from '../config/config.ts';
import type { EventBus } from '../core/events.ts';
import type { Logger } from '../core/logger.ts';
import { appendAuditEvent } from '../audit/index.ts';
import { createExtractor, type Extractor } from '../extract/index.ts';
import { enqueueHandOff } from '../fhir/index.ts';
import { createMatcher, demographicsFromExtraction, findDuplicateReferral, type Matcher } from '../match/index.ts';
import type { Store } from '../store/store.ts';
import type { PipelineStages } from './stages.ts';

export interface DefaultStages {
  stages: PipelineStages;
  extractor: Extractor;
  matcher: Matcher;
  close(): Promise<void>;
}

export async function createDefaultStages(deps: {
  config: Config;
  store: Store;
  logger: Logger;
  events: EventBus;
}): Promise<DefaultStages> {
  const extractor = await createExtractor(deps.config, { logger: deps.logger, events: deps.events });
  let matcher: Matcher;
  try {
    matcher = await createMatcher({ store: deps.store, config: deps.config, logger: deps.logger });
  } catch (err) {
    await extractor.close();
    throw err;
  }
  const stages: PipelineStages = {
    extract: (bytes, ctx) => extractor.extract(bytes, { documentId: ctx.documentId, signal: ctx.signal }),
    demographics: demographicsFromExtraction,
    match: (demographics, ctx) => matcher.match(demographics, { documentId: ctx.documentId }),
    findDuplicate: (documentId, extraction) => findDuplicateReferral(deps.store, documentId, extraction),
    onAccepted: (tx, documentId) => enqueueHandOff(tx, documentId),
    audit: (tx, record) => appendAuditEvent(tx, record),
  };
  return {
    stages,
    extractor,
    matcher,
    async close() {
      await Promise.allSettled([extractor.close(), matcher.close()]);
    },
  };
}

export function workerOptionsFromConfig(config: Config) {
  return {
    leaseMs: config.WORKER_LEASE_MS,
    maxAttempts: config.WORKER_MAX_ATTEMPTS,
    pollIntervalMs: config.WORKER_POLL_INTERVAL_MS,
    backoffBaseMs: config.WORKER_BACKOFF_BASE_MS,
    backoffMaxMs: config.WORKER_BACKOFF_MAX_MS,
    concurrency: config.WORKER_CONCURRENCY,
  };
}
