/**
 * The default EHR patient source: a table in the service's own store, loaded with
 * `intake ehr load FILE.csv` (upsert by MRN). Real deployments may read the EHR's
 * own database instead (src/match/ehr-source.ts).
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
    phone: text('phone'),
    addressLine1: text('address_line1'),
    city: text('city'),
    state: text('state'),
    postalCode: text('postal_code'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('ehr_patients_dob_idx').on(t.dob), index('ehr_patients_last_name_idx').on(t.lastName)],
);
