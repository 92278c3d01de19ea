/**
 * A small synthetic referral (fax cover + referral page) and the tool input a
 * well-behaved model would return for it, shared by the Claude tests. All names
 * and numbers are invented. Test support only.
 */
import type { DocumentLayout } from '../layout.ts';
import { textLayout } from './test-layout.ts';

export const COVER_LINES = [
  'FAX COVER SHEET',
  'To: Lakeside Orthopedics Fax: (614) 201-3300',
  'From: Maple Family Medicine Fax: (614) 310-4400',
  'Pages: 2',
];

export const REFERRAL_LINES = [
  'REFERRAL FORM',
  'Patient Name: Doe, Jane A.',
  'DOB: 03/14/1962 Sex: F',
  'Phone: (614) 832-4410',
  'Referring Provider: Robert Smith, MD NPI: 1234567893',
  'Reason for referral: chronic right knee pain',
  'Diagnosis: M17.11',
  'Urgency: [X] Routine [ ] Urgent',
  'Date: 10/02/2026',
];

/** Line numbers as the prompt numbers them: cover 1-4, referral 5-13. */
export const LINE = {
  name: 6,
  dob: 7,
  phone: 8,
  provider: 9,
  reason: 10,
  diagnosis: 11,
  urgency: 12,
  date: 13,
} as const;

export function referralLayout(extraReferralLines: string[] = []): DocumentLayout {
  return textLayout([COVER_LINES, [...REFERRAL_LINES, ...extraReferralLines]]);
}

export function goodToolInput(): Record<string, unknown> {
  return {
    documentType: 'referral',
    documentKind: 'referral',
    fields: [
      { field: 'patient.firstName', value: 'Jane', lines: [LINE.name] },
      { field: 'patient.middleName', value: 'A.', lines: [LINE.name] },
      { field: 'patient.lastName', value: 'Doe', lines: [LINE.name] },
      { field: 'patient.dob', value: '03/14/1962', lines: [LINE.dob] },
      { field: 'patient.sex', value: 'F', lines: [LINE.dob] },
      { field: 'patient.phone', value: '(614) 832-4410', lines: [LINE.phone] },
      { field: 'referringProvider.name', value: 'Robert Smith', lines: [LINE.provider] },
      { field: 'referringProvider.npi', value: '1234567893', lines: [LINE.provider] },
      { field: 'referral.reason', value: 'chronic right knee pain', lines: [LINE.reason] },
      { field: 'referral.diagnosisCodes', value: ['M17.11'], lines: [LINE.diagnosis] },
      { field: 'referral.urgency', value: 'routine', lines: [LINE.urgency] },
      { field: 'referral.date', value: '10/02/2026', lines: [LINE.date] },
    ],
  };
}
