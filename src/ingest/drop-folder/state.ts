/**
 * The drop folder's memory of files already handled, keyed by folder and content
 * hash: a file stored but not yet moved when the process died is moved on restart
 * without being received again.
 */
import { and, eq } from 'drizzle-orm';
import { dropFiles } from '../../store/schema/index.ts';
import type { Store } from '../../store/store.ts';

export interface DropRecord {
  outcome: 'processed' | 'failed';
  documentId: string | null;
  errorCode: string | null;
}

export async function findDropFile(store: Store, folderKey: string, sha256: string): Promise<DropRecord | null> {
  const rows = await store.db
    .select({ outcome: dropFiles.outcome, documentId: dropFiles.documentId, errorCode: dropFiles.errorCode })
    .from(dropFiles)
    .where(and(eq(dropFiles.folderKey, folderKey), eq(dropFiles.sha256, sha256)));
  const row = rows[0];
  if (!row) return null;
  return { outcome: row.outcome === 'failed' ? 'failed' : 'processed', documentId: row.documentId, errorCode: row.errorCode };
}

export async function recordDropFile(
  store: Store,
  input: { folderKey: string; sha256: string; sizeBytes: number } & DropRecord,
): Promise<void> {
  await store.db.insert(dropFiles).values(input).onConflictDoNothing();
}
