// Normal forms and the CSV reader: suffixes, phones, DOBs and their typo variants; quoted CSV fields.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/db.ts';
import { readCsvRecords } from './csv.ts';
import { areNicknames } from './nicknames.ts';
import { dobVariants, normalizeDemographics, normalizeDob, normalizePhone, swapDayMonth } from './normalize.ts';

describe('normalizeDemographics', () => {
  it('splits generational suffixes from names', () => {
    expect(normalizeDemographics({ firstName: 'John', lastName: 'Smith Jr.' })).toMatchObject({ last: 'SMITH', suffix: 'JR' });
    expect(normalizeDemographics({ lastName: "O'Neil III" })).toMatchObject({ last: 'ONEIL', suffix: 'III' });
    expect(normalizeDemographics({ lastName: 'Garcia-López' })).toMatchObject({ last: 'GARCIALOPEZ', lastParts: ['GARCIA', 'LOPEZ'] });
    expect(normalizeDemographics({ lastName: 'Smith', suffix: 'Sr.' }).suffix).toBe('SR');
  });
  it('normalises phones and dates, and rejects what is not one', () => {
    expect(normalizePhone('1 (512) 555-0101')).toBe('5125550101');
    expect(normalizePhone('555-0101')).toBeNull();
    expect(normalizeDob('04/09/1961')).toBe('1961-04-09');
    expect(normalizeDob('1961-02-29')).toBeNull();
    expect(normalizeDob('1960-02-29')).toBe('1960-02-29');
  });
  it('never throws on odd values', () => {
    expect(() => normalizeDemographics({ firstName: {} as never, dob: 7 as never, phone: [] as never, sex: 'ü' })).not.toThrow();
  });
});

describe('DOB variants and nicknames', () => {
  it('lists swaps, transpositions and one-digit typos', () => {
    expect(swapDayMonth('1961-04-09')).toBe('1961-09-04');
    expect(swapDayMonth('1961-04-29')).toBeNull();
    const v = dobVariants('1961-04-09');
    expect(v).toEqual(expect.arrayContaining(['1961-04-09', '1961-09-04', '1916-04-09', '1961-04-08', '1971-04-09']));
    expect(v.every((d) => /^\d{4}-\d{2}-\d{2}$/.test(d))).toBe(true);
  });
  it('knows common nicknames both ways', () => {
    expect(areNicknames('BOB', 'ROBERT')).toBe(true);
    expect(areNicknames('ELIZABETH', 'LIZ')).toBe(true);
    expect(areNicknames('ROBERT', 'MARY')).toBe(false);
  });
});

describe('readCsvRecords', () => {
  it('reads quoted fields, doubled quotes, CRLF and a BOM', async () => {
    const file = path.join(tempDir(), 'x.csv');
    fs.writeFileSync(file, '\ufeffmrn,address\r\nM1,"1 Main St, Apt ""B"""\r\nM2,"two\nlines"\n\nM3,last');
    const rows: string[][] = [];
    for await (const r of readCsvRecords(file)) rows.push(r);
    expect(rows).toEqual([['mrn', 'address'], ['M1', '1 Main St, Apt "B"'], ['M2', 'two\nlines'], ['M3', 'last']]);
  });
});
