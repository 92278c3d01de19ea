/**
 * The drop-folder watcher (issue 6): fax services that deliver over SFTP write
 * files into DROP_FOLDER. A file is taken only once it is complete: names in the
 * usual temp conventions (.part, .tmp, .filepart, dot-files) are ignored, and a
 * file must keep the same size and mtime for DROP_FOLDER_STABLE_MS. It is stored
 * durably through receiveDocument, recorded, and only then renamed into
 * processed/ (or failed/ beside a .reason.json). Polling rather than fs.watch:
 * inotify misses writes over NFS/SMB mounts and loses events under bursts.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config/config.ts';
import { IntakeError, toIntakeError, type ErrorCode } from '../../core/errors.ts';
import { receiveDocument } from '../../pipeline/receive.ts';
import type { IngestDeps, SourceStatus } from '../deps.ts';
import { classifyDocument } from '../document-kind.ts';
import { shortHash } from '../hash.ts';
import { Waker } from '../timing.ts';
import { sha256Hex } from '../../blobs/blob-store.ts';
import { findDropFile, recordDropFile } from './state.ts';

export const PROCESSED_DIR = 'processed';
export const FAILED_DIR = 'failed';
const TEMP_NAME = /^[.~]|\.(part|partial|tmp|temp|filepart|crdownload|uploading)$/i;

export interface DropFolderWatcher {
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): SourceStatus;
  /** Scans now instead of at the next interval (tests, admin). */
  poke(): void;
}

interface Seen {
  size: number;
  mtimeMs: number;
  stableSince: number;
}

export function isTempName(name: string): boolean {
  return TEMP_NAME.test(name);
}

