/**
 * The reviewer's web page (issue 8): served by the service itself at `/`, a
 * pure client of the public `/v1` review API. This module serves the HTML shell
 * and the bundled assets with a strict Content-Security-Policy, compression
 * (brotli or gzip, negotiated) and cache headers; the client lives in
 * `./client/`.
 */
import crypto from 'node:crypto';
import { Hono, type Context } from 'hono';
import { coerceError, toIntakeError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { cachedAssets, type Asset, type ReviewerAssets } from './assets.ts';
import {
  HTML_CACHE_CONTROL,
  IMMUTABLE_CACHE_CONTROL,
  REVALIDATE_CACHE_CONTROL,
  SECURITY_HEADERS,
} from './headers.ts';
import { pageHtml } from './html.ts';

export { buildReviewerAssets, type ReviewerAssets } from './assets.ts';
export { CONTENT_SECURITY_POLICY } from './headers.ts';

export interface ReviewerPageOptions {
  /** Injected for tests; defaults to one in-memory esbuild build per process. */
  assets?: () => Promise<ReviewerAssets>;
  /** Where a failed build is reported (its cause is never sent to the browser). */
  logger?: Logger;
}

function pickEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | null {
  const accepted = (acceptEncoding ?? '')
    .split(',')
    .map((p) => p.trim().split(';'))
    .filter(([, q]) => !q || !/^q=0(\.0*)?$/.test(q.trim()))
    .map(([name]) => (name ?? '').toLowerCase());
  if (accepted.includes('br')) return 'br';
  if (accepted.includes('gzip')) return 'gzip';
  return null;
}

function setSecurityHeaders(c: Context): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.header(name, value);
}

function serveAsset(c: Context, asset: Asset): Response {
  setSecurityHeaders(c);
  const etag = `W/"${asset.hash}"`;
  const versioned = c.req.query('v') === asset.hash;
  c.header('cache-control', versioned ? IMMUTABLE_CACHE_CONTROL : REVALIDATE_CACHE_CONTROL);
  c.header('etag', etag);
  c.header('vary', 'accept-encoding');
  if (c.req.header('if-none-match') === etag) return c.body(null, 304);
  c.header('content-type', asset.contentType);
  const encoding = pickEncoding(c.req.header('accept-encoding'));
  if (encoding) c.header('content-encoding', encoding);
  const body = encoding === 'br' ? asset.brotli : encoding === 'gzip' ? asset.gzip : asset.body;
  return c.body(new Uint8Array(body), 200);
}

export function createReviewerPage(options: ReviewerPageOptions = {}): Hono {
  const assets = options.assets ?? cachedAssets();
  // Build at once so the first reviewer does not wait; a failure is retried on request.
  assets().catch(() => undefined);
  const app = new Hono();
  let html: { text: string; etag: string; for: ReviewerAssets } | null = null;

  // 5xx bodies carry a code and a request id, never internals (STYLE.md §7).
  app.onError((err, c) => {
    const intake = toIntakeError(err);
    const requestId = crypto.randomUUID();
    const cause = coerceError(intake.cause ?? intake);
    options.logger?.error({ requestId, code: intake.code, err: { name: cause.name, stack: cause.stack } }, 'reviewer page failed');
    setSecurityHeaders(c);
    c.header('cache-control', 'no-store');
    return c.json({ error: { code: intake.code, message: 'the review page is unavailable; try again', requestId } }, 500);
  });

  app.get('/', async (c) => {
    const built = await assets();
    if (html?.for !== built) {
      const text = pageHtml(built);
      html = { text, etag: `W/"${crypto.createHash('sha256').update(text).digest('hex').slice(0, 16)}"`, for: built };
    }
    setSecurityHeaders(c);
    c.header('cache-control', HTML_CACHE_CONTROL);
    c.header('etag', html.etag);
    if (c.req.header('if-none-match') === html.etag) return c.body(null, 304);
    return c.html(html.text);
  });
  app.get('/assets/app.js', async (c) => serveAsset(c, (await assets()).js));
  app.get('/assets/app.css', async (c) => serveAsset(c, (await assets()).css));
  return app;
}
