/** Normalisers and validators for every field format (shared/spec/referral-fields.md). */
import { describe, expect, it } from 'vitest';
import {
  dobProblem, findDate, isValidNpi, normalizeDate, normalizeField, normalizeIcd10, normalizeNpi, normalizePhone,
  normalizeProviderName, normalizeState, normalizeZip, npiCheckDigit, parseCityStateZip, parsePersonName, suggestIcd10,
  validateFieldValue, isCommonIcd10, icd10Description, isKnownCategory, looksTruncatedIcd10,
} from './index.ts';

const today = new Date('2025-11-15T00:00:00Z');

describe('dates', () => {
  it.each([
    ['03/14/1962', '1962-03-14'], ['3/14/1962', '1962-03-14'], ['03-14-1962', '1962-03-14'], ['1962-03-14', '1962-03-14'],
    ['03.14.1962', '1962-03-14'], ['March 14, 1962', '1962-03-14'], ['Mar 14 1962', '1962-03-14'], ['14 Mar 1962', '1962-03-14'],
    ['14-MAR-1962', '1962-03-14'], ['March 14th, 1962', '1962-03-14'], ['03141962', '1962-03-14'], ['O3/14/1962', '1962-03-14'],
  ])('reads %s', (raw, want) => {
    expect(normalizeDate(raw, { kind: 'dob', today })).toBe(want);
  });
  it('takes the most recent past century for a two-digit birth year, 20YY for a recent date', () => {
    expect(normalizeDate('3/14/62', { kind: 'dob', today })).toBe('1962-03-14');
    expect(normalizeDate('4/13/13', { kind: 'dob', today })).toBe('2013-04-13');
    expect(normalizeDate('4/3/25', { kind: 'recent', today })).toBe('2025-04-03');
  });
  it('reads day-first only when the first number cannot be a month', () => {
    expect(normalizeDate('25/12/1980', { kind: 'dob', today })).toBe('1980-12-25');
  });
  it('rejects impossible and implausible dates of birth', () => {
    expect(normalizeDate('02/30/1980', { kind: 'dob', today })).toBeNull();
    expect(dobProblem('2030-01-01', today)).toMatch(/future/);
    expect(dobProblem('1850-01-01', today)).toMatch(/implausibly old/);
    expect(dobProblem('1962-03-14', today)).toBeNull();
  });
  it('finds a date inside a sentence and says where', () => {
    const f = findDate('Ms. Jane Doe, DOB 3/14/1962, for', { kind: 'dob', today });
    expect(f?.value).toBe('1962-03-14');
    expect(f?.index).toBe(18);
  });
});

describe('NPI', () => {
  it('checks the Luhn digit with the 80840 prefix', () => {
    expect(isValidNpi('1234567893')).toBe(true);
    expect(isValidNpi('1234567890')).toBe(false);
    expect(npiCheckDigit('123456789')).toBe(3);
  });
  it('repairs O/0 and l/1 look-alikes, then checks', () => {
    expect(normalizeNpi('l23456789З')).toBeNull();
    expect(normalizeNpi('l2345678g3')).toBeNull();
    expect(normalizeNpi('I234S67893')).toBe('1234567893');
  });
  it('says why an NPI fails without echoing it', () => {
    expect(validateFieldValue('referringProvider.npi', '1234567890')).toBe('NPI checksum fails');
    expect(validateFieldValue('referringProvider.npi', '12345')).toBe('NPI must be 10 digits');
  });
});

describe('names with a credential-like family name', () => {
  it('keeps "Do" as a family name but drops "DO" and "M.D." as credentials', () => {
    expect(parsePersonName('Mr. James Do')).toEqual({ first: 'James', last: 'Do' });
    expect(normalizeProviderName('Sarah Montoya DO')).toBe('Sarah Montoya');
    expect(normalizeProviderName('Sarah Montoya M.D.')).toBe('Sarah Montoya');
  });

  it('drops OCR\'s look-alikes of the title "Dr." before a first and last name, not a name of two words', () => {
    expect(normalizeProviderName('Di. Elizabeth Okafor')).toBe('Elizabeth Okafor');
    expect(normalizeProviderName('Or. Elizabeth Okafor, MD')).toBe('Elizabeth Okafor');
    expect(normalizeProviderName('Di Okafor')).toBe('Di Okafor');
  });
});

describe('ICD-10-CM', () => {
  it('formats and repairs codes by position', () => {
    expect(normalizeIcd10('m545O')?.code).toBe('M54.50');
    expect(normalizeIcd10('E119')?.code).toBe('E11.9');
    expect(normalizeIcd10('S52.501A')?.code).toBe('S52.501A');
    expect(normalizeIcd10('I10')?.code).toBe('I10');
    expect(normalizeIcd10('1lO')?.code).toBe('I10');
    expect(normalizeIcd10('12345')).toBeNull();
  });
  it('only trusts a look-alike fix that lands on a listed code or category ("ZZZ" is not "Z2Z")', () => {
    expect(normalizeIcd10('ZZZ')).toBeNull();
    expect(normalizeField('referral.diagnosisCodes', 'ZZZ').valid).toBe(false);
    expect(normalizeIcd10('M5O')).toBeNull();
    expect(normalizeIcd10('El1.9')?.code).toBe('E11.9');
    // Unrepaired codes in the right format are kept (the list is not exhaustive) but flagged elsewhere.
    expect(normalizeIcd10('Q99.99')?.code).toBe('Q99.99');
  });
  it('spots a bare category that probably lost its decimals', () => {
    expect(looksTruncatedIcd10('M54')).toBe(true);
    expect(looksTruncatedIcd10('I10')).toBe(false);
    expect(looksTruncatedIcd10('M54.50')).toBe(false);
    expect(isKnownCategory('M17')).toBe(true);
  });
  it('knows common codes and suggests one look-alike away', () => {
    expect(isCommonIcd10('M17.11')).toBe(true);
    expect(icd10Description('I10')).toMatch(/hypertension/i);
    expect(suggestIcd10('M17.11')).toEqual(['M17.11']);
    expect(suggestIcd10('M17.I1')).toEqual(['M17.11']);
    expect(suggestIcd10('Q99.99')).toEqual([]);
  });
  it('normalises a list field', () => {
    expect(normalizeField('referral.diagnosisCodes', 'm54.50, i10')).toEqual({ value: ['M54.50', 'I10'], valid: true });
    expect(validateFieldValue('referral.diagnosisCodes', ['M54.50', 'XYZ'])).toBe('not an ICD-10-CM code');
  });
});

