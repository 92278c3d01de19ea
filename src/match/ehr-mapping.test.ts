// EHR_MAPPING parsing: every malformed mapping fails with EHR_MAPPING_INVALID and says what is wrong.
import { describe, expect, it } from 'vitest';
import { isIntakeError } from '../core/errors.ts';
import { parseEhrMapping } from './ehr-source.ts';

function errorOf(json: string | undefined): Error {
  try {
    parseEhrMapping(json);
  } catch (err) {
    expect(isIntakeError(err, 'EHR_MAPPING_INVALID')).toBe(true);
    return err as Error;
  }
  throw new Error('expected a failure');
}

describe('parseEhrMapping', () => {
  it('accepts a complete mapping', () => {
    const m = parseEhrMapping(JSON.stringify({ table: 'public.patients', columns: { mrn: 'id', firstName: 'fn', lastName: 'ln', dob: 'bd' } }));
    expect(m.columns.mrn).toBe('id');
  });
  it('names each problem', () => {
    expect(errorOf(undefined).message).toContain('EHR_MAPPING is missing');
    expect(errorOf('{not json').message).toContain('not valid JSON');
    expect(errorOf(JSON.stringify({ table: 'p', columns: { mrn: 'id', firstName: 'f' } })).message).toContain('must map lastName, dob');
    expect(errorOf(JSON.stringify({ table: 'p; drop table x', columns: { mrn: 'a', firstName: 'b', lastName: 'c', dob: 'd' } })).message).toContain('table');
    expect(errorOf(JSON.stringify({ table: 'p', columns: { mrn: 'a', firstName: 'b', lastName: 'c', dob: 'd', shoeSize: 'e' } })).message).toContain('columns');
  });
});
