/**
 * bench:pipeline — start-up time of the embedded store (new and existing data dir)
 * and documents/s through the whole pipeline (store → extract → match → route)
 * with the real offline extractor and matcher on text-layer PDFs, on PGlite and,
 * when BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) answers,
 * on PostgreSQL. Ends with one JSON line.
 *
 *   npm run bench:pipeline [-- --docs 200]
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBlobStore } from '../src/blobs/blob-store.ts';
import { testConfig } from '../src/config/config.ts';
import { EventBus } from '../src/core/events.ts';
import { silentLogger } from '../src/core/logger.ts';
import { loadEhrCsv } from '../src/match/index.ts';
import { createDefaultStages, workerOptionsFromConfig } from '../src/pipeline/default-stages.ts';
import { receiveDocument } from '../src/pipeline/receive.ts';
import { createPipelineWorker } from '../src/pipeline/worker.ts';
import { openStore, type Store } from '../src/store/store.ts';
import { createScratchDatabase } from '../test/helpers/db.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const argDocs = process.argv.indexOf('--docs');
const DOCS = argDocs > 0 ? Number(process.argv[argDocs + 1]) : 200;
const TEXT_PDFS = ['samples/d005.pdf', 'samples/d015.pdf'].map((f) => fs.readFileSync(path.join(ROOT, f)));

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'intake-bench-'));
}

/** Distinct bytes per copy (a trailing PDF comment) so each copy is its own document. */
function copyOf(i: number): Buffer {
  return Buffer.concat([TEXT_PDFS[Math.abs(i) % TEXT_PDFS.length]!, Buffer.from(`\n%bench-copy-${i}\n`)]);
}

async function timeOpen(dataDir: string): Promise<number> {
  const t = performance.now();
  const store = await openStore({ dataDir });
  const ms = performance.now() - t;
  await store.close();
  return ms;
}

async function throughput(store: Store, dataDir: string): Promise<{ docsPerSecond: number; seconds: number; states: Record<string, number> }> {
  const config = testConfig({ INTAKE_DATA_DIR: dataDir, WORKER_CONCURRENCY: String(os.availableParallelism()) });
  const events = new EventBus();
  const logger = silentLogger();
  const blobs = createBlobStore(path.join(dataDir, 'blobs'), crypto.randomBytes(32));
  await loadEhrCsv(store, path.join(ROOT, 'samples/ehr_patients.csv'));
  const defaults = await createDefaultStages({ config, store, logger, events });
  const worker = createPipelineWorker({ store, blobs, events, logger, stages: defaults.stages, options: workerOptionsFromConfig(config) });
  // Warm-up (pdfjs load, JIT) outside the timing.
  await receiveDocument({ store, blobs, maxBytes: 1e8 }, { bytes: copyOf(-1), source: 'cli' });
  await worker.drain();
  const t = performance.now();
  for (let i = 0; i < DOCS; i++) await receiveDocument({ store, blobs, maxBytes: 1e8 }, { bytes: copyOf(i), source: 'cli' });
  await worker.drain();
  const seconds = (performance.now() - t) / 1000;
  const rows = await store.query<{ state: string; n: number }>(
    (await import('drizzle-orm')).sql`select state, count(*)::int as n from documents group by state`,
  );
  await defaults.close();
  return { docsPerSecond: DOCS / seconds, seconds, states: Object.fromEntries(rows.map((r) => [r.state, Number(r.n)])) };
}

const newDir = tmp();
const startNewMs = await timeOpen(newDir);
const startExistingMs = await timeOpen(newDir);
console.log(`embedded store start-up: new data dir ${startNewMs.toFixed(0)} ms, existing ${startExistingMs.toFixed(0)} ms`);

const pgliteDir = tmp();
const pglite = await openStore({ dataDir: pgliteDir });
const p = await throughput(pglite, pgliteDir);
await pglite.close();
console.log(`pipeline on PGlite: ${DOCS} text PDFs in ${p.seconds.toFixed(1)} s = ${p.docsPerSecond.toFixed(1)} docs/s`, p.states);

let pgDocsPerSecond: number | null = null;
const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
try {
  const database = await createScratchDatabase(url, 'intake_bench');
  const dir = tmp();
  const store = await openStore({ databaseUrl: database.url, dataDir: dir });
  const r = await throughput(store, dir);
  await store.close();
  await database.drop();
  pgDocsPerSecond = r.docsPerSecond;
  console.log(`pipeline on PostgreSQL: ${DOCS} text PDFs in ${r.seconds.toFixed(1)} s = ${r.docsPerSecond.toFixed(1)} docs/s`, r.states);
} catch (err) {
  console.log(`PostgreSQL not measured: ${(err as Error).message}`);
}

console.log(
  JSON.stringify({
    docs: DOCS,
    startNewDataDirMs: Math.round(startNewMs),
    startExistingDataDirMs: Math.round(startExistingMs),
    pgliteDocsPerSecond: Number(p.docsPerSecond.toFixed(2)),
    postgresDocsPerSecond: pgDocsPerSecond === null ? null : Number(pgDocsPerSecond.toFixed(2)),
  }),
);
