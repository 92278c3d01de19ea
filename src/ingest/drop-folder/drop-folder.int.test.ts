/**
 * The drop-folder watcher on both store backends: complete files become
 * documents and move to processed/; temp names and growing files wait; unreadable
 * files go to failed/ with a reason; a crash between store and move is finished on
 * restart without a second receipt; a broken folder reports failing, then recovers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../config/config.ts';
import { openTestStore, tempDir, testBackends, type TestStore } from '../../../test/helpers/db.ts';
import { fakePdf, fakeTiff, makeIngestDeps, recordEvents, waitFor } from '../../../test/helpers/ingest.ts';
import { sha256Hex } from '../../blobs/blob-store.ts';
import { shortHash } from '../hash.ts';
import { createDropFolderWatcher, isTempName } from './index.ts';

function configFor(folder: string, extra: Record<string, string> = {}) {
  return testConfig({ DROP_FOLDER: folder, DROP_FOLDER_POLL_INTERVAL_MS: '50', DROP_FOLDER_STABLE_MS: '200', ...extra });
}

const list = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);

describe('drop folder temp names', () => {
  it('recognises the usual in-progress upload names', () => {
    for (const name of ['.hidden.pdf', '~lock.pdf', 'a.pdf.part', 'a.pdf.filepart', 'a.tmp', 'b.PARTIAL', 'c.crdownload']) {
      expect(isTempName(name), name).toBe(true);
    }
    for (const name of ['a.pdf', 'fax 12.tif', 'part.pdf', 'tmp.png']) expect(isTempName(name), name).toBe(false);
  });
});

describe.each(testBackends())('drop folder watcher on %s', (backend) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(backend);
  });
  afterAll(async () => {
    await store?.close();
  });

  const receiptsFor = async (sha: string) =>
    Number(
      (
        await store.query<{ n: number }>(
          sql`select count(*)::int as n from document_receipts r join documents d on d.id = r.document_id where d.sha256 = ${sha}`,
        )
      )[0]?.n ?? 0,
    );

  it('takes complete files only, and sends unreadable ones to failed/ with a reason', async () => {
    const folder = tempDir('intake-drop-');
    const deps = makeIngestDeps(store, store.dataDir);
    const events = recordEvents(deps.events, ['source.unusable']);
    const pdf = fakePdf('drop-1');
    const tiff = fakeTiff('drop-2');
    fs.writeFileSync(path.join(folder, 'Pat_Smith_referral.pdf'), pdf);
    fs.writeFileSync(path.join(folder, 'incoming.tif.part'), tiff);
    fs.writeFileSync(path.join(folder, 'notes.docx'), 'PK\u0003\u0004 not a referral');
    fs.writeFileSync(path.join(folder, 'empty.pdf'), '');
    fs.writeFileSync(path.join(folder, 'corrupt.pdf'), 'this is not really a pdf');
    const watcher = createDropFolderWatcher(deps, configFor(folder));
    await watcher.start();
    try {
      await waitFor(() => list(path.join(folder, 'processed')).length === 2, 10_000, 'two processed');
      await waitFor(() => list(path.join(folder, 'failed')).length === 4, 10_000, 'two failed with reasons');
      // The .part upload is still untouched.
      expect(list(folder)).toEqual(['failed', 'incoming.tif.part', 'processed']);
      // The sender renames it when done; a growing file is not taken until it stops changing.
      const growing = path.join(folder, 'slow.tif');
      fs.writeFileSync(growing, tiff.subarray(0, 6));
      fs.renameSync(path.join(folder, 'incoming.tif.part'), path.join(folder, 'incoming.tif'));
      for (let i = 0; i < 4; i++) {
        await new Promise((r) => setTimeout(r, 100));
        fs.appendFileSync(growing, `chunk${i}`);
        expect(list(folder)).toContain('slow.tif');
      }
      await waitFor(() => list(path.join(folder, 'processed')).length === 4, 10_000, 'renamed and grown files processed');
    } finally {
      await watcher.stop();
    }
    expect(list(path.join(folder, 'processed'))).toEqual(['Pat_Smith_referral.pdf', 'corrupt.pdf', 'incoming.tif', 'slow.tif']);
    expect(list(path.join(folder, 'failed'))).toEqual(['empty.pdf', 'empty.pdf.reason.json', 'notes.docx', 'notes.docx.reason.json']);
    const reason = JSON.parse(fs.readFileSync(path.join(folder, 'failed', 'notes.docx.reason.json'), 'utf8')) as { code: string };
    expect(reason.code).toBe('UNSUPPORTED_FORMAT');
    expect(events.map((e) => e.payload.code).sort()).toEqual(['EMPTY_DOCUMENT', 'UNSUPPORTED_FORMAT']);
    expect(JSON.stringify(events)).not.toMatch(/notes|Smith/);
    expect(await receiptsFor(sha256Hex(pdf))).toBe(1);
    const ref = await store.query<{ source_ref: Record<string, unknown> }>(
      sql`select r.source_ref from document_receipts r join documents d on d.id = r.document_id where d.sha256 = ${sha256Hex(pdf)}`,
    );
    expect(ref[0]?.source_ref).toEqual({ folder: shortHash(path.resolve(folder)), fileSha256: sha256Hex(pdf), sizeBytes: pdf.length });
    expect(JSON.stringify(ref)).not.toMatch(/Smith/);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('finishes the move of a file stored before a crash without receiving it again', async () => {
    const folder = tempDir('intake-drop-');
    const deps = makeIngestDeps(store, store.dataDir);
    const pdf = fakePdf('drop-crash');
    fs.writeFileSync(path.join(folder, 'a.pdf'), pdf);
    // First run: stored and moved.
    let watcher = createDropFolderWatcher(deps, configFor(folder, { DROP_FOLDER_STABLE_MS: '0' }));
    await watcher.start();
    await waitFor(() => list(path.join(folder, 'processed')).length === 1, 10_000, 'processed');
    await watcher.stop();
    // As if the process died between store and rename: the file is back in the folder.
    fs.renameSync(path.join(folder, 'processed', 'a.pdf'), path.join(folder, 'a.pdf'));
    watcher = createDropFolderWatcher(deps, configFor(folder, { DROP_FOLDER_STABLE_MS: '0' }));
    await watcher.start();
    try {
      await waitFor(() => !list(folder).includes('a.pdf'), 10_000, 'moved again');
    } finally {
      await watcher.stop();
    }
    expect(list(path.join(folder, 'processed')).length).toBe(1);
    expect(await receiptsFor(sha256Hex(pdf))).toBe(1);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('reports a folder it cannot use as failing, and recovery once it can', async () => {
    const parent = tempDir('intake-drop-');
    const folder = path.join(parent, 'drop');
    fs.writeFileSync(folder, 'a file where the folder should be');
    const deps = makeIngestDeps(store, store.dataDir);
    const events = recordEvents(deps.events, ['source.failing', 'source.recovered']);
    const watcher = createDropFolderWatcher(deps, configFor(folder));
    await watcher.start();
    try {
      await waitFor(() => events.some((e) => e.name === 'source.failing'), 5_000, 'failing');
      expect(watcher.status()).toMatchObject({ running: true, connected: false, lastErrorCode: 'SOURCE_UNAVAILABLE' });
      fs.rmSync(folder);
      await waitFor(() => events.some((e) => e.name === 'source.recovered'), 5_000, 'recovered');
      expect(watcher.status()).toMatchObject({ connected: true, lastErrorCode: null });
    } finally {
      await watcher.stop();
    }
    expect(watcher.status().running).toBe(false);
    fs.rmSync(parent, { recursive: true, force: true });
  });
});
