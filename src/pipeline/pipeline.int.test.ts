/**
 * The durable pipeline on PGlite and the real PostgreSQL: state transitions,
 * idempotent re-receipt, retries with backoff, dead-lettering, crash safety with a
 * SIGKILLed worker process, and three worker processes sharing 200 documents.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBlobStore, type BlobStore } from '../blobs/blob-store.ts';
import { EventBus } from '../core/events.ts';
import { silentLogger } from '../core/logger.ts';
import { documentReceipts, documents } from '../store/schema/documents.ts';
import { openStore } from '../store/store.ts';
import { spawnTs } from '../../test/helpers/child.ts';
import { openTestStore, postgresAvailable, tempDir, testBackends, createTestDatabase, type TestStore } from '../../test/helpers/db.ts';
import { fakeDocBytes, fakeStages, type FakeDoc } from '../../test/helpers/fake-stages.ts';
import { receiveDocument } from './receive.ts';
import { createPipelineWorker, type WorkerOptions } from './worker.ts';

const OPTIONS: WorkerOptions = {
  leaseMs: 30_000,
  maxAttempts: 3,
  pollIntervalMs: 20,
  backoffBaseMs: 0,
  backoffMaxMs: 0,
  concurrency: 2,
};

async function stateOf(store: TestStore, id: string) {
  const [row] = await store.db.select().from(documents).where(eq(documents.id, id));
  return row!;
}

async function transitionsOf(store: TestStore, id: string): Promise<string[]> {
  const rows = await store.query<{ t: string }>(
    sql`select coalesce(from_state, '-') || '>' || to_state as t from document_events where document_id = ${id} order by id`,
  );
  return rows.map((r) => r.t);
}

describe.each(testBackends())('pipeline on %s', (backend) => {
  let store: TestStore;
  let blobs: BlobStore;
  let events: EventBus;

  beforeEach(async () => {
    store = await openTestStore(backend);
    blobs = createBlobStore(path.join(store.dataDir, 'blobs'), crypto.randomBytes(32));
    events = new EventBus();
  });
  afterEach(async () => {
    await store.close();
  });

  const receive = (doc: FakeDoc) =>
    receiveDocument({ store, blobs, maxBytes: 1_000_000 }, { bytes: fakeDocBytes(doc), source: 'upload' });
  const worker = (options: Partial<WorkerOptions> = {}) =>
    createPipelineWorker({ store, blobs, events, logger: silentLogger(), stages: fakeStages(), options: { ...OPTIONS, ...options } });

  it('moves a confident, matched referral received → extracted → matched → accepted', async () => {
    const { documentId } = await receive({ n: 1 });
    await worker().drain();
    const row = await stateOf(store, documentId);
    expect(row.state).toBe('accepted');
    expect(row.reviewReasons).toEqual([]);
    expect(await transitionsOf(store, documentId)).toEqual([
      '->received',
      'received>extracted',
      'extracted>matched',
      'matched>accepted',
    ]);
  });

  it('routes low confidence, uncertain matches and non-referrals to review with their reasons', async () => {
    const low = await receive({ n: 2, review: true });
    const uncertain = await receive({ n: 3, decision: 'review' });
    const other = await receive({ n: 4, type: 'other' });
    await worker().drain();
    expect((await stateOf(store, low.documentId)).reviewReasons).toEqual(['low_confidence']);
    expect((await stateOf(store, uncertain.documentId)).reviewReasons).toEqual(['uncertain_match']);
    const otherRow = await stateOf(store, other.documentId);
    expect(otherRow.state).toBe('in_review');
    expect(otherRow.reviewReasons).toEqual(['not_referral']);
    expect(otherRow.matchDecision).toBeNull();
  });

  it('receives the same bytes twice as one document with two receipts', async () => {
    const first = await receive({ n: 5 });
    const second = await receive({ n: 5 });
    expect(second.documentId).toBe(first.documentId);
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    const receipts = await store.db.select().from(documentReceipts).where(eq(documentReceipts.documentId, first.documentId));
    expect(receipts).toHaveLength(2);
    const count = await store.query<{ n: number }>(sql`select count(*)::int as n from documents`);
    expect(count[0]!.n).toBe(1);
  });

  it('fails an unreadable document with its typed code and raises document.invalid', async () => {
    const seen: string[] = [];
    events.on('document.invalid', (e) => seen.push(e.code));
    const { documentId } = await receive({ n: 6, type: 'invalid' });
    await worker().drain();
    const row = await stateOf(store, documentId);
    expect(row.state).toBe('failed');
    expect(row.errorCode).toBe('UNSUPPORTED_FORMAT');
    expect(seen).toEqual(['UNSUPPORTED_FORMAT']);
  });

  it('retries a transient failure and succeeds', async () => {
    const { documentId } = await receive({ n: 7, flaky: 2 });
    await worker().drain();
    const row = await stateOf(store, documentId);
    expect(row.state).toBe('accepted');
  });

  it('dead-letters after the configured attempts, keeping the reason, with backoff between tries', async () => {
    const dead: string[] = [];
    events.on('document.dead_lettered', (e) => dead.push(e.code));
    const { documentId } = await receive({ n: 8, flaky: 99 });
    const w = worker({ backoffBaseMs: 200, backoffMaxMs: 1_000, maxAttempts: 3 });
    await w.drain();
    let row = await stateOf(store, documentId);
    expect(row.state).toBe('received');
    expect(row.attempts).toBe(1);
    expect(row.errorCode).toBe('OCR_TIMEOUT');
    expect(row.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 50);
    for (let i = 0; i < 50 && row.state !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await w.drain();
      row = await stateOf(store, documentId);
    }
    expect(row.state).toBe('failed');
    expect(row.errorCode).toBe('OCR_TIMEOUT');
    expect(row.attempts).toBe(3);
    expect(dead).toEqual(['OCR_TIMEOUT']);
  });

  it('fails a permanent error at once, without retrying', async () => {
    const { documentId } = await receive({ n: 9, permanent: true });
    await worker().drain();
    const row = await stateOf(store, documentId);
    expect(row.state).toBe('failed');
    expect(row.attempts).toBe(1);
    expect(row.errorCode).toBe('EHR_MAPPING_INVALID');
  });

  it('lets no other worker take a document while its lease holds, and reclaims it once expired', async () => {
    const { documentId } = await receive({ n: 10 });
    const { claimDocuments } = await import('./claim.ts');
    const [mine] = await claimDocuments(store, { workerId: 'a', leaseMs: 300, limit: 1 });
    expect(mine?.id).toBe(documentId);
    expect(await claimDocuments(store, { workerId: 'b', leaseMs: 300, limit: 1 })).toEqual([]);
    await new Promise((r) => setTimeout(r, 400));
    const [again] = await claimDocuments(store, { workerId: 'b', leaseMs: 300, limit: 1 });
    expect(again?.id).toBe(documentId);
    expect(again?.attempts).toBe(2);
  });
});

describe.each(testBackends())('crash safety on %s', (backend) => {
  it('completes a document exactly once after its worker is SIGKILLed mid-stage', async () => {
    const dataDir = tempDir();
    const key = crypto.randomBytes(32);
    const database = backend === 'postgres' ? await createTestDatabase() : null;
    const env = {
      INTAKE_DATA_DIR: dataDir,
      DATABASE_URL: database?.url,
      INTAKE_ENCRYPTION_KEY: key.toString('hex'),
    };
    try {
      let store = await openStore({ databaseUrl: database?.url, dataDir });
      const blobs = createBlobStore(path.join(dataDir, 'blobs'), key);
      const { documentId } = await receiveDocument({ store, blobs, maxBytes: 1e6 }, { bytes: fakeDocBytes({ n: 1 }), source: 'upload' });
      await store.close();

      const doomed = spawnTs('test/helpers/pipeline-child.ts', { ...env, HANG_IN_EXTRACT: '1', LEASE_MS: '800' });
      const [, hungOn] = await doomed.waitFor(/^HANG (\S+)/);
      expect(hungOn).toBe(documentId);
      doomed.proc.kill('SIGKILL');
      await doomed.exited;
      await new Promise((r) => setTimeout(r, 900));

      const survivor = spawnTs('test/helpers/pipeline-child.ts', { ...env, EXIT_WHEN_IDLE: '1' });
      await survivor.waitFor(/^DONE \d+/, 60_000);
      await survivor.exited;

      store = await openStore({ databaseUrl: database?.url, dataDir });
      const [row] = await store.db.select().from(documents).where(eq(documents.id, documentId));
      const events = await store.query<{ t: string }>(
        sql`select coalesce(from_state, '-') || '>' || to_state as t from document_events where document_id = ${documentId} order by id`,
      );
      await store.close();
      expect(row!.state).toBe('accepted');
      expect(events.map((e) => e.t)).toEqual(['->received', 'received>extracted', 'extracted>matched', 'matched>accepted']);
    } finally {
      await database?.drop();
    }
  });
});

describe.runIf(postgresAvailable())('concurrency on the real PostgreSQL', () => {
  it('three worker processes share 200 documents: each processed exactly once, none lost', async () => {
    const dataDir = tempDir();
    const key = crypto.randomBytes(32);
    const database = await createTestDatabase();
    try {
      const store = await openStore({ databaseUrl: database.url, dataDir });
      const blobs = createBlobStore(path.join(dataDir, 'blobs'), key);
      const ids: string[] = [];
      for (let n = 0; n < 200; n++) {
        ids.push((await receiveDocument({ store, blobs, maxBytes: 1e6 }, { bytes: fakeDocBytes({ n }), source: 'upload' })).documentId);
      }
      const env = { INTAKE_DATA_DIR: dataDir, DATABASE_URL: database.url, INTAKE_ENCRYPTION_KEY: key.toString('hex'), EXIT_WHEN_IDLE: '1', CONCURRENCY: '2' };
      const workers = [0, 1, 2].map(() => spawnTs('test/helpers/pipeline-child.ts', env));
      const done = await Promise.all(workers.map((w) => w.waitFor(/^DONE (\d+)/, 120_000)));
      await Promise.all(workers.map((w) => w.exited));
      const stagesRun = done.map((m) => Number(m[1]));
      expect(stagesRun.reduce((a, b) => a + b, 0)).toBe(600);
      expect(stagesRun.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);

      const states = await store.query<{ state: string; n: number }>(sql`select state, count(*)::int as n from documents group by state`);
      expect(states).toEqual([{ state: 'accepted', n: 200 }]);
      const perDoc = await store.query<{ n: number; k: number }>(sql`
        select count(*)::int as n, count(distinct document_id)::int as k from document_events
         where to_state in ('extracted', 'matched', 'accepted')`);
      expect(perDoc[0]).toEqual({ n: 600, k: 200 });
      await store.close();
    } finally {
      await database.drop();
    }
  });
});
