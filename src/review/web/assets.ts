/**
 * Builds the reviewer page's JavaScript and CSS in memory with esbuild at first
 * use (about a tenth of a second) and keeps them, compressed, for the life of
 * the process. Bundling at start rather than in a build step keeps the quick
 * start at two commands and means a fresh clone can never serve a stale bundle.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import type { BuildOptions } from 'esbuild';
import { IntakeError } from '../../core/errors.ts';

export interface Asset {
  name: 'app.js' | 'app.css';
  contentType: string;
  body: Buffer;
  gzip: Buffer;
  brotli: Buffer;
  /** First 16 hex digits of the SHA-256 of the body: the version and the ETag. */
  hash: string;
}

export interface ReviewerAssets {
  js: Asset;
  css: Asset;
  buildMs: number;
}

const CLIENT_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'client');

function asset(name: Asset['name'], contentType: string, text: string): Asset {
  const body = Buffer.from(text, 'utf8');
  return {
    name,
    contentType,
    body,
    gzip: zlib.gzipSync(body, { level: 9 }),
    brotli: zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }),
    hash: crypto.createHash('sha256').update(body).digest('hex').slice(0, 16),
  };
}

/** Bundles and minifies the client (strict TS) and its stylesheet. */
export async function buildReviewerAssets(): Promise<ReviewerAssets> {
  const started = performance.now();
  try {
    const esbuild = await import('esbuild');
    const common: BuildOptions & { write: false } = {
      bundle: true,
      minify: true,
      write: false,
      legalComments: 'none',
      logLevel: 'silent',
      target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    };
    const [js, css] = await Promise.all([
      esbuild.build({
        ...common,
        entryPoints: [path.join(CLIENT_DIR, 'main.ts')],
        format: 'iife',
        platform: 'browser',
        define: { 'process.env.NODE_ENV': '"production"' },
      }),
      esbuild.build({ ...common, entryPoints: [path.join(CLIENT_DIR, 'app.css')], loader: { '.css': 'css' } }),
    ]);
    const jsText = js.outputFiles?.[0]?.text;
    const cssText = css.outputFiles?.[0]?.text;
    if (jsText === undefined || cssText === undefined) throw new Error('esbuild produced no output');
    return {
      js: asset('app.js', 'text/javascript; charset=utf-8', jsText),
      css: asset('app.css', 'text/css; charset=utf-8', cssText),
      buildMs: Math.round(performance.now() - started),
    };
  } catch (err) {
    throw new IntakeError('INTERNAL', 'the reviewer page could not be built', {
      cause: err instanceof Error ? err : new Error(String(err)),
    });
  }
}

/** One build per process, retried on the next call after a failure. */
export function cachedAssets(): () => Promise<ReviewerAssets> {
  let pending: Promise<ReviewerAssets> | null = null;
  return () => {
    pending ??= buildReviewerAssets().catch((err: unknown) => {
      pending = null;
      throw err;
    });
    return pending;
  };
}
