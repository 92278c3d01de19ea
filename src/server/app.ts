/**
 * The HTTP application shell (hono): liveness, readiness, metrics and status here;
 * the review API (/v1, /openapi.json, /docs) and the reviewer page are mounted
 * from src/review.
 */
import { Hono } from 'hono';
import type { Logger } from '../core/logger.ts';
import { storeReady, type Store } from '../store/store.ts';
import type { Metrics } from './metrics.ts';
import { documentStatus } from './status.ts';

export interface SourceHealth {
  name: string;
  healthy(): boolean;
}

export interface AppDeps {
  store: Store;
  metrics: Metrics;
  logger: Logger;
  sources?: SourceHealth[];
  /** Mounted at '/' after the health routes (review API, web page). */
  mount?: Hono<any>[];
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const database = await storeReady(deps.store);
    const sources = Object.fromEntries((deps.sources ?? []).map((s) => [s.name, s.healthy()]));
    return c.json({ status: database ? 'ready' : 'not_ready', database, migrations: database, sources }, database ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    const body = await deps.metrics.registry.metrics();
    return c.body(body, 200, { 'content-type': deps.metrics.registry.contentType });
  });
  app.get('/status', async (c) => c.json({ states: await documentStatus(deps.store) }));
  for (const sub of deps.mount ?? []) app.route('/', sub);
  return app;
}
