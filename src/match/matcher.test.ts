// The matcher end to end on a fresh store per backend: twins, Jr./Sr., nickname,
// swapped DOB, hyphenated and married surnames, vetoes, remembered reviewer
// decisions, and the CSV loader's upsert. The population is generated here (no
// corpus files): 1,500 filler patients plus hand-made hazards with rare surnames.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_HEADER, csvLine, generatePatients } from '../../bench/match-synth.ts';
import { inArray } from 'drizzle-orm';
import { testConfig } from '../config/config.ts';
import { ehrPatients } from '../store/schema/ehr.ts';
import { isIntakeError } from '../core/errors.ts';
import { openTestStore, tempDir, testBackends, type TestStore } from '../../test/helpers/db.ts';
import { createMatcher, loadEhrCsv, recordReviewerDecision, type Matcher } from './index.ts';

const HAZARDS = `
MRNT01,Robert,Allen,Quillfeather,1961-04-09,M,512-555-0101,12 Oak St,Austin,TX,78701
MRNT02,Anna,Marie,Brightwater,1990-06-15,F,5125550202,5 Elm St,Austin,TX,78702
MRNT03,Claire,,Brightwater,1990-06-15,F,5125550202,5 Elm St,Austin,TX,78702
MRNT04,John,Paul,Ashcombe,1950-02-11,M,5125550404,9 Mill Rd,Waco,TX,76701
MRNT05,John,Paul,Ashcombe Jr,1978-08-30,M,5125550404,9 Mill Rd,Waco,TX,76701
MRNT06,Maria,Elena,Castellanos-Whitby,1975-03-02,F,5125550606,"1 Main St, Apt 2",Austin,TX,78703
MRNT07,Elizabeth,Rose,Pemberton,1983-12-07,F,5125550707,3 Pine Ln,Austin,TX,78704
MRNT08,Sarah,Jane,Holloway,1988-05-05,F,5125550808,4 Cedar Cv,Austin,TX,78705
MRNT09,Anna,,Fairweather,2001-09-17,F,5125550909,8 Lake Dr,Austin,TX,78706
MRNT10,Hannah,,Fairweather,2001-09-17,F,5125550909,8 Lake Dr,Austin,TX,78706
MRNT11,Andrea,M,Oakenshield,1939-05-05,F,5125551111,9 Sunset Ave,Austin,TX,78703
`.trim();

function writeFixture(dir: string): string {
  const file = path.join(dir, 'ehr.csv');
  const filler = [...generatePatients(1_500, 7)].map(csvLine).join('\n');
  fs.writeFileSync(file, `${CSV_HEADER}\n${HAZARDS}\n${filler}\n`);
  return file;
}

