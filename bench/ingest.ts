/**
 * Ingest benchmark (issue 6), `npm run bench:ingest`:
 *  1. a backlog of BENCH_MESSAGES (default 1,000) messages, each with one fax
 *     attachment (corpus PDFs/TIFFs under 200 KB, made unique per message),
 *     delivered into a throwaway Dovecot's maildir, then drained by the poller:
 *     messages/s, documents created, lost, duplicated;
 *  2. append-to-document latency while the poller idles (IDLE), over
 *     BENCH_IDLE_SAMPLES appends one at a time: p50 and p95.
 * Store: in-memory PGlite, or a fresh database on the PostgreSQL server at
 * BENCH_DATABASE_URL (created and dropped by the run).
 * The last line is one JSON object of headline numbers.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { ImapFlow } from 'imapflow';
import { createBlobStore } from '../src/blobs/blob-store.ts';
import { testConfig } from '../src/config/config.ts';
import { EventBus } from '../src/core/events.ts';
import { silentLogger } from '../src/core/logger.ts';
import { createImapPoller } from '../src/ingest/imap/index.ts';
import { openStore } from '../src/store/store.ts';
import { createScratchDatabase } from '../test/helpers/db.ts';
import { startDovecot } from '../test/helpers/dovecot.ts';
import { buildMessage, fakePdf } from '../test/helpers/ingest.ts';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1000);
const IDLE_SAMPLES = Number(process.env.BENCH_IDLE_SAMPLES ?? 30);
const CORPUS = path.resolve(import.meta.dirname, '../../shared/corpus/dev');
const USER = 'bench';

function corpusAttachments(): Array<{ name: string; bytes: Buffer }> {
  if (!fs.existsSync(CORPUS)) return [{ name: 'fax.pdf', bytes: fakePdf('bench', 60_000) }];
  return fs
    .readdirSync(CORPUS)
    .filter((f) => /\.(pdf|tif)$/.test(f))
    .map((f) => ({ name: f, bytes: fs.readFileSync(path.join(CORPUS, f)) }))
    .filter((a) => a.bytes.length < 200_000 && a.bytes.length > 1_000);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}


const sha = (b: Uint8Array) => crypto.createHash('sha256').update(b).digest('hex');

async function main(): Promise<void> {
  const dovecot = await startDovecot();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-bench-ingest-'));
  const database = process.env.BENCH_DATABASE_URL ? await createScratchDatabase(process.env.BENCH_DATABASE_URL, 'intake_bench') : null;
  const store = await openStore({ databaseUrl: database?.url, dataDir, memory: !database });
  try {
    // Log in once so Dovecot creates the maildir, then deliver the backlog straight into new/.
    const admin = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: USER, pass: dovecot.password }, logger: false });
    admin.on('error', () => {});
    await admin.connect();
    // STATUS (not SELECT) creates the maildir; a selected INBOX would answer STATUS from a stale cache.
    await admin.status('INBOX', { messages: true });
    const maildirNew = path.join(dovecot.dir, 'mail', USER, 'new');
    fs.mkdirSync(maildirNew, { recursive: true });
    const sources = corpusAttachments();
    const expected = new Set<string>();
    const t0 = performance.now();
    let totalBytes = 0;
    for (let i = 0; i < MESSAGES; i++) {
      const src = sources[i % sources.length]!;
      // Trailing bytes after the end of a PDF or TIFF leave it readable and make it unique.
      const bytes = Buffer.concat([src.bytes, Buffer.from(`\n%bench-${i}-${crypto.randomBytes(4).toString('hex')}\n`)]);
      expected.add(sha(bytes));
      const raw = await buildMessage({ subject: `Referral ${i}`, messageId: `<bench-${i}@fax.example>`, text: 'Fax attached.', attachments: [{ filename: src.name, content: bytes }] });
      totalBytes += raw.length;
      const file = path.join(maildirNew, `${Date.now()}.M${i}P${process.pid}.bench`);
      fs.writeFileSync(file, raw);
      if (process.getuid?.() === 0) fs.chownSync(file, 65534, 65534);
    }
    if (process.getuid?.() === 0) fs.chownSync(maildirNew, 65534, 65534);
    console.log(`backlog: ${fs.readdirSync(maildirNew).length} messages delivered to the maildir, ${(totalBytes / 1e6).toFixed(1)} MB, built in ${Math.round(performance.now() - t0)} ms (${sources.length} distinct corpus attachments)`);

    const events = new EventBus();
    const deps = { store, blobs: createBlobStore(path.join(dataDir, 'blobs'), crypto.randomBytes(32)), events, logger: silentLogger(), maxDocumentBytes: 50 * 1024 * 1024 };
    const config = testConfig({ ...dovecot.configEnv(), IMAP_USER: USER, IMAP_POLL_INTERVAL_MS: '60000' });
    const poller = createImapPoller(deps, config);
    let received = 0;
    const arrivals = new Map<string, number>();
    events.on('document.state_changed', (e) => {
      if (e.to !== 'received') return;
      received += 1;
      arrivals.set(e.documentId, performance.now());
    });
    const start = performance.now();
    await poller.start();
    let lastReport = start;
    while (received < MESSAGES) {
      await new Promise((r) => setTimeout(r, 50));
      if (performance.now() - lastReport > 5_000) {
        lastReport = performance.now();
        console.log(`  ${received}/${MESSAGES} documents after ${((lastReport - start) / 1000).toFixed(1)} s`);
      }
      if (performance.now() - start > 30 * 60_000) throw new Error('backlog did not drain in 30 minutes');
    }
    // The last message is moved right after its document is stored.
    for (;;) {
      const s = await admin.status('INBOX', { messages: true });
      if (s && s.messages === 0) break;
      if (performance.now() - start > 30 * 60_000) throw new Error('inbox did not empty');
      await new Promise((r) => setTimeout(r, 20));
    }
    const drainMs = performance.now() - start;
    const messagesPerSecond = MESSAGES / (drainMs / 1000);
    console.log(`drained ${MESSAGES} messages in ${(drainMs / 1000).toFixed(2)} s: ${messagesPerSecond.toFixed(1)} messages/s`);

    // IDLE latency: the poll interval is 60 s, so only IDLE brings these in promptly.
    const latencies: number[] = [];
    for (let i = 0; i < IDLE_SAMPLES; i++) {
      await new Promise((r) => setTimeout(r, 400));
      const bytes = Buffer.concat([sources[i % sources.length]!.bytes, Buffer.from(`\n%idle-${i}-${crypto.randomBytes(4).toString('hex')}\n`)]);
      expected.add(sha(bytes));
      const raw = await buildMessage({ subject: `Idle ${i}`, messageId: `<idle-${i}@fax.example>`, attachments: [{ filename: 'fax.pdf', content: bytes }] });
      const before = received;
      await admin.append('INBOX', raw);
      const appended = performance.now();
      while (received === before) {
        await new Promise((r) => setTimeout(r, 5));
        if (performance.now() - appended > 120_000) throw new Error('IDLE append was not picked up in 2 minutes');
      }
      latencies.push([...arrivals.values()].pop()! - appended);
    }
    await poller.stop();
    await admin.logout();

    const docs = await store.query<{ sha256: string }>(sql`select sha256 from documents where source = 'imap'`);
    const receipts = await store.query<{ n: number }>(sql`select count(*)::int as n from document_receipts where source = 'imap'`);
    const have = new Set(docs.map((d) => d.sha256));
    const lost = [...expected].filter((h) => !have.has(h)).length;
    const check = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: USER, pass: dovecot.password }, logger: false });
    check.on('error', () => {});
    await check.connect();
    const processedStatus = await check.status('Processed', { messages: true });
    await check.logout();
    const processed = processedStatus ? (processedStatus.messages ?? 0) : 0;
    const duplicated = Math.max(0, Number(receipts[0]?.n ?? 0) - docs.length) + Math.max(0, processed - expected.size);
    const idleP50Ms = Math.round(percentile(latencies, 50));
    const idleP95Ms = Math.round(percentile(latencies, 95));
    console.log(`documents ${docs.length}, receipts ${receipts[0]?.n}, Processed folder ${processed}, lost ${lost}, duplicated ${duplicated}`);
    console.log(`IDLE append-to-document latency over ${latencies.length} appends: p50 ${idleP50Ms} ms, p95 ${idleP95Ms} ms, max ${Math.round(Math.max(...latencies))} ms`);
    console.log(`store ${store.kind}, ${os.availableParallelism()} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.log(
      JSON.stringify({
        messages: MESSAGES,
        documents: docs.length - latencies.length,
        lost,
        duplicated,
        messagesPerSecond: Math.round(messagesPerSecond * 10) / 10,
        drainSeconds: Math.round(drainMs / 100) / 10,
        idleSamples: latencies.length,
        idleP50Ms,
        idleP95Ms,
        store: store.kind,
      }),
    );
  } finally {
    await store.close();
    await database?.drop();
    await dovecot.destroy();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
