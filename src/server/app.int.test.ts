/**
 * The HTTP shell: liveness, readiness against the store, Prometheus metrics with
 * documents by state and stage latency histograms, and the status summary.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../core/events.ts';
import { silentLogger } from '../core/logger.ts';
import { openTestStore, testBackends, type TestStore } from '../../test/helpers/db.ts';
import { createApp } from './app.ts';
import { createMetrics } from './metrics.ts';

describe.each(testBackends())('http shell on %s', (backend) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await openTestStore(backend);
  });
  afterEach(async () => {
    await store.close();
  });

  it('answers /healthz, /readyz, /metrics and /status', async () => {
    const events = new EventBus();
    const metrics = createMetrics(store, events);
    const app = createApp({ store, metrics, logger: silentLogger(), sources: [{ name: 'imap', healthy: () => false }] });
    expect(await (await app.request('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', database: true, migrations: true, sources: { imap: false } });

    events.emit('document.state_changed', { documentId: 'x', from: 'received', to: 'extracted', stage: 'extract', durationMs: 1234 });
    const text = await (await app.request('/metrics')).text();
    expect(text).toContain('intake_documents{state="received"} 0');
    expect(text).toContain('intake_documents{state="accepted"} 0');
    expect(text).toMatch(/intake_stage_duration_seconds_bucket\{le="2.5",stage="extract",to="extracted"\} 1/);
    expect(await (await app.request('/status')).json()).toEqual({ states: [] });
    metrics.close();
  });

  it('reports not ready when the store is gone', async () => {
    const events = new EventBus();
    const metrics = createMetrics(store, events);
    const app = createApp({ store, metrics, logger: silentLogger() });
    await store.close();
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    store = await openTestStore(backend);
    metrics.close();
  });
});