describe.each(testBackends())('matcher on %s', (backend) => {
  let store: TestStore;
  let matcher: Matcher;
  let csv: string;

  beforeAll(async () => {
    store = await openTestStore(backend);
    csv = writeFixture(tempDir());
    const loaded = await loadEhrCsv(store, csv);
    expect(loaded).toMatchObject({ rows: 1_511, inserted: 1_511, updated: 0, skipped: 0 });
    matcher = await createMatcher({ store, config: testConfig() });
  });

  afterAll(async () => {
    await matcher?.close();
    await store?.close();
  });

  it('links an exact match and explains every comparison', async () => {
    const d = await matcher.match({ firstName: 'Robert', lastName: 'Quillfeather', dob: '1961-04-09', sex: 'M', phone: '5125550101' });
    expect(d).toMatchObject({ decision: 'match', mrn: 'MRNT01' });
    expect(d.candidates[0]?.probability).toBeGreaterThanOrEqual(0.999);
    const fields = Object.fromEntries(d.candidates[0]!.comparisons!.map((c) => [c.field, c.level]));
    expect(fields).toMatchObject({ firstName: 'exact', lastName: 'exact', dob: 'exact', sex: 'agree', phone: 'exact' });
  });

  it('says which values the linked chart confirms, and only those', async () => {
    const exact = await matcher.match({ firstName: 'robert', middleName: 'Allen', lastName: 'QUILLFEATHER', dob: '1961-04-09', sex: 'M', phone: '5125550101' });
    expect(exact).toMatchObject({ decision: 'match', mrn: 'MRNT01' });
    expect([...exact.confirms!].sort()).toEqual(['dob', 'firstName', 'lastName', 'middleName', 'phone', 'sex']);
    const otherPhone = await matcher.match({ firstName: 'Robert', lastName: 'Quillfeather', dob: '1961-04-09', sex: 'M', phone: '5125559999', postalCode: '78701' });
    expect(otherPhone.decision).toBe('match');
    expect(otherPhone.confirms).toContain('postalCode');
    expect(otherPhone.confirms).not.toContain('phone');
    // A nickname links, but "Bob" is not what the chart says: the first name is not confirmed.
    const nick = await matcher.match({ firstName: 'Bob', lastName: 'Quillfeather', dob: '1961-04-09', sex: 'M', phone: '5125550101' });
    if (nick.decision === 'match') expect(nick.confirms).not.toContain('firstName');
    const none = await matcher.match({ firstName: 'Zebulon', lastName: 'Unheardofname', dob: '1933-01-01' });
    expect(none.decision).not.toBe('match');
    expect(none.confirms).toBeUndefined();
  });

  it('links a nickname, a swapped DOB, a hyphenated and a married surname', async () => {
    expect(await matcher.match({ firstName: 'Bob', lastName: 'QUILLFEATHER', dob: '1961-04-09', sex: 'M' })).toMatchObject({ decision: 'match', mrn: 'MRNT01' });
    expect(await matcher.match({ firstName: 'Robert', lastName: 'Quillfeather', dob: '1961-09-04', phone: '5125550101', postalCode: '78701' })).toMatchObject({ decision: 'match', mrn: 'MRNT01' });
    expect(await matcher.match({ firstName: 'Liz', middleName: 'R', lastName: 'Pemberton', dob: '1983-12-07' })).toMatchObject({ decision: 'match', mrn: 'MRNT07' });
    expect(await matcher.match({ firstName: 'Maria', lastName: 'Castellanos', dob: '1975-03-02', sex: 'F' })).toMatchObject({ decision: 'match', mrn: 'MRNT06' });
    const married = await matcher.match({ firstName: 'Sarah', middleName: 'Jane', lastName: 'Kingsley', dob: '1988-05-05', sex: 'F', phone: '5125550808' });
    expect(married.decision === 'match' ? married.mrn : married.candidates[0]?.mrn).toBe('MRNT08');
  });

  it('tells twins apart by first name and never links a third sibling', async () => {
    expect(await matcher.match({ firstName: 'Anna', lastName: 'Brightwater', dob: '1990-06-15', sex: 'F' })).toMatchObject({ decision: 'match', mrn: 'MRNT02' });
    expect(await matcher.match({ firstName: 'Claire', lastName: 'Brightwater', dob: '1990-06-15' })).toMatchObject({ decision: 'match', mrn: 'MRNT03' });
    const sibling = await matcher.match({ firstName: 'Sophia', lastName: 'Brightwater', dob: '1990-06-15', sex: 'F', phone: '5125550202' });
    expect(sibling.decision).not.toBe('match');
  });

  it('reviews twins whose names could be one another (Anna/Hannah)', async () => {
    const d = await matcher.match({ firstName: 'Anna', lastName: 'Fairweather', dob: '2001-09-17', sex: 'F' });
    expect(d.decision).toBe('review');
    expect(d.candidates.slice(0, 2).map((c) => c.mrn).sort()).toEqual(['MRNT09', 'MRNT10']);
    const hannah = await matcher.match({ firstName: 'Annie', lastName: 'Fairweather', dob: '2001-09-17' });
    expect(hannah.decision).toBe('review');
    expect(hannah.vetoes).toContain('possible_twin_in_ehr');
  });

  it('keeps Jr. and Sr. apart', async () => {
    expect(await matcher.match({ firstName: 'John', lastName: 'Ashcombe Jr.', dob: '1978-08-30' })).toMatchObject({ decision: 'match', mrn: 'MRNT05' });
    expect(await matcher.match({ firstName: 'John', middleName: 'Paul', lastName: 'Ashcombe', dob: '1950-02-11' })).toMatchObject({ decision: 'match', mrn: 'MRNT04' });
    const conflict = await matcher.match({ firstName: 'John', middleName: 'Paul', lastName: 'Ashcombe', suffix: 'Sr', dob: '1978-08-30', phone: '5125550404' });
    expect(conflict.decision).toBe('review');
    expect(conflict.vetoes).toContain('suffix_conflict');
    const grandson = await matcher.match({ firstName: 'John', middleName: 'Paul', lastName: 'Ashcombe', dob: '2004-10-21', phone: '5125550404' });
    expect(grandson.decision).not.toBe('match');
  });

  it('vetoes a same-DOB household member with another first name', async () => {
    const d = await matcher.match({ firstName: 'Peter', lastName: 'Quillfeather', dob: '1961-04-09', phone: '5125550101' });
    expect(d.decision).toBe('review');
    expect(d.vetoes).toContain('same_dob_household_different_first_name');
  });

  it('does not let a similar first name plus household evidence link a sibling (Sandra/Andrea)', async () => {
    const d = await matcher.match({ firstName: 'Sandra', lastName: 'Oakenshield', dob: '1939-05-05', sex: 'F', phone: '5125551111' });
    expect(d.decision).toBe('review');
    expect(d.vetoes).toContain('same_dob_household_different_first_name');
    const phone = d.candidates[0]?.comparisons?.find((c) => c.field === 'phone');
    expect(phone).toMatchObject({ level: 'exact', weight: 0 });
  });

  it('links a one-keystroke first-name typo only when the sex agrees', async () => {
    const typo = { firstName: 'Andria', lastName: 'Oakenshield', dob: '1939-05-05', phone: '5125551111' };
    expect(await matcher.match({ ...typo, sex: 'F' })).toMatchObject({ decision: 'match', mrn: 'MRNT11' });
    const noSex = await matcher.match(typo);
    expect(noSex.decision).toBe('review');
    expect(noSex.candidates[0]?.comparisons?.find((c) => c.field === 'firstName')?.level).toBe('typo');
  });

  it('vetoes two different MRNs claimed', async () => {
    const d = await matcher.match({ firstName: 'Robert', lastName: 'Quillfeather', dob: '1961-04-09', mrn: 'MRNT07' });
    expect(d.decision).toBe('review');
    expect(d.vetoes).toContain('different_mrn_claimed');
  });

  it('says new for an unknown patient, never for an exact name and DOB', async () => {
    expect(await matcher.match({ firstName: 'Zebulon', lastName: 'Farquharsonn', dob: '1944-07-07', sex: 'M' })).toMatchObject({ decision: 'new', mrn: null });
    const exactButOddSex = await matcher.match({ firstName: 'Robert', lastName: 'Quillfeather', dob: '1961-04-09', sex: 'F' });
    expect(exactButOddSex.decision).toBe('review');
    expect(exactButOddSex.vetoes).toContain('sex_conflict');
  });

  it('reviews when the candidate search was cut off', async () => {
    const capped = await createMatcher({ store, config: testConfig({ MATCH_CANDIDATE_LIMIT: '1' }) });
    try {
      const d = await capped.match({ firstName: 'Anna', lastName: 'Brightwater', dob: '1990-06-15', sex: 'F' });
      expect(d.decision).toBe('review');
      expect(d.vetoes).toContain('candidate_search_truncated');
    } finally {
      await capped.close();
    }
  });

  it('never throws on hostile input', async () => {
    for (const input of [{}, { firstName: 42, dob: 'not a date' }, { lastName: "O'Brien-\u0000\u202e", dob: '0000-00-00' }, null, { firstName: 'x'.repeat(10_000) }]) {
      const d = await matcher.match(input as never);
      expect(['review', 'new']).toContain(d.decision);
    }
  });

  it('remembers reviewer decisions over the model', async () => {
    const sophia = { firstName: 'Sophia', lastName: 'Brightwater', dob: '1990-06-15' };
    await recordReviewerDecision(store, sophia, { notMrn: 'MRNT02' }, 'reviewer-1');
    await recordReviewerDecision(store, sophia, { notMrn: 'MRNT03' }, 'reviewer-1');
    const after = await matcher.match(sophia);
    expect(after.candidates.map((c) => c.mrn)).not.toContain('MRNT02');
    expect(after.candidates.map((c) => c.mrn)).not.toContain('MRNT03');

    const peter = { firstName: 'Peter', lastName: 'Quillfeather', dob: '1961-04-09' };
    await recordReviewerDecision(store, peter, { mrn: 'MRNT01' }, 'reviewer-2');
    expect(await matcher.match(peter)).toMatchObject({ decision: 'match', mrn: 'MRNT01', reason: 'reviewer_decision' });
    await recordReviewerDecision(store, peter, { newPatient: true }, 'reviewer-2');
    expect(await matcher.match(peter)).toMatchObject({ decision: 'new', reason: 'reviewer_decision' });

    const ghost = { firstName: 'Zebulon', lastName: 'Farquharsonn', dob: '1944-07-07' };
    await recordReviewerDecision(store, ghost, { mrn: 'MRN-REMOVED' }, 'reviewer-3');
    expect((await matcher.match(ghost)).mrn).not.toBe('MRN-REMOVED');

    await expect(recordReviewerDecision(store, { firstName: 'Only' }, { newPatient: true }, 'r')).rejects.toSatisfy((e) => isIntakeError(e, 'BAD_REQUEST'));
  });

  it('re-loading updates by MRN and skips rows without one', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'update.csv');
    fs.writeFileSync(file, `${CSV_HEADER}\nMRNT07,Elizabeth,Rose,Pemberton-Hale,1983-12-07,F,5125550777,3 Pine Ln,Austin,TX,78704\n,No,,Mrn,1990-01-01,F,,,,,\nMRNT99,New,,Person,2001-02-03,X,,,,,\n`);
    const r = await loadEhrCsv(store, file);
    expect(r).toMatchObject({ rows: 2, inserted: 1, updated: 1, skipped: 1 });
    const rows = await store.db.select().from(ehrPatients).where(inArray(ehrPatients.mrn, ['MRNT07', 'MRNT99']));
    const byMrn = Object.fromEntries(rows.map((row) => [row.mrn, row]));
    expect(byMrn.MRNT07).toMatchObject({ lastName: 'Pemberton-Hale', phone: '5125550777', lastNameKey: 'PEMBERTONHALE' });
    expect(byMrn.MRNT99).toMatchObject({ firstName: 'New', sex: 'X', dob: '2001-02-03' });
  });
});
