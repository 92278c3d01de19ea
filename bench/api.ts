/**
 * bench:api — the review API under load: 10,000 referrals in review, 50
 * concurrent connections (autocannon) on the queue listing and on a referral's
 * detail (each detail read also appends a hash-chained audit event, as in
 * production). Latency percentiles are computed from every response's time
 * (autocannon's summary has no p95). Runs on the embedded PGlite by default, or
 * on PostgreSQL with BENCH_DATABASE_URL=postgres://... (a throwaway database is
 * created on that server). The server runs in a child process of its own, so
 * autocannon does not compete with it for the event loop.
 *
 * Env: BENCH_REFERRALS (10000), BENCH_CONNECTIONS (50), BENCH_SECONDS (10).
 * Last line: {"queueP50Ms","queueP95Ms","detailP50Ms","detailP95Ms","requestsPerSecond",...}
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { createBlobStore } from '../src/blobs/blob-store.ts';
import { testConfig } from '../src/config/config.ts';
import { EventBus } from '../src/core/events.ts';
import { silentLogger } from '../src/core/logger.ts';
import { createReviewApi } from '../src/review/api/index.ts';
import { seedManyReferrals } from '../src/review/testing/seed.ts';
import { createUser } from '../src/review/users.ts';
import { openStore, type Store } from '../src/store/store.ts';

const REFERRALS = Number(process.env.BENCH_REFERRALS ?? 10_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[i]! * 10) / 10;
}

interface RunResult {
  p50: number;
  p95: number;
  p99: number;
  rps: number;
  requests: number;
  non2xx: number;
  errors: number;
}

async function run(title: string, url: string, token: string, paths: string[]): Promise<RunResult> {
  const times: number[] = [];
  let next = 0;
  const instance = autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { authorization: `Bearer ${token}` },
    requests: [
      {
        setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length]! }),
      },
    ],
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    times.push(responseTime);
  });
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    instance.on('done', resolve);
    instance.on('error', reject);
  });
  times.sort((a, b) => a - b);
  const out = {
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    rps: Math.round(result.requests.average),
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
  console.log(
    `${title.padEnd(8)} ${String(out.requests).padStart(7)} requests  ${String(out.rps).padStart(6)} req/s  p50 ${out.p50} ms  p95 ${out.p95} ms  p99 ${out.p99} ms  non-2xx ${out.non2xx}  errors ${out.errors}`,
  );
  return out;
}

/** The server side, run in a child process so the load generator does not steal its CPU. */
async function serverMain(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-api-'));
  const adminUrl = process.env.BENCH_DATABASE_URL;
  let dbName: string | null = null;
  let store: Store;
  if (adminUrl) {
    dbName = `bench_api_${crypto.randomBytes(4).toString('hex')}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${dbName}`);
    await admin.end();
    const u = new URL(adminUrl);
    u.pathname = `/${dbName}`;
    store = await openStore({ databaseUrl: u.toString(), dataDir, poolSize: 20 });
  } else {
    store = await openStore({ dataDir, memory: true });
  }
  const t0 = performance.now();
  await seedManyReferrals(store.db, REFERRALS);
  const seedMs = Math.round(performance.now() - t0);
  const { token } = await createUser(store.db, 'bench', 'reviewer');
  const ids = (await store.query<{ id: string }>(sql`select id from documents order by random() limit 2000`)).map((r) => r.id);
  const app = createReviewApi({
    config: testConfig({ AUTH_FAILURES_PER_MINUTE: '1000' }),
    store,
    blobs: createBlobStore(path.join(dataDir, 'blobs'), Buffer.alloc(32, 1)),
    events: new EventBus(),
    logger: silentLogger(),
  });
  // Count requests in flight so the store is closed only after the last handler ends
  // (autocannon abandons its last requests when the time is up).
  let inFlight = 0;
  const server = serve({
    fetch: async (req, env) => {
      inFlight++;
      try {
        return await app.fetch(req, env);
      } finally {
        inFlight--;
      }
    },
    port: 0,
    hostname: '127.0.0.1',
  });
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;
  process.stdout.write(`${JSON.stringify({ port, token, ids, kind: store.kind, seedMs })}\n`);
  // The parent closes our stdin when it is done.
  await new Promise<void>((resolve) => {
    process.stdin.on('end', resolve);
    process.stdin.on('close', resolve);
    process.stdin.resume();
  });
  server.close();
  while (inFlight > 0) await new Promise((r) => setTimeout(r, 50));
  const auditRows = await store.query<{ n: number }>(sql`select count(*)::int as n from audit_events`);
  process.stdout.write(`${JSON.stringify({ auditEvents: auditRows[0]?.n ?? 0 })}\n`);
  await store.close();
  if (adminUrl && dbName) {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--server'], {
    env: process.env,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) throw new Error('bench server exited before it was ready');
  const ready = JSON.parse(first.value) as { port: number; token: string; ids: string[]; kind: string; seedMs: number };
  console.log(`seeded ${REFERRALS} referrals in review on ${ready.kind} in ${ready.seedMs} ms (server in its own process)`);
  const url = `http://127.0.0.1:${ready.port}`;
  const { token, ids } = ready;
  // Warm-up: plans, JIT, connection pool.
  await run('warm-up', url, token, ['/v1/queue?limit=50']);
  // Queue pages from the head and with each filter, as reviewers page through.
  const queue = await run('queue', url, token, [
    '/v1/queue?limit=50',
    '/v1/queue?limit=50&reason=uncertain_match',
    '/v1/queue?limit=50&minAgeSeconds=3600',
  ]);
  const detail = await run('detail', url, token, ids.map((id) => `/v1/referrals/${id}`));
  child.stdin!.end();
  const last = await lines.next();
  const exited = new Promise((r) => child.once('exit', r));
  const auditEvents = last.done ? null : (JSON.parse(last.value) as { auditEvents: number }).auditEvents;
  await exited;
  console.log(`audit events written: ${auditEvents}; cores: ${os.availableParallelism()}; node ${process.version}`);
  console.log(
    JSON.stringify({
      store: ready.kind,
      referrals: REFERRALS,
      connections: CONNECTIONS,
      seconds: SECONDS,
      queueP50Ms: queue.p50,
      queueP95Ms: queue.p95,
      queueRequestsPerSecond: queue.rps,
      detailP50Ms: detail.p50,
      detailP95Ms: detail.p95,
      detailRequestsPerSecond: detail.rps,
      requestsPerSecond: Math.round((queue.requests + detail.requests) / (2 * SECONDS)),
      errors: queue.errors + detail.errors + queue.non2xx + detail.non2xx,
    }),
  );
}

if (process.argv.includes('--server')) await serverMain();
else await main();
