/**
 * Ingest bookkeeping (issue 6): where each mailbox's catch-up scan resumes, which
 * messages and dropped files have already been stored, so a crash between
 * "stored" and "moved" neither loses nor duplicates anything on restart.
 * Keys are hashes and server ids only: no subject, sender or file name (PHI).
 */
import { bigint, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Resume point per watched mailbox (RFC 3501 §2.3.1.1: a UID is only meaningful with its UIDVALIDITY). */
export const imapMailboxState = pgTable('imap_mailbox_state', {
  /** `user@host/mailbox`, hashed: the account name can be an email address. */
  mailboxKey: text('mailbox_key').primaryKey(),
  uidValidity: bigint('uid_validity', { mode: 'number' }).notNull(),
  lastUid: bigint('last_uid', { mode: 'number' }).notNull().default(0),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const INGEST_MESSAGE_STATUSES = ['stored', 'attention', 'moved'] as const;
export type IngestMessageStatus = (typeof INGEST_MESSAGE_STATUSES)[number];

/** One row per message taken in, keyed by a hash of its Message-ID (or of its bytes when it has none). */
export const imapMessages = pgTable(
  'imap_messages',
  {
    mailboxKey: text('mailbox_key').notNull(),
    messageKey: text('message_key').notNull(),
    uidValidity: bigint('uid_validity', { mode: 'number' }).notNull(),
    uid: bigint('uid', { mode: 'number' }).notNull(),
    /** stored: documents are durable, the message still has to be moved; attention: nothing usable; moved: done. */
    status: text('status').$type<IngestMessageStatus>().notNull(),
    documentIds: uuid('document_ids').array().notNull(),
    errorCode: text('error_code'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.mailboxKey, t.messageKey] }), index('imap_messages_uid_idx').on(t.mailboxKey, t.uid)],
);

/** Dropped files already stored, keyed by folder and content hash (restart between store and move). */
export const dropFiles = pgTable(
  'drop_files',
  {
    folderKey: text('folder_key').notNull(),
    sha256: text('sha256').notNull(),
    documentId: uuid('document_id'),
    /** processed or failed */
    outcome: text('outcome').notNull(),
    errorCode: text('error_code'),
    sizeBytes: integer('size_bytes').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.folderKey, t.sha256] })],
);
