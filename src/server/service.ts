/**
 * `intake serve`: the whole service in one process — pipeline workers, the
 * mailbox and drop-folder sources, alerts, the FHIR outbox and the HTTP API —
 * started in dependency order and stopped in reverse on SIGINT/SIGTERM.
 */
import fs from 'node:fs';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { createAlerter } from '../alert/index.ts';
import type { BlobStore } from '../blobs/blob-store.ts';
import { blobStoreFor } from '../cli/runtime.ts';
import type { Config } from '../config/config.ts';
import { EventBus } from '../core/events.ts';
import type { Logger } from '../core/logger.ts';
import { createFhirDeliverer } from '../fhir/index.ts';
import { createDropFolderWatcher } from '../ingest/drop-folder/index.ts';
import { createImapPoller } from '../ingest/imap/index.ts';
import { createDefaultStages, workerOptionsFromConfig } from '../pipeline/default-stages.ts';
import { receiveDocument } from '../pipeline/receive.ts';
import { createPipelineWorker } from '../pipeline/worker.ts';
import { createReviewApi } from '../review/api/index.ts';
import { createReviewerPage } from '../review/web/index.ts';
import { loadEhrCsv } from '../match/index.ts';
import { createUser, listUsers } from '../review/users.ts';
import { openStore, type Store } from '../store/store.ts';
import { createApp, type SourceHealth } from './app.ts';
import { createMetrics } from './metrics.ts';

export interface RunningService {
  port: number;
  /** Token of the first admin, created when the store had no users (shown once). */
  bootstrapToken: string | null;
  store: Store;
  blobs: BlobStore;
  events: EventBus;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  /** Load the bundled samples into an empty store (quick start). */
  samplesDir?: string;
}

interface Stoppable {
  name: string;
  stop(): Promise<void> | void;
}

export async function startService(config: Config, logger: Logger, options: ServiceOptions = {}): Promise<RunningService> {
  const started = performance.now();
  const stoppables: Stoppable[] = [];
  const stopAll = async () => {
    for (const s of stoppables.reverse()) {
      try {
        await s.stop();
      } catch (err) {
        logger.error({ component: s.name, err: (err as Error).message }, 'error while stopping');
      }
    }
    stoppables.length = 0;
  };

  const store = await openStore({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.dataDir,
    poolSize: config.DATABASE_POOL_SIZE,
    command: 'serve',
  });
  stoppables.push({ name: 'store', stop: () => store.close() });
  try {
    const blobs = blobStoreFor(config, logger);
    const events = new EventBus();
    const metrics = createMetrics(store, events);
    stoppables.push({ name: 'metrics', stop: () => metrics.close() });

    const alerter = createAlerter(config, { events, logger, store });
    await alerter.start();
    stoppables.push({ name: 'alerter', stop: () => alerter.stop() });

    const defaults = await createDefaultStages({ config, store, logger, events });
    stoppables.push({ name: 'stages', stop: () => defaults.close() });

    const worker = createPipelineWorker({
      store,
      blobs,
      events,
      logger: logger.child({ component: 'worker' }),
      stages: defaults.stages,
      options: workerOptionsFromConfig(config),
    });
    if (config.WORKERS_ENABLED) {
      worker.start();
      stoppables.push({ name: 'worker', stop: () => worker.stop() });
    }

    const deliverer = createFhirDeliverer({ config, store, events, logger: logger.child({ component: 'fhir' }) });
    await deliverer.start();
    stoppables.push({ name: 'fhir', stop: () => deliverer.stop() });

    const ingestDeps = { store, blobs, events, logger: logger.child({ component: 'ingest' }), maxDocumentBytes: config.MAX_DOCUMENT_BYTES };
    const sources: SourceHealth[] = [];
    if (config.IMAP_HOST) {
      const imap = createImapPoller(ingestDeps, config);
      await imap.start();
      stoppables.push({ name: 'imap', stop: () => imap.stop() });
      sources.push({ name: 'imap', healthy: () => imap.status().connected });
    }
    if (config.DROP_FOLDER) {
      const drop = createDropFolderWatcher(ingestDeps, config);
      await drop.start();
      stoppables.push({ name: 'drop-folder', stop: () => drop.stop() });
      sources.push({ name: 'drop-folder', healthy: () => drop.status().connected });
    }
    // New documents from any source wake the workers at once.
    const offNudge = events.on('document.state_changed', (e) => {
      if (e.to === 'received') worker.nudge();
    });
    stoppables.push({ name: 'nudge', stop: offNudge });

    if (options.samplesDir) {
      await loadSamples(options.samplesDir, { config, store, blobs, logger });
      // The matcher fits its weights to the EHR table: refit after the samples' patients arrived.
      await defaults.matcher.refresh();
    }
    worker.nudge();
    const bootstrapToken = await bootstrapAdmin(store);

    const api = createReviewApi({ config, store, blobs, events, logger });
    const app = createApp({ store, metrics, logger, sources, mount: [api, createReviewerPage()] });
    const server = await listen(app.fetch, config.PORT, config.HOST);
    stoppables.push({ name: 'http', stop: () => closeServer(server) });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    store.lock?.update({ port });
    logger.info({ port, store: store.kind, startMs: Math.round(performance.now() - started) }, 'service started');
    return { port, bootstrapToken, store, blobs, events, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

function listen(fetch: (req: Request) => Response | Promise<Response>, port: number, hostname: string): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname }, () => resolve(server));
    server.once('error', reject);
  });
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Idle keep-alive sockets must not hold shutdown.
    (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
  });
}

/**
 * A store without any user gets one admin, so a new installation can sign in
 * without stopping the service to run `intake users add` (the embedded store is
 * single-process). The token is returned once for the terminal, never logged.
 */
async function bootstrapAdmin(store: Store): Promise<string | null> {
  if ((await listUsers(store.db)).length > 0) return null;
  const { token } = await createUser(store.db, 'admin', 'admin');
  return token;
}

const SAMPLE_EXTENSIONS = new Set(['.pdf', '.tif', '.tiff', '.png', '.jpg', '.jpeg']);

/** First start of an empty store: load the sample EHR table and receive the sample documents. */
async function loadSamples(
  dir: string,
  deps: { config: Config; store: Store; blobs: BlobStore; logger: Logger },
): Promise<void> {
  const [row] = await deps.store.query<{ n: number }>(sql`select count(*)::int as n from documents`);
  if (Number(row?.n ?? 0) > 0) return;
  const ehr = path.join(dir, 'ehr_patients.csv');
  if (fs.existsSync(ehr)) {
    const summary = await loadEhrCsv(deps.store, ehr);
    deps.logger.info({ rows: summary.rows }, 'loaded sample EHR patients');
  }
  let n = 0;
  for (const name of fs.readdirSync(dir).sort()) {
    if (!SAMPLE_EXTENSIONS.has(path.extname(name).toLowerCase())) continue;
    await receiveDocument(
      { store: deps.store, blobs: deps.blobs, maxBytes: deps.config.MAX_DOCUMENT_BYTES },
      { bytes: fs.readFileSync(path.join(dir, name)), source: 'cli', sourceRef: { sample: true } },
    );
    n++;
  }
  deps.logger.info({ documents: n }, 'received sample documents');
}
