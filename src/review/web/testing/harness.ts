/**
 * End-to-end harness for the reviewer page: the whole service on a temporary
 * embedded store loaded with two text-layer sample referrals from the
 * repository's samples/ (never the shared corpus), reviewer tokens, and a
 * headless Debian Chromium driven by playwright-core (no browser download).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { testConfig } from '../../../config/config.ts';
import { silentLogger } from '../../../core/logger.ts';
import { startService, type RunningService } from '../../../server/service.ts';
import { createUser } from '../../users.ts';
import type { QueuePage } from '../client/types.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const SAMPLE_FILES = ['d005.pdf', 'd015.pdf', 'ehr_patients.csv'] as const;

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

export interface ReviewHarness {
  service: RunningService;
  baseUrl: string;
  dir: string;
  tokens: Record<string, string>;
  stop(): Promise<void>;
}

/** Starts the service with the sample documents and the named reviewers. */
export async function startReviewHarness(reviewers: string[]): Promise<ReviewHarness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reviewer-page-'));
  const samples = path.join(dir, 'samples');
  fs.mkdirSync(samples);
  for (const f of SAMPLE_FILES) fs.copyFileSync(path.join(REPO, 'samples', f), path.join(samples, f));
  // A threshold no field reaches: both samples wait for a reviewer whatever the extractor makes of them.
  const config = testConfig({ INTAKE_DATA_DIR: path.join(dir, 'data'), PORT: '0', HOST: '127.0.0.1', REVIEW_THRESHOLD: '1' });
  const service = await startService(config, silentLogger(), { samplesDir: samples });
  const tokens: Record<string, string> = {};
  for (const name of reviewers) tokens[name] = (await createUser(service.store.db, name, 'reviewer')).token;
  return {
    service,
    baseUrl: `http://127.0.0.1:${service.port}`,
    dir,
    tokens,
    stop: async () => {
      await service.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls the public API until `count` referrals wait for review. */
export async function waitForQueue(baseUrl: string, token: string, count: number, timeoutMs = 150_000): Promise<QueuePage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${baseUrl}/v1/queue?limit=50`, { headers: { authorization: `Bearer ${token}` } });
    if (res.ok) {
      const page = (await res.json()) as QueuePage;
      if (page.items.length >= count) return page;
    }
    if (Date.now() > deadline) throw new Error(`queue did not reach ${count} items in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
