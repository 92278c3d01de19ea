/**
 * The FHIR hand-off outbox: one row per accepted referral, written in the same
 * transaction as the acceptance (STYLE.md §9), delivered by the outbox loop in
 * src/fhir/deliverer.ts with backoff and dead-lettered after FHIR_MAX_ATTEMPTS.
 */
import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { documents } from './documents.ts';

export const OUTBOX_STATES = ['pending', 'delivered', 'dead'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

export const fhirOutbox = pgTable(
  'fhir_outbox',
  {
    documentId: uuid('document_id')
      .primaryKey()
      .references(() => documents.id),
    /** The transaction Bundle as built at acceptance (PHI). */
    bundle: jsonb('bundle').$type<Record<string, unknown>>().notNull(),
    state: text('state').$type<OutboxState>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastErrorCode: text('last_error_code'),
    /** Non-PHI: HTTP status or error class of the last failure. */
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [index('fhir_outbox_due_idx').on(t.state, t.nextAttemptAt)],
);
