/**
 * Shared pieces for the ingest tests and benchmark: IngestDeps over a test store,
 * tiny but real PDF/PNG/TIFF bytes, and MIME messages built with nodemailer's
 * MailComposer (or by hand where a test needs broken MIME).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { createBlobStore } from '../../src/blobs/blob-store.ts';
import { EventBus, type IntakeEventName, type IntakeEvents } from '../../src/core/events.ts';
import { createLogger, silentLogger } from '../../src/core/logger.ts';
import type { IngestDeps } from '../../src/ingest/deps.ts';
import type { Store } from '../../src/store/store.ts';

export function makeIngestDeps(store: Store, dataDir: string, key: Buffer = crypto.randomBytes(32)): IngestDeps {
  return {
    store,
    blobs: createBlobStore(path.join(dataDir, 'blobs'), key),
    events: new EventBus(),
    // TEST_LOG=debug shows the ingest logs while debugging a test.
    logger: process.env.TEST_LOG ? createLogger({ level: process.env.TEST_LOG, destination: process.stderr }) : silentLogger(),
    maxDocumentBytes: 50 * 1024 * 1024,
  };
}

/** Records every event of the given names, in order. */
export function recordEvents<K extends IntakeEventName>(bus: EventBus, names: K[]): Array<{ name: K; payload: IntakeEvents[K] }> {
  const seen: Array<{ name: K; payload: IntakeEvents[K] }> = [];
  for (const name of names) bus.on(name, (payload) => seen.push({ name, payload }));
  return seen;
}

/** A small distinct PDF (content varies with `tag`, so each has its own SHA-256). */
export function fakePdf(tag: string, padBytes = 200): Buffer {
  return Buffer.from(`%PDF-1.4\n% ${tag}\n${'0'.repeat(padBytes)}\n%%EOF\n`, 'latin1');
}

export function fakePng(tag: string): Buffer {
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(tag)]);
}

export function fakeTiff(tag: string): Buffer {
  return Buffer.concat([Buffer.from([0x49, 0x49, 0x2a, 0x00]), Buffer.from(tag)]);
}

export async function buildMessage(options: Mail.Options): Promise<Buffer> {
  return new MailComposer({ from: 'Fax Service <fax@example.test>', to: 'intake@example.test', ...options }).compile().build();
}

export async function waitFor<T>(check: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs: number, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function readFixture(name: string): Buffer {
  return fs.readFileSync(path.resolve(import.meta.dirname, '../fixtures', name));
}
