/**
 * Documents and their processing state. The state machine lives on the row:
 * received → extracted → matched → in_review | accepted, or failed.
 * Work is claimed with FOR UPDATE SKIP LOCKED plus a lease (src/pipeline/claim.ts).
 */
import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uuid, boolean } from 'drizzle-orm/pg-core';

export const DOCUMENT_STATES = ['received', 'extracted', 'matched', 'in_review', 'accepted', 'failed'] as const;
export type DocumentState = (typeof DOCUMENT_STATES)[number];

export const documents = pgTable(
  'documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sha256: text('sha256').notNull().unique(),
    mediaType: text('media_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    /** Kind of the first source: upload, imap, drop, cli. */
    source: text('source').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    state: text('state').$type<DocumentState>().notNull().default('received'),
    stateChangedAt: timestamp('state_changed_at', { withTimezone: true }).notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true }),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    pageCount: integer('page_count'),
    documentType: text('document_type'),
    needsReview: boolean('needs_review'),
    /** Extraction (src/extract/extraction.ts), PHI: never logged. */
    extraction: jsonb('extraction'),
    /** MatchDecision (src/match/demographics.ts). */
    matchDecision: jsonb('match_decision'),
    /** Why the document is in review: low_confidence, uncertain_match, not_referral, possible_duplicate. */
    reviewReasons: text('review_reasons').array(),
    /** Optimistic-concurrency version for reviewer edits. */
    version: integer('version').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('documents_claim_idx').on(t.state, t.nextAttemptAt),
    index('documents_state_changed_idx').on(t.state, t.stateChangedAt),
  ],
);

/** Every time a document's bytes arrive, from any source (re-receipt is idempotent). */
export const documentReceipts = pgTable(
  'document_receipts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id),
    source: text('source').notNull(),
    /** Non-PHI source reference: message id, sender hash, subject hash, drop file hash... */
    sourceRef: jsonb('source_ref').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('document_receipts_document_idx').on(t.documentId)],
);

/** State transitions, for latency figures and the history of a document. */
export const documentEvents = pgTable(
  'document_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id),
    fromState: text('from_state'),
    toState: text('to_state').notNull(),
    stage: text('stage').notNull(),
    attempt: integer('attempt').notNull().default(0),
    durationMs: integer('duration_ms'),
    workerId: text('worker_id'),
    errorCode: text('error_code'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('document_events_document_idx').on(t.documentId)],
);
