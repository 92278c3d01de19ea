/**
 * The hand-off outbox against a local HTTP FHIR receiver: delivery, retry with
 * backoff after 5xx, dead-lettering after FHIR_MAX_ATTEMPTS (with the event and
 * the audit row), a 400 dead-lettered at once, and the running loop's stop().
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import type { Bundle } from '@medplum/fhirtypes';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, testBackends, type TestStore } from '../../test/helpers/db.ts';
import { verifyAuditChain } from '../audit/index.ts';
import { testConfig } from '../config/config.ts';
import { EventBus, type IntakeEvents } from '../core/events.ts';
import { silentLogger } from '../core/logger.ts';
import { approveReferral } from '../review/decisions.ts';
import { seedReferral } from '../review/testing/seed.ts';
import { createFhirDeliverer, enqueueHandOff } from './index.ts';
import { documents } from '../store/schema/index.ts';
import { fhirIssues } from './validate-fhir.test-helper.ts';

interface Receiver {
  url: string;
  received: { contentType: string | undefined; body: Bundle }[];
  statuses: number[];
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const received: Receiver['received'] = [];
  const statuses: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ contentType: req.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Bundle });
      const status = statuses.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'application/fhir+json' });
      res.end(JSON.stringify({ resourceType: 'Bundle', type: 'transaction-response', entry: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/fhir/R4`,
    received,
    statuses,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe.each(testBackends())('FHIR hand-off outbox on %s', (backend) => {
  let store: TestStore;
  let receiver: Receiver;
  let i = 0;
  beforeAll(async () => {
    store = await openTestStore(backend);
  });
  afterAll(async () => {
    await store.close();
  });
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  async function acceptOne(): Promise<string> {
    const { id } = await seedReferral(store.db, 100 + i++);
    await approveReferral(
      store.db,
      { name: 'rita', clientAddress: null },
      { documentId: id, version: 1, corrections: {}, patient: { newPatient: true } },
      { externalEhr: false },
    );
    return id;
  }

  const outbox = async (id: string) =>
    (await store.query<{ state: string; attempts: number; last_error: string | null }>(
      sql`select state, attempts, last_error from fhir_outbox where document_id = ${id}`,
    ))[0];

  function deliverer(events = new EventBus(), maxAttempts = 3) {
    return createFhirDeliverer({
      config: testConfig({ FHIR_BASE_URL: receiver.url, FHIR_MAX_ATTEMPTS: String(maxAttempts) }),
      store,
      events,
      logger: silentLogger(),
      backoffBaseMs: 0,
      pollIntervalMs: 20,
    });
  }

  it('delivers the transaction Bundle, retrying after 5xx', async () => {
    const id = await acceptOne();
    receiver.statuses.push(503, 502);
    const d = deliverer();
    expect(await d.tick()).toBe(true);
    expect(await outbox(id)).toMatchObject({ state: 'pending', attempts: 1, last_error: 'http 503' });
    await d.tick();
    await d.tick();
    expect(await outbox(id)).toMatchObject({ state: 'delivered', attempts: 3 });
    expect(await d.tick()).toBe(false);
    expect(receiver.received).toHaveLength(3);
    const { body, contentType } = receiver.received[2]!;
    expect(contentType).toBe('application/fhir+json');
    expect(body.type).toBe('transaction');
    expect(fhirIssues(body)).toEqual([]);
    // the same Bundle each time: conditional creates make the re-sends harmless
    expect(receiver.received[0]!.body).toEqual(body);
    for (const e of body.entry ?? []) {
      if (e.resource?.resourceType !== 'Provenance') expect(e.request?.ifNoneExist).toMatch(/^identifier=/);
    }
    const audit = await store.query(sql`select outcome from audit_events where action = 'fhir.deliver' and resource = ${`Document/${id}`}`);
    expect(audit).toHaveLength(3);
  });

  it('dead-letters after FHIR_MAX_ATTEMPTS and raises delivery.dead_lettered', async () => {
    const id = await acceptOne();
    receiver.statuses.push(500, 500, 500);
    const events = new EventBus();
    const seen: IntakeEvents['delivery.dead_lettered'][] = [];
    events.on('delivery.dead_lettered', (e) => seen.push(e));
    const d = deliverer(events, 2);
    await d.tick();
    await d.tick();
    expect(await outbox(id)).toMatchObject({ state: 'dead', attempts: 2 });
    expect(seen).toEqual([{ documentId: id, code: 'DELIVERY_FAILED', attempts: 2 }]);
    expect(await d.tick()).toBe(false);
  });

  it('dead-letters a Bundle the server refuses as invalid at once', async () => {
    const id = await acceptOne();
    receiver.statuses.push(400);
    await deliverer().tick();
    expect(await outbox(id)).toMatchObject({ state: 'dead', attempts: 1, last_error: 'http 400' });
  });

  it('is enqueued by the pipeline inside its accepting transaction, and rolls back with it', async () => {
    const { id } = await seedReferral(store.db, 200 + i++, { match: { decision: 'match', mrn: 'MRN777', score: 20, candidates: [] } });
    await expect(
      store.db.transaction(async (tx) => {
        await enqueueHandOff(tx, id);
        throw new Error('crash before commit');
      }),
    ).rejects.toThrow('crash');
    expect(await outbox(id)).toBeUndefined();
    await store.db.transaction(async (tx) => {
      await tx.update(documents).set({ state: 'accepted' }).where(eq(documents.id, id));
      await enqueueHandOff(tx, id);
    });
    const [row] = await store.query<{ bundle: Bundle }>(sql`select bundle from fhir_outbox where document_id = ${id}`);
    expect(row!.bundle.entry?.[0]?.request?.ifNoneExist).toContain('MRN777');
    expect(fhirIssues(row!.bundle)).toEqual([]);
  });

  it('runs as a loop until stopped', async () => {
    const id = await acceptOne();
    const d = deliverer();
    await d.start();
    for (let n = 0; n < 100 && (await outbox(id))?.state !== 'delivered'; n++) await new Promise((r) => setTimeout(r, 20));
    await d.stop();
    expect((await outbox(id))?.state).toBe('delivered');
    expect((await verifyAuditChain(store)).ok).toBe(true);
  });
});
