/**
 * What the matcher remembers: reviewer decisions ("this is MRN X", "not MRN X",
 * "a new patient"), keyed by a hash of the normalised demographics so a later
 * referral for the same person gets the human's answer instead of the model's.
 * The key is a SHA-256 of normalised name + DOB: no patient data in clear here.
 */
import { bigserial, boolean, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const matchReviewerDecisions = pgTable(
  'match_reviewer_decisions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    demographicsKey: text('demographics_key').notNull(),
    /** Linked to this MRN. */
    mrn: text('mrn'),
    /** "Not this patient". */
    notMrn: text('not_mrn'),
    /** The reviewer said: a new patient. */
    newPatient: boolean('new_patient').notNull().default(false),
    actor: text('actor').notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('match_reviewer_decisions_key_idx').on(t.demographicsKey)],
);
