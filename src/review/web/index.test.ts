/**
 * The page's HTTP surface in-process (hono app.request): the real esbuild
 * bundle, the strict CSP and security headers, content-hash versioned assets
 * with immutable caching, ETag revalidation and brotli/gzip negotiation.
 */
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReviewerAssets, type ReviewerAssets } from './assets.ts';
import { CONTENT_SECURITY_POLICY } from './headers.ts';
import { createReviewerPage } from './index.ts';

describe('reviewer page server', () => {
  let assets: ReviewerAssets;
  let app: ReturnType<typeof createReviewerPage>;

  beforeAll(async () => {
    assets = await buildReviewerAssets();
    app = createReviewerPage({ assets: async () => assets });
  });

  it('bundles a small client with no eval and no source of server code', () => {
    const js = assets.js.body.toString('utf8');
    expect(js.length).toBeGreaterThan(1000);
    expect(js).not.toMatch(/\beval\(|new Function\(/);
    expect(js).not.toMatch(/node:|require\(/);
    // Bundled from the API's own validation module.
    expect(js).toContain('NPI checksum fails');
    expect(assets.js.gzip.length).toBeLessThan(60_000);
    expect(assets.css.body.toString('utf8')).toContain(':focus-visible');
  });

  it('serves the shell with the strict CSP and security headers', async () => {
    const res = await app.request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(CONTENT_SECURITY_POLICY).toContain("img-src 'self' blob:");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const html = await res.text();
    expect(html).toContain(`/assets/app.js?v=${assets.js.hash}`);
    expect(html).toContain(`/assets/app.css?v=${assets.css.hash}`);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=|\son[a-z]+=/i);
  });

  it('revalidates the shell with its ETag', async () => {
    const first = await app.request('/');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^W\/"[0-9a-f]{16}"$/);
    const again = await app.request('/', { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
  });

  it('caches versioned assets for good and revalidates unversioned ones', async () => {
    const versioned = await app.request(`/assets/app.js?v=${assets.js.hash}`);
    expect(versioned.status).toBe(200);
    expect(versioned.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(versioned.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(versioned.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const plain = await app.request('/assets/app.css');
    expect(plain.headers.get('cache-control')).toBe('no-cache');
    const stale = await app.request('/assets/app.js?v=0000000000000000');
    expect(stale.headers.get('cache-control')).toBe('no-cache');
    const revalidated = await app.request('/assets/app.css', { headers: { 'if-none-match': plain.headers.get('etag')! } });
    expect(revalidated.status).toBe(304);
  });

  it('negotiates brotli, gzip or identity', async () => {
    const br = await app.request('/assets/app.js', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toBe('accept-encoding');
    expect(zlib.brotliDecompressSync(Buffer.from(await br.arrayBuffer())).equals(assets.js.body)).toBe(true);
    const gz = await app.request('/assets/app.css', { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(zlib.gunzipSync(Buffer.from(await gz.arrayBuffer())).equals(assets.css.body)).toBe(true);
    const refused = await app.request('/assets/app.css', { headers: { 'accept-encoding': 'br;q=0, gzip;q=0' } });
    expect(refused.headers.get('content-encoding')).toBeNull();
    expect(Buffer.from(await refused.arrayBuffer()).equals(assets.css.body)).toBe(true);
  });

  it('answers a failed build with a 500 and retries it on the next request', async () => {
    let calls = 0;
    const flaky = createReviewerPage({
      assets: async () => {
        calls++;
        if (calls <= 2) throw new Error('build failed');
        return assets;
      },
    });
    const failed = await flaky.request('/');
    expect(failed.status).toBe(500);
    const body = (await failed.json()) as { error: { code: string; message: string; requestId: string } };
    expect(body.error.code).toBe('INTERNAL');
    expect(body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(body)).not.toContain('build failed');
    const ok = await flaky.request('/');
    expect(ok.status).toBe(200);
  });

  it('serves nothing else', async () => {
    expect((await app.request('/assets/other.js')).status).toBe(404);
    expect((await app.request('/assets/app.js', { method: 'POST' })).status).toBe(404);
  });
});
