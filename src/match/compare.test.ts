// Each comparison level of each field (issue 5: "Each comparison level").
import { describe, expect, it } from 'vitest';
import { compareRecords, dobLevel } from './compare.ts';
import { normalizeDemographics } from './normalize.ts';
import type { Demographics } from './demographics.ts';

const base: Demographics = { firstName: 'Robert', middleName: 'Allen', lastName: 'Garcia', dob: '1961-04-09', sex: 'M', phone: '5125550101', postalCode: '78701', memberId: 'ABC123', mrn: 'MRN1' };
const levels = (q: Demographics, r: Demographics = base) => compareRecords(normalizeDemographics({ ...base, ...q }), normalizeDemographics(r));

describe('first name levels', () => {
  it.each([
    ['Robert', 'exact'],
    ['ROBERT', 'exact'],
    ['Bob', 'nickname'],
    ['Robret', 'typo'],
    ['Robter', 'jw_high'],
    ['Robreta', 'jw_mid'],
    ['R', 'initial'],
    ['Allen', 'middle_as_first'],
    ['Susan', 'disagree'],
  ])('%s → %s', (firstName, level) => {
    expect(levels({ firstName }).firstName).toBe(level);
  });
  it('is missing when either side lacks it', () => {
    expect(levels({ firstName: null }).firstName).toBe('missing');
    expect(levels({ firstName: '   ' }).firstName).toBe('missing');
  });
  it('sees first and last name written the wrong way round', () => {
    const l = levels({ firstName: 'Garcia', lastName: 'Robert' });
    expect(l.firstName).toBe('swapped');
    expect(l.lastName).toBe('swapped');
  });
});

describe('last name levels', () => {
  it.each([
    ['Garcia', 'exact'],
    ['garcia jr.', 'exact'],
    ['Garcia-Lopez', 'hyphen_part'],
    ['Lopez Garcia', 'hyphen_part'],
    ['Garica', 'jw_high'],
    ['Garcai', 'jw_high'],
    ['Garsia', 'phonetic'],
    ['Karsya', 'phonetic'],
    ['Thompson', 'disagree'],
  ])('%s → %s', (lastName, level) => {
    expect(levels({ lastName }).lastName).toBe(level);
  });
  it('hyphenated in the EHR, one part on the referral', () => {
    expect(levels({ lastName: 'Lopez' }, { ...base, lastName: 'Garcia-Lopez' }).lastName).toBe('hyphen_part');
  });
});

describe('date of birth levels', () => {
  it.each([
    ['1961-04-09', 'exact'],
    ['1961-09-04', 'swapped_day_month'],
    ['1916-04-09', 'transposed'],
    ['1961-04-27', 'disagree'],
    ['1961-04-08', 'one_digit'],
    ['1971-04-09', 'one_digit'],
    ['1962-05-09', 'disagree'],
    ['1985-11-23', 'disagree'],
  ])('%s → %s', (dob, level) => {
    expect(dobLevel(dob, '1961-04-09')).toBe(level);
  });
  it('transposition across the month/day boundary', () => {
    expect(dobLevel('1961-09-04', '1961-04-09')).toBe('swapped_day_month');
    expect(dobLevel('1961-12-01', '1961-10-21')).toBe('transposed');
  });
  it('is missing for a bad date', () => {
    expect(levels({ dob: '1961-02-30' }).dob).toBe('missing');
    expect(levels({ dob: 'yesterday' }).dob).toBe('missing');
  });
});

describe('other fields', () => {
  it('sex agrees, disagrees, or is unknown', () => {
    expect(levels({ sex: 'male' }).sex).toBe('agree');
    expect(levels({ sex: 'F' }).sex).toBe('disagree');
    expect(levels({ sex: 'U' }).sex).toBe('missing');
  });
  it('phone compares as 10 digits', () => {
    expect(levels({ phone: '(512) 555-0101' }).phone).toBe('exact');
    expect(levels({ phone: '+1 512 555 0101' }).phone).toBe('exact');
    expect(levels({ phone: '5125550199' }).phone).toBe('disagree');
    expect(levels({ phone: '555-0101' }).phone).toBe('missing');
  });
  it('ZIP exact, same 3-digit area, or different', () => {
    expect(levels({ postalCode: '78701-1234' }).postalCode).toBe('exact');
    expect(levels({ postalCode: '78758' }).postalCode).toBe('prefix3');
    expect(levels({ postalCode: '30327' }).postalCode).toBe('disagree');
  });
  it('middle name exact, initial, different', () => {
    expect(levels({ middleName: 'allen' }).middleName).toBe('exact');
    expect(levels({ middleName: 'A.' }).middleName).toBe('initial');
    expect(levels({ middleName: 'Brian' }).middleName).toBe('disagree');
  });
  it('member id and MRN', () => {
    expect(levels({ memberId: 'abc 123' }).memberId).toBe('exact');
    expect(levels({ memberId: 'XYZ' }).memberId).toBe('disagree');
    expect(levels({ mrn: 'mrn1' }).mrn).toBe('exact');
    expect(levels({ mrn: 'C-99' }).mrn).toBe('disagree');
  });
});
