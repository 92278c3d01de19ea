/**
 * A pipeline worker in its own process, for crash and concurrency tests.
 * Environment: DATABASE_URL or INTAKE_DATA_DIR, INTAKE_ENCRYPTION_KEY, LEASE_MS,
 * CONCURRENCY, HANG_IN_EXTRACT=1 (print "HANG <id>" and wait forever inside the
 * extract stage, to be killed), EXIT_WHEN_IDLE=1 (drain, print "DONE n", exit).
 */
import path from 'node:path';
import { createBlobStore } from '../../src/blobs/blob-store.ts';
import { parseKey } from '../../src/blobs/encryption-key.ts';
import { EventBus } from '../../src/core/events.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { createPipelineWorker } from '../../src/pipeline/worker.ts';
import { openStore } from '../../src/store/store.ts';
import { fakeStages } from './fake-stages.ts';

const env = process.env;
const dataDir = env.INTAKE_DATA_DIR ?? '/tmp/intake-child';
const store = await openStore({ databaseUrl: env.DATABASE_URL, dataDir, poolSize: 4 });
const blobs = createBlobStore(path.join(dataDir, 'blobs'), parseKey(env.INTAKE_ENCRYPTION_KEY ?? ''));
const stages = fakeStages({
  onExtract: async (documentId) => {
    if (env.HANG_IN_EXTRACT === '1') {
      process.stdout.write(`HANG ${documentId}\n`);
      await new Promise(() => {});
    }
  },
});
const worker = createPipelineWorker({
  store,
  blobs,
  events: new EventBus(),
  logger: silentLogger(),
  stages,
  options: {
    leaseMs: Number(env.LEASE_MS ?? 60_000),
    maxAttempts: 5,
    pollIntervalMs: 50,
    backoffBaseMs: 10,
    backoffMaxMs: 100,
    concurrency: Number(env.CONCURRENCY ?? 1),
  },
});
process.stdout.write('READY\n');
if (env.EXIT_WHEN_IDLE === '1') {
  let total = 0;
  // Keep draining until the queue stays empty for a moment (other workers may still hold leases).
  for (let idle = 0; idle < 10; ) {
    const n = await worker.drain();
    total += n;
    idle = n === 0 ? idle + 1 : 0;
    if (n === 0) await new Promise((r) => setTimeout(r, 100));
  }
  process.stdout.write(`DONE ${total}\n`);
  await store.close();
} else {
  worker.start();
}
