/**
 * The Slack alerter against a local HTTP receiver: every alerted event, retries
 * on 429/5xx, no retry on other 4xx, repeats folded into one count, outage
 * threshold and recovery, the review-queue age check on both store backends,
 * and a scan of every alert sent for the corpus's patient names and DOBs.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testConfig } from '../config/config.ts';
import { EventBus } from '../core/events.ts';
import { silentLogger } from '../core/logger.ts';
import { openTestStore, tempDir, testBackends, type TestStore } from '../../test/helpers/db.ts';
import { makeIngestDeps, readFixture, waitFor } from '../../test/helpers/ingest.ts';
import { startSlackReceiver, type SlackReceiver } from '../../test/helpers/slack-receiver.ts';
import { createDropFolderWatcher } from '../ingest/drop-folder/index.ts';
import { createAlerter, postToSlack, type Alerter } from './index.ts';

const DOC = '0b6a3f0e-8c1d-4f4e-9a51-6a8e5f6d2c11';
const BASE = 'https://intake.example.org';

let receiver: SlackReceiver;
beforeEach(async () => {
  receiver = await startSlackReceiver();
});
afterEach(async () => {
  await receiver.close();
});

function make(extra: Record<string, string> = {}, store?: TestStore): { alerter: Alerter; events: EventBus } {
  const events = new EventBus();
  const config = testConfig({
    SLACK_WEBHOOK_URL: receiver.url,
    PUBLIC_BASE_URL: BASE,
    ALERT_DEDUP_WINDOW_MS: '300',
    ALERT_SOURCE_DOWN_MS: '1000',
    ALERT_QUEUE_AGE_MS: '3600000',
    ALERT_CHECK_INTERVAL_MS: '60000',
    ...extra,
  });
  const alerter = createAlerter(config, { events, logger: silentLogger(), ...(store ? { store } : {}) }, { baseDelayMs: 10, maxDelayMs: 50, timeoutMs: 2_000 });
  return { alerter, events };
}

describe('slack alerter', () => {
  it('alerts on each problem with ids, codes, sources and a review link only', async () => {
    const { alerter, events } = make();
    await alerter.start();
    events.emit('document.invalid', { documentId: DOC, code: 'PDF_ENCRYPTED', source: 'imap' });
    events.emit('document.dead_lettered', { documentId: DOC, code: 'OCR_FAILED', stage: 'extract', attempts: 5 });
    events.emit('source.unusable', { source: 'imap:INBOX', code: 'NO_USABLE_ATTACHMENT', ref: 'abc123/17/4/mid:9f8e' });
    events.emit('review.queue_stale', { oldestAgeMs: 5 * 3_600_000, count: 12 });
    events.emit('delivery.dead_lettered', { documentId: DOC, code: 'DELIVERY_FAILED', attempts: 8 });
    events.emit('source.failing', { source: 'drop', code: 'SOURCE_UNAVAILABLE', sinceMs: 5_000 });
    await alerter.stop();
    const texts = receiver.delivered.map((d) => d.text);
    expect(texts).toHaveLength(6);
    expect(texts[0]).toContain('code PDF_ENCRYPTED');
    expect(texts[0]).toContain(`<${BASE}/#/item/${DOC}|${DOC}>`);
    expect(texts[1]).toMatch(/failed for good at extract.*attempts 5/);
    expect(texts[2]).toMatch(/NO_USABLE_ATTACHMENT.*source imap:INBOX.*ref abc123\/17\/4\/mid:9f8e/);
    expect(texts[3]).toMatch(/oldestAge 5 h, waiting 12/);
    expect(texts[4]).toMatch(/EHR failed for good.*DELIVERY_FAILED/);
    expect(texts[5]).toMatch(/Source down.*source drop.*downFor 5 s/);
    for (const d of receiver.delivered) expect(d.blocks).toHaveLength(1);
    expect(alerter.stats()).toEqual({ sent: 6, failed: 0, suppressed: 0 });
  });

  it('retries 429 and 5xx answers, and gives up at once on other client errors', async () => {
    receiver.failNext([429, 503, 500]);
    const result = await postToSlack(receiver.url, { text: 'x' }, { maxAttempts: 5, baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 2_000 });
    expect(result).toEqual({ attempts: 4, status: 200 });
    expect(receiver.raw).toHaveLength(4);
    receiver.failNext([404]);
    await expect(postToSlack(receiver.url, { text: 'y' }, { maxAttempts: 5, baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 2_000 })).rejects.toMatchObject({
      code: 'DELIVERY_FAILED',
      details: { status: 404, attempts: 1 },
    });
    receiver.failNext([500, 500]);
    await expect(postToSlack(receiver.url, { text: 'z' }, { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 2_000 })).rejects.toMatchObject({
      code: 'DELIVERY_FAILED',
    });
    expect(receiver.delivered.map((d) => d.text)).toEqual(['x']);
  });

  it('folds a storm of the same problem into one alert and one count', async () => {
    const { alerter, events } = make();
    await alerter.start();
    for (let i = 0; i < 40; i++) events.emit('document.invalid', { documentId: DOC, code: 'TIFF_CORRUPT', source: 'drop' });
    events.emit('document.invalid', { documentId: DOC, code: 'PDF_CORRUPT', source: 'drop' });
    await waitFor(() => receiver.delivered.length >= 3, 5_000, 'follow-up');
    await alerter.stop();
    const texts = receiver.delivered.map((d) => d.text);
    expect(texts).toHaveLength(3);
    expect(texts.filter((t) => t.includes('TIFF_CORRUPT'))).toHaveLength(2);
    expect(texts.find((t) => t.startsWith(':repeat:'))).toMatch(/39 more in the last/);
    expect(alerter.stats().suppressed).toBe(39);
  });

  it('alerts on an outage only past the threshold, and says when the source is back', async () => {
    const { alerter, events } = make();
    await alerter.start();
    events.emit('source.failing', { source: 'imap:INBOX', code: 'SOURCE_AUTH_FAILED', sinceMs: 10 });
    events.emit('source.recovered', { source: 'imap:INBOX' });
    events.emit('source.failing', { source: 'imap:INBOX', code: 'SOURCE_AUTH_FAILED', sinceMs: 1_500 });
    events.emit('source.recovered', { source: 'imap:INBOX' });
    await alerter.stop();
    const texts = receiver.delivered.map((d) => d.text);
    expect(texts).toHaveLength(2);
    expect(texts[0]).toMatch(/Source login failing.*SOURCE_AUTH_FAILED/);
    expect(texts[1]).toMatch(/working again.*source imap:INBOX/);
  });

  it('logs only, and posts nothing, without a webhook', async () => {
    const events = new EventBus();
    const alerter = createAlerter(testConfig({}), { events, logger: silentLogger() });
    await alerter.start();
    events.emit('document.invalid', { documentId: DOC, code: 'PDF_CORRUPT', source: 'drop' });
    await alerter.stop();
    expect(receiver.raw).toHaveLength(0);
    expect(alerter.stats()).toEqual({ sent: 0, failed: 0, suppressed: 0 });
  });
});

describe.each(testBackends())('alerter with a store on %s', (backend) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(backend);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('raises review.queue_stale when the oldest item in review waits too long', async () => {
    const { alerter, events } = make({ ALERT_QUEUE_AGE_MS: '7200000', ALERT_CHECK_INTERVAL_MS: '100' }, store);
    const stale: unknown[] = [];
    events.on('review.queue_stale', (e) => stale.push(e));
    const hash = () => crypto.randomBytes(32).toString('hex');
    await store.query(sql`insert into documents (sha256, media_type, size_bytes, source, state, state_changed_at)
      values (${hash()}, 'application/pdf', 10, 'imap', 'in_review', now() - interval '1 hour')`);
    await alerter.start();
    await alerter.checkReviewQueue();
    expect(stale).toHaveLength(0);
    await store.query(sql`insert into documents (sha256, media_type, size_bytes, source, state, state_changed_at)
      values (${hash()}, 'application/pdf', 10, 'imap', 'in_review', now() - interval '3 hours')`);
    // The periodic check finds it by itself.
    await waitFor(() => stale.length > 0, 5_000, 'stale queue');
    await alerter.stop();
    expect(stale[0]).toMatchObject({ count: 2 });
    expect((stale[0] as { oldestAgeMs: number }).oldestAgeMs).toBeGreaterThanOrEqual(3 * 3_600_000 - 60_000);
    expect(receiver.delivered[0]?.text).toMatch(/Review queue is waiting.*oldestAge 3 h, waiting 2/);
    await store.query(sql`update documents set state = 'accepted' where state = 'in_review'`);
  });

  it('never sends a corpus patient name or date of birth, whatever arrives', async () => {
    const { patients } = JSON.parse(readFixture('corpus-patients.json').toString('utf8')) as {
      patients: Array<{ firstName: string; lastName: string; dob: string | null }>;
    };
    const { alerter, events } = make({ ALERT_DEDUP_WINDOW_MS: '0' }, store);
    await alerter.start();
    // Files named after patients, with DOBs, none readable: each raises an alert.
    const folder = tempDir('intake-alert-drop-');
    patients.slice(0, 12).forEach((p, i) => {
      fs.writeFileSync(path.join(folder, `${p.lastName}, ${p.firstName} DOB ${p.dob ?? ''} #${i}.docx`), `${p.firstName} ${p.lastName} ${p.dob}`);
    });
    fs.writeFileSync(path.join(folder, `${patients[0]?.lastName ?? 'x'}.pdf`), '');
    const deps = { ...makeIngestDeps(store, store.dataDir), events };
    const watcher = createDropFolderWatcher(deps, testConfig({ DROP_FOLDER: folder, DROP_FOLDER_POLL_INTERVAL_MS: '50', DROP_FOLDER_STABLE_MS: '0' }));
    await watcher.start();
    await waitFor(() => receiver.delivered.length >= 13, 10_000, 'alerts for every file');
    await watcher.stop();
    await alerter.stop();
    fs.rmSync(folder, { recursive: true, force: true });
    const sent = receiver.raw.join('\n');
    expect(sent.length).toBeGreaterThan(0);
    const leaks: string[] = [];
    for (const p of patients) {
      for (const needle of [p.firstName, p.lastName, p.dob, p.dob?.split('-').reverse().join('/'), p.dob?.replace(/^(\d{4})-(\d{2})-(\d{2})$/, '$2/$3/$1')]) {
        if (needle && needle.length >= 3 && sent.toLowerCase().includes(needle.toLowerCase())) leaks.push(needle);
      }
    }
    expect(leaks).toEqual([]);
  });
});