export function createDropFolderWatcher(deps: IngestDeps, config: Config): DropFolderWatcher {
  const logger = deps.logger.child({ component: 'drop-folder' });
  const sourceName = 'drop';
  const waker = new Waker();
  const seen = new Map<string, Seen>();
  const state: SourceStatus = { running: false, connected: false, lastSuccessAt: null, lastErrorCode: null };
  let abort: AbortController | null = null;
  let loop: Promise<void> | null = null;
  let failingSince: number | null = null;
  let folder = '';
  let folderKey = '';

  async function moveInto(dir: string, name: string): Promise<string> {
    const targetDir = path.join(folder, dir);
    let target = path.join(targetDir, name);
    // Never overwrite an earlier file of the same name.
    try {
      await fs.access(target);
      target = path.join(targetDir, `${Date.now()}-${name}`);
    } catch {
      // free
    }
    await fs.rename(path.join(folder, name), target);
    const handle = await fs.open(targetDir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    return target;
  }

  async function fail(name: string, sha256: string, size: number, code: ErrorCode): Promise<void> {
    await recordDropFile(deps.store, { folderKey, sha256, sizeBytes: size, outcome: 'failed', documentId: null, errorCode: code });
    const target = await moveInto(FAILED_DIR, name);
    const reason = { code, message: describe(code), sha256, sizeBytes: size, at: new Date().toISOString() };
    await fs.writeFile(`${target}.reason.json`, `${JSON.stringify(reason, null, 2)}\n`);
    deps.events.emit('source.unusable', { source: sourceName, code, ref: `${folderKey}/${sha256.slice(0, 16)}` });
    logger.warn({ folder: folderKey, code, fileHash: sha256.slice(0, 16) }, 'dropped file failed');
  }

  async function takeFile(name: string): Promise<void> {
    const file = path.join(folder, name);
    const bytes = await fs.readFile(file);
    const sha256 = sha256Hex(bytes);
    const known = await findDropFile(deps.store, folderKey, sha256);
    if (known) {
      // Stored before a crash (or the same bytes dropped again): finish the move only.
      if (known.outcome === 'failed') await fail(name, sha256, bytes.length, (known.errorCode ?? 'UNSUPPORTED_FORMAT') as ErrorCode);
      else await moveInto(PROCESSED_DIR, name);
      return;
    }
    if (bytes.length === 0) return fail(name, sha256, 0, 'EMPTY_DOCUMENT');
    if (bytes.length > deps.maxDocumentBytes) return fail(name, sha256, bytes.length, 'LIMIT_BYTES');
    if (classifyDocument(bytes, null, name) === 'other') return fail(name, sha256, bytes.length, 'UNSUPPORTED_FORMAT');
    const result = await receiveDocument(
      { store: deps.store, blobs: deps.blobs, maxBytes: deps.maxDocumentBytes, events: deps.events },
      { bytes, source: 'drop', sourceRef: { folder: folderKey, fileSha256: sha256, sizeBytes: bytes.length } },
    );
    await recordDropFile(deps.store, {
      folderKey,
      sha256,
      sizeBytes: bytes.length,
      outcome: 'processed',
      documentId: result.documentId,
      errorCode: null,
    });
    await moveInto(PROCESSED_DIR, name);
    logger.info({ folder: folderKey, documentId: result.documentId, duplicate: result.duplicate }, 'dropped file ingested');
  }

  /** One scan: returns how many files were taken. */
  async function scan(signal: AbortSignal): Promise<number> {
    const entries = await fs.readdir(folder, { withFileTypes: true });
    const now = Date.now();
    const present = new Set<string>();
    const ready: Array<{ name: string; mtimeMs: number }> = [];
    for (const entry of entries) {
      if (!entry.isFile() || isTempName(entry.name)) continue;
      present.add(entry.name);
      let stat;
      try {
        stat = await fs.stat(path.join(folder, entry.name));
      } catch {
        continue; // renamed away meanwhile
      }
      const prev = seen.get(entry.name);
      if (!prev || prev.size !== stat.size || prev.mtimeMs !== stat.mtimeMs) {
        seen.set(entry.name, { size: stat.size, mtimeMs: stat.mtimeMs, stableSince: now });
        if (config.DROP_FOLDER_STABLE_MS > 0) continue;
      }
      const current = seen.get(entry.name);
      if (current && now - current.stableSince >= config.DROP_FOLDER_STABLE_MS) ready.push({ name: entry.name, mtimeMs: stat.mtimeMs });
    }
    for (const name of seen.keys()) if (!present.has(name)) seen.delete(name);
    ready.sort((a, b) => a.mtimeMs - b.mtimeMs);
    let taken = 0;
    let firstError: unknown = null;
    for (const { name } of ready) {
      if (signal.aborted) break;
      try {
        await takeFile(name);
        taken += 1;
      } catch (err) {
        // One bad file must not hold up the others: try it again next scan, report the failure.
        firstError ??= err;
        logger.warn({ folder: folderKey, code: toIntakeError(err, 'SOURCE_UNAVAILABLE').code }, 'dropped file could not be taken; will retry');
      }
      seen.delete(name);
    }
    if (firstError) throw firstError;
    return taken;
  }

  async function run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await fs.mkdir(path.join(folder, PROCESSED_DIR), { recursive: true });
        await fs.mkdir(path.join(folder, FAILED_DIR), { recursive: true });
        await scan(signal);
        state.connected = true;
        state.lastSuccessAt = new Date().toISOString();
        state.lastErrorCode = null;
        if (failingSince !== null) {
          failingSince = null;
          deps.events.emit('source.recovered', { source: sourceName });
        }
      } catch (err) {
        const e = toIntakeError(err, 'SOURCE_UNAVAILABLE', 'drop folder scan failed');
        state.connected = false;
        state.lastErrorCode = e.code;
        failingSince ??= Date.now();
        deps.events.emit('source.failing', { source: sourceName, code: e.code, sinceMs: Date.now() - failingSince });
        logger.warn({ folder: folderKey, code: e.code }, 'drop folder scan failed');
      }
      await waker.sleep(config.DROP_FOLDER_POLL_INTERVAL_MS, signal);
    }
  }

  return {
    async start() {
      if (loop) return;
      if (!config.DROP_FOLDER) throw new IntakeError('CONFIG_INVALID', 'DROP_FOLDER is not set');
      folder = path.resolve(config.DROP_FOLDER);
      folderKey = shortHash(folder);
      abort = new AbortController();
      state.running = true;
      loop = run(abort.signal).finally(() => {
        state.running = false;
        state.connected = false;
      });
    },
    async stop() {
      if (!loop || !abort) return;
      abort.abort();
      waker.wake();
      await loop;
      loop = null;
      abort = null;
    },
    status: () => ({ ...state }),
    poke: () => waker.wake(),
  };
}

function describe(code: ErrorCode): string {
  switch (code) {
    case 'EMPTY_DOCUMENT':
      return 'the file is empty';
    case 'LIMIT_BYTES':
      return 'the file is larger than MAX_DOCUMENT_BYTES';
    case 'UNSUPPORTED_FORMAT':
      return 'not a PDF, TIFF, PNG or JPEG file';
    default:
      return 'the file could not be taken in';
  }
}

