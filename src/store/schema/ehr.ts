/**
 * The default EHR patient source: a table in the service's own store, loaded with
 * `intake ehr load FILE.csv` (upsert by MRN). Real deployments may read the EHR's
 * own database instead (src/match/ehr-source.ts).
 *
 * Besides the CSV columns, the loader computes blocking keys in JS (portable: no
 * database extension needed): the Double Metaphone code of the last name, the
 * normalised last name (term frequencies) and the suffix (Jr./Sr./II...). The
 * indexes serve the blocking queries of src/match/blocking.ts.
 */
import { date, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const ehrPatients = pgTable(
  'ehr_patients',
  {
    mrn: text('mrn').primaryKey(),
    firstName: text('first_name').notNull(),
    middleName: text('middle_name'),
    lastName: text('last_name').notNull(),
    dob: date('dob', { mode: 'string' }),
    sex: text('sex'),
    /** 10 digits, normalised at load. */
    phone: text('phone'),
    addressLine1: text('address_line1'),
    city: text('city'),
    state: text('state'),
    postalCode: text('postal_code'),
    /** Insurance member id when the practice's export has one (optional CSV column). */
    memberId: text('member_id'),
    /** Suffix found in the name columns (JR, SR, II, III, IV), normalised. */
    suffix: text('suffix'),
    /** Upper-case letters of the last name, without suffix (term frequency key). */
    lastNameKey: text('last_name_key'),
    /** Double Metaphone primary code of the last name (blocking key). */
    lastNameDm: text('last_name_dm'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('ehr_patients_dob_idx').on(t.dob),
    index('ehr_patients_last_name_idx').on(t.lastName),
    index('ehr_patients_dm_dob_idx').on(t.lastNameDm, t.dob),
    index('ehr_patients_phone_idx').on(t.phone),
    index('ehr_patients_member_id_idx').on(t.memberId),
  ],
);
