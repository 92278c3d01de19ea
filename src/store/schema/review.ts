/**
 * Review staff and their work: API users (bearer tokens stored only as SHA-256
 * hashes), claims that keep two reviewers off one item (they expire), and every
 * reviewer decision with its field corrections and patient choice, kept for good
 * as training signal for the extractor and as the audit of who decided what.
 */
import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { documents } from './documents.ts';

export const USER_ROLES = ['reviewer', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const apiUsers = pgTable('api_users', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  role: text('role').$type<UserRole>().notNull(),
  /** SHA-256 hex of the bearer token; the token itself is printed once and never stored. */
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

export const reviewClaims = pgTable('review_claims', {
  documentId: uuid('document_id')
    .primaryKey()
    .references(() => documents.id),
  userName: text('user_name').notNull(),
  claimedAt: timestamp('claimed_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});

export type ReviewOutcome = 'approved' | 'rejected';

/** One field correction: what the extractor said and what the reviewer set (PHI). */
export interface FieldCorrection {
  key: string;
  before: string | string[] | null;
  after: string | string[] | null;
}

/** The patient a reviewer chose: an existing MRN, or a new patient. */
export type PatientChoice = { mrn: string } | { newPatient: true };

export const reviewDecisions = pgTable(
  'review_decisions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id),
    userName: text('user_name').notNull(),
    outcome: text('outcome').$type<ReviewOutcome>().notNull(),
    /** The document version the decision was made against. */
    version: integer('version').notNull(),
    extractor: text('extractor'),
    corrections: jsonb('corrections').$type<FieldCorrection[]>().notNull().default([]),
    patient: jsonb('patient').$type<PatientChoice | null>(),
    /** The matcher's own decision at the time, for comparing with the reviewer's. */
    matcherMrn: text('matcher_mrn'),
    reason: text('reason'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('review_decisions_document_idx').on(t.documentId)],
);