describe('phones, states, ZIP', () => {
  it.each([['(512) 774-0152', '5127740152'], ['512.774.0152', '5127740152'], ['1-512-774-0152', '5127740152'], ['5l2-774-Ol52', '5127740152'], ['512-774-0152 ext 12', '5127740152']])('phone %s', (raw, want) => {
    expect(normalizePhone(raw)).toBe(want);
  });
  it('rejects numbers outside the NANP', () => {
    expect(normalizePhone('(112) 774-0152')).toBeNull();
    expect(normalizePhone('774-0152')).toBeNull();
  });
  it('maps states by code and name, and ZIP+4 to 5 digits', () => {
    expect(normalizeState('tx')).toBe('TX');
    expect(normalizeState('Texas')).toBe('TX');
    expect(normalizeState('New York')).toBe('NY');
    expect(normalizeState('XX')).toBeNull();
    expect(normalizeState('lowa')).toBe('IA');
    expect(normalizeState('lllinois')).toBe('IL');
    expect(normalizeState('ldaho')).toBe('ID');
    expect(parseCityStateZip('Des Moines, lowa 50399')).toEqual({ city: 'Des Moines', state: 'IA', postalCode: '50399' });
    expect(normalizeZip('78731-1234')).toBe('78731');
    expect(normalizeZip('7873')).toBeNull();
    expect(parseCityStateZip('Round Rock, TX 78664-1234')).toEqual({ city: 'Round Rock', state: 'TX', postalCode: '78664' });
  });
});

describe('names', () => {
  it.each([
    ['Doe, Jane A.', { first: 'Jane', middle: 'A', last: 'Doe' }],
    ['Jane A. Doe', { first: 'Jane', middle: 'A', last: 'Doe' }],
    ['DOE, JANE A', { first: 'JANE', middle: 'A', last: 'DOE' }],
    ['Ms. Jane Doe', { first: 'Jane', last: 'Doe' }],
    ['John Smith Jr.', { first: 'John', last: 'Smith' }],
    ['Michael Van Dyke', { first: 'Michael', last: 'Van Dyke' }],
    // The comma OCR read as a period or a semicolon.
    ['Walker. Lisa', { first: 'Lisa', last: 'Walker' }],
    ['Ng; Ashley K', { first: 'Ashley', middle: 'K', last: 'Ng' }],
    // ... but not a title, a particle or an initial.
    ['Dr. Lisa Walker', { first: 'Lisa', last: 'Walker' }],
    ['St. John Rivers', { first: 'St', middle: 'John', last: 'Rivers' }],
    ['J. Robert Smith', { first: 'J', middle: 'Robert', last: 'Smith' }],
    // A typographic apostrophe is the plain one.
    ['D’Andre O’Brien', { first: "D'Andre", last: "O'Brien" }],
  ])('parses %s', (raw, want) => {
    expect(parsePersonName(raw)).toEqual(want);
  });
  it('drops titles, credentials and middle initials from provider names', () => {
    expect(normalizeProviderName('Dr. Sarah Montoya, MD')).toBe('Sarah Montoya');
    expect(normalizeProviderName('Sarah L. Montoya, MD, FACP')).toBe('Sarah Montoya');
    expect(normalizeProviderName('Montoya, Sarah NP')).toBe('Sarah Montoya');
    expect(validateFieldValue('referringProvider.name', 'Dr. Sarah Montoya')).toMatch(/without credentials/);
  });
});

describe('normalizeField', () => {
  it('returns the normal form and validity per field', () => {
    expect(normalizeField('patient.sex', 'Female')).toEqual({ value: 'F', valid: true });
    expect(normalizeField('referral.urgency', 'ASAP')).toEqual({ value: 'urgent', valid: true });
    expect(normalizeField('insurance.memberId', 'w 993 297 588')).toEqual({ value: 'W993297588', valid: true });
    expect(normalizeField('patient.dob', '3/14/1962', { today })).toEqual({ value: '1962-03-14', valid: true });
    expect(normalizeField('patient.middleName', 'A.')).toEqual({ value: 'A', valid: true });
    const bad = normalizeField('patient.dob', 'yesterday', { today });
    expect(bad.valid).toBe(false);
    expect(bad.problem).toBe('not a recognised date');
  });
  it('never echoes the value in a problem', () => {
    const p = validateFieldValue('patient.phone', '555-CALL-NOW');
    expect(p).not.toContain('555');
  });
});
