/**
 * What the ingest sources need from the rest of the service, passed in by `serve`
 * (and by tests and the benchmark) rather than reached through globals.
 */
import type { BlobStore } from '../blobs/blob-store.ts';
import type { EventBus } from '../core/events.ts';
import type { Logger } from '../core/logger.ts';
import type { Store } from '../store/store.ts';

export interface IngestDeps {
  store: Store;
  blobs: BlobStore;
  events: EventBus;
  logger: Logger;
  /** MAX_DOCUMENT_BYTES: larger documents are refused by receiveDocument. */
  maxDocumentBytes: number;
}

/** Health of one source, for /readyz-style reporting. */
export interface SourceStatus {
  running: boolean;
  connected: boolean;
  /** When the source last completed a scan without error (ISO 8601), or null. */
  lastSuccessAt: string | null;
  /** The IntakeError code of the most recent failure, cleared on success. */
  lastErrorCode: string | null;
}
