/**
 * Prometheus metrics at /metrics: documents by state (read from the store at
 * scrape time, so every process reports the shared truth) and stage latency
 * histograms from this process's workers. No patient data, ever.
 */
import { sql } from 'drizzle-orm';
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EventBus } from '../core/events.ts';
import { DOCUMENT_STATES } from '../store/schema/documents.ts';
import type { Store } from '../store/store.ts';

export interface Metrics {
  registry: Registry;
  close(): void;
}

export function createMetrics(store: Store, events: EventBus): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'intake_process_' });
  new Gauge({
    name: 'intake_documents',
    help: 'Documents by pipeline state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const rows = await store.query<{ state: string; n: number }>(
        sql`select state, count(*)::int as n from documents group by state`,
      );
      const counts = new Map(rows.map((r) => [r.state, Number(r.n)]));
      for (const state of DOCUMENT_STATES) this.set({ state }, counts.get(state) ?? 0);
    },
  });
  new Gauge({
    name: 'intake_oldest_document_age_seconds',
    help: 'Age of the oldest document in each non-final state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const rows = await store.query<{ state: string; age: number }>(sql`
        select state, extract(epoch from now() - min(state_changed_at))::float8 as age
          from documents where state not in ('accepted', 'failed') group by state`);
      this.reset();
      for (const r of rows) this.set({ state: r.state }, Number(r.age));
    },
  });
  const stageSeconds = new Histogram({
    name: 'intake_stage_duration_seconds',
    help: 'Time a pipeline stage took, by stage and outcome state',
    labelNames: ['stage', 'to'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  const off = events.on('document.state_changed', (e) => {
    stageSeconds.observe({ stage: e.stage, to: e.to }, e.durationMs / 1000);
  });
  return { registry, close: off };
}
