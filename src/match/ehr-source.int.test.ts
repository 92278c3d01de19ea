// The external, read-only EHR source on the real PostgreSQL: a foreign table and
// column mapping (EHR_DATABASE_URL + EHR_MAPPING), matching through it, and the
// clear start-up failure of a mapping naming a missing table or column.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePatients } from '../../bench/match-synth.ts';
import { testConfig } from '../config/config.ts';
import { isIntakeError } from '../core/errors.ts';
import { createTestDatabase, openTestStore, postgresAvailable, type TestStore } from '../../test/helpers/db.ts';
import { ehrPatients } from '../store/schema/ehr.ts';
import { createMatcher } from './index.ts';

const MAPPING = {
  table: 'emr.patient_master',
  columns: { mrn: 'chart_no', firstName: 'given', middleName: 'middle', lastName: 'family', dob: 'birth_date', sex: 'gender', phone: 'tel', postalCode: 'zip' },
};

describe.runIf(postgresAvailable())('external EHR source on the real PostgreSQL', () => {
  let ehr: { url: string; drop(): Promise<void> };
  let store: TestStore;

  beforeAll(async () => {
    ehr = await createTestDatabase();
    const sql = postgres(ehr.url, { max: 1, onnotice: () => {} });
    try {
      await sql.unsafe(`create schema emr; create table emr.patient_master (
        chart_no text primary key, given text not null, middle text, family text not null,
        birth_date date, gender text, tel text, zip text, created timestamptz default now())`);
      const rows = [...generatePatients(800, 11)].map((p) => ({
        chart_no: p.mrn, given: p.firstName, middle: p.middleName, family: p.lastName, birth_date: p.dob, gender: p.sex,
        tel: p.phone ? `(${p.phone.slice(0, 3)}) ${p.phone.slice(3, 6)}-${p.phone.slice(6)}` : null, zip: p.postalCode,
      }));
      rows.push({ chart_no: 'C-1', given: 'Ophelia', middle: 'May', family: 'Thistlewood', birth_date: '1972-10-03', gender: 'F', tel: '(512) 555-0199', zip: '78701' });
      await sql`insert into emr.patient_master ${sql(rows)}`;
    } finally {
      await sql.end();
    }
    store = await openTestStore('pglite');
  });

  afterAll(async () => {
    await store?.close();
    await ehr?.drop();
  });

  it('matches through the mapping, with plain-column blocking', async () => {
    const matcher = await createMatcher({ store, config: testConfig({ EHR_DATABASE_URL: ehr.url, EHR_MAPPING: JSON.stringify(MAPPING) }) });
    try {
      expect(await matcher.match({ firstName: 'Ophelia', lastName: 'Thistlewood', dob: '1972-10-03', sex: 'F' })).toMatchObject({ decision: 'match', mrn: 'C-1' });
      // Phone formatted differently in the EHR; DOB with a digit typo found by surname + DOB variants.
      const typo = await matcher.match({ firstName: 'Ophelia', lastName: 'THISTLEWOOD', dob: '1972-10-08', phone: '5125550199' });
      expect(typo.candidates[0]?.mrn).toBe('C-1');
      expect(await matcher.match({ firstName: 'Quentin', lastName: 'Marblethorpe', dob: '1949-01-30' })).toMatchObject({ decision: 'new' });
    } finally {
      await matcher.close();
    }
    // The service's own ehr_patients stayed empty: the EHR is read in place, never copied.
    const own = await store.db.select().from(ehrPatients);
    expect(own).toHaveLength(0);
  });

  it('rejects writes on its connection (read-only sessions)', async () => {
    // The matcher's sessions are opened with default_transaction_read_only; prove the setting is honoured by this server.
    const sql = postgres(ehr.url, { max: 1, onnotice: () => {}, connection: { default_transaction_read_only: true } });
    try {
      await expect(sql`insert into emr.patient_master (chart_no, given, family) values ('X', 'A', 'B')`).rejects.toMatchObject({ code: '25006' });
    } finally {
      await sql.end();
    }
  });

  it('fails at start, naming the missing column', async () => {
    const bad = { ...MAPPING, columns: { ...MAPPING.columns, phone: 'telephone_number' } };
    const err = await createMatcher({ store, config: testConfig({ EHR_DATABASE_URL: ehr.url, EHR_MAPPING: JSON.stringify(bad) }) }).catch((e: unknown) => e);
    expect(isIntakeError(err, 'EHR_MAPPING_INVALID')).toBe(true);
    expect((err as Error).message).toContain('phone → "telephone_number"');
  });

  it('fails at start on a missing table', async () => {
    const err = await createMatcher({ store, config: testConfig({ EHR_DATABASE_URL: ehr.url, EHR_MAPPING: JSON.stringify({ ...MAPPING, table: 'emr.nope' }) }) }).catch((e: unknown) => e);
    expect(isIntakeError(err, 'EHR_MAPPING_INVALID')).toBe(true);
    expect((err as Error).message).toContain('emr.nope');
  });
});
