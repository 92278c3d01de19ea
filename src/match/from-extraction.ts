/**
 * The matcher's input from an extraction: the patient.* fields (and the member
 * id) as the document gives them.
 */
import type { Extraction } from '../extract/extraction.ts';
import type { FieldKey } from '../extract/fields.ts';
import type { Demographics } from './demographics.ts';

function text(extraction: Extraction, key: FieldKey): string | null {
  const value = extraction.fields?.[key]?.value;
  if (typeof value === 'string') return value.trim() || null;
  return null;
}

export function demographicsFromExtraction(extraction: Extraction): Demographics {
  return {
    firstName: text(extraction, 'patient.firstName'),
    middleName: text(extraction, 'patient.middleName'),
    lastName: text(extraction, 'patient.lastName'),
    dob: text(extraction, 'patient.dob'),
    sex: text(extraction, 'patient.sex'),
    phone: text(extraction, 'patient.phone'),
    postalCode: text(extraction, 'patient.address.postalCode'),
    addressLine1: text(extraction, 'patient.address.line1'),
    memberId: text(extraction, 'insurance.memberId'),
    mrn: text(extraction, 'patient.mrn'),
  };
}
