/**
 * The one durable entry point for documents from every source (upload, IMAP, drop
 * folder, CLI): the encrypted original is fsynced to the blob store first, then a
 * `documents` row (unique by SHA-256) and a receipt are written in one
 * transaction. Receiving the same bytes again records only another receipt.
 */
import { eq, sql } from 'drizzle-orm';
import type { BlobStore } from '../blobs/blob-store.ts';
import { IntakeError } from '../core/errors.ts';
import type { EventBus } from '../core/events.ts';
import { mediaTypeOf } from '../extract/detect-format.ts';
import { documentEvents, documentReceipts, documents } from '../store/schema/index.ts';
import type { Store } from '../store/store.ts';

export type SourceKind = 'upload' | 'imap' | 'drop' | 'cli';

export interface ReceiveInput {
  bytes: Uint8Array;
  source: SourceKind;
  /** Non-PHI reference: message id, sender hash, subject hash, file hash... */
  sourceRef?: Record<string, unknown>;
}

export interface ReceiveResult {
  documentId: string;
  sha256: string;
  /** True when these bytes had been received before. */
  duplicate: boolean;
}

export interface ReceiveDeps {
  store: Store;
  blobs: BlobStore;
  /** Largest accepted document in bytes (MAX_DOCUMENT_BYTES). */
  maxBytes: number;
  /** Told of each new document, so workers wake at once. */
  events?: EventBus;
}

export async function receiveDocument(deps: ReceiveDeps, input: ReceiveInput): Promise<ReceiveResult> {
  if (input.bytes.length > deps.maxBytes) {
    throw new IntakeError('LIMIT_BYTES', `document is larger than the ${deps.maxBytes}-byte limit`, {
      details: { sizeBytes: input.bytes.length, limitBytes: deps.maxBytes },
    });
  }
  // Durable first: nothing refers to the document until its bytes are on disk.
  const sha256 = await deps.blobs.put(input.bytes);
  const result = await deps.store.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(documents)
      .values({ sha256, mediaType: mediaTypeOf(input.bytes), sizeBytes: input.bytes.length, source: input.source })
      .onConflictDoNothing({ target: documents.sha256 })
      .returning({ id: documents.id });
    let documentId = inserted[0]?.id;
    const duplicate = documentId === undefined;
    if (documentId === undefined) {
      const existing = await tx.select({ id: documents.id }).from(documents).where(eq(documents.sha256, sha256));
      documentId = existing[0]?.id;
      if (!documentId) throw new IntakeError('INTERNAL', 'document row vanished during receipt');
    } else {
      await tx.insert(documentEvents).values({ documentId, toState: 'received', stage: 'receive' });
    }
    await tx.insert(documentReceipts).values({
      documentId,
      source: input.source,
      sourceRef: input.sourceRef ?? sql`'{}'::jsonb`,
    });
    return { documentId, sha256, duplicate };
  });
  if (!result.duplicate) {
    deps.events?.emit('document.state_changed', {
      documentId: result.documentId, from: null, to: 'received', stage: 'receive', durationMs: 0,
    });
  }
  return result;
}
