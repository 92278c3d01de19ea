/**
 * Queries for the IMAP poller's own bookkeeping (src/store/schema/ingest.ts):
 * the resume UID per mailbox and UIDVALIDITY, and message-level dedupe by key.
 */
import { and, eq, gt, sql } from 'drizzle-orm';
import { imapMailboxState, imapMessages, type IngestMessageStatus } from '../../store/schema/index.ts';
import type { Store } from '../../store/store.ts';

export interface MailboxResume {
  uidValidity: number;
  lastUid: number;
}

/**
 * Returns where to resume scanning. When the server's UIDVALIDITY differs from the
 * stored one, every stored UID is meaningless (RFC 3501 §2.3.1.1): start from 0 and
 * rely on the message-key dedupe to skip what was already taken in.
 */
export async function resumePoint(store: Store, mailboxKey: string, uidValidity: number): Promise<MailboxResume & { reset: boolean }> {
  const rows = await store.db.select().from(imapMailboxState).where(eq(imapMailboxState.mailboxKey, mailboxKey));
  const row = rows[0];
  if (row && row.uidValidity === uidValidity) return { uidValidity, lastUid: row.lastUid, reset: false };
  await store.db
    .insert(imapMailboxState)
    .values({ mailboxKey, uidValidity, lastUid: 0 })
    .onConflictDoUpdate({ target: imapMailboxState.mailboxKey, set: { uidValidity, lastUid: 0, updatedAt: sql`now()` } });
  return { uidValidity, lastUid: 0, reset: row !== undefined };
}

/** Advances the resume point; never moves it backwards, and only for the same UIDVALIDITY. */
export async function advanceResumePoint(store: Store, mailboxKey: string, uidValidity: number, uid: number): Promise<void> {
  await store.db
    .update(imapMailboxState)
    .set({ lastUid: sql`greatest(${imapMailboxState.lastUid}, ${uid})`, updatedAt: sql`now()` })
    .where(and(eq(imapMailboxState.mailboxKey, mailboxKey), eq(imapMailboxState.uidValidity, uidValidity)));
}

export interface KnownMessage {
  status: IngestMessageStatus;
  documentIds: string[];
  errorCode: string | null;
}

export async function findMessage(store: Store, mailboxKey: string, messageKey: string): Promise<KnownMessage | null> {
  const rows = await store.db
    .select({ status: imapMessages.status, documentIds: imapMessages.documentIds, errorCode: imapMessages.errorCode })
    .from(imapMessages)
    .where(and(eq(imapMessages.mailboxKey, mailboxKey), eq(imapMessages.messageKey, messageKey)));
  return rows[0] ?? null;
}

export interface RecordMessageInput {
  mailboxKey: string;
  messageKey: string;
  uidValidity: number;
  uid: number;
  status: Exclude<IngestMessageStatus, 'moved'>;
  documentIds: string[];
  errorCode: string | null;
}

/** Records that a message's documents are durable (or that it had none); first writer wins. */
export async function recordMessage(store: Store, input: RecordMessageInput): Promise<void> {
  await store.db.insert(imapMessages).values(input).onConflictDoNothing();
}

export async function markMoved(store: Store, mailboxKey: string, messageKey: string): Promise<void> {
  await store.db
    .update(imapMessages)
    .set({ status: 'moved', updatedAt: sql`now()` })
    .where(and(eq(imapMessages.mailboxKey, mailboxKey), eq(imapMessages.messageKey, messageKey)));
}

/**
 * Messages recorded as stored (documents durable) above the resume point of this
 * UIDVALIDITY: a worker killed after MOVE but before markMoved leaves one behind.
 */
export async function storedAbove(
  store: Store,
  mailboxKey: string,
  uidValidity: number,
  afterUid: number,
): Promise<Array<{ messageKey: string; uid: number }>> {
  return store.db
    .select({ messageKey: imapMessages.messageKey, uid: imapMessages.uid })
    .from(imapMessages)
    .where(
      and(
        eq(imapMessages.mailboxKey, mailboxKey),
        eq(imapMessages.uidValidity, uidValidity),
        eq(imapMessages.status, 'stored'),
        gt(imapMessages.uid, afterUid),
      ),
    );
}
