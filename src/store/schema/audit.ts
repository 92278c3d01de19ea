/**
 * The audit trail (HIPAA §164.312(b)): one row per read or change of patient
 * data. Rows are hash-chained (each hash covers the previous one) and the table
 * refuses UPDATE and DELETE through a trigger in a custom migration
 * (drizzle/*_audit-append-only.sql), so `intake audit verify` detects an edit or
 * removal made by someone who bypassed the trigger.
 */
import { bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
    /** `user:NAME`, `pipeline:WORKER`, `cli:COMMAND`. */
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    /** e.g. `Document/UUID`, `queue`, `User/NAME`. */
    resource: text('resource').notNull(),
    outcome: text('outcome').$type<AuditOutcome>().notNull(),
    clientAddress: text('client_address'),
    /** Non-PHI details: ids, codes, counts, field keys. */
    details: jsonb('details').$type<Record<string, unknown>>(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('audit_events_resource_idx').on(t.resource), index('audit_events_at_idx').on(t.at)],
);
