/**
 * The canonical referral fields (shared/spec/referral-fields.md): keys, which are
 * required for auto-acceptance, and which hold arrays.
 */

export const FIELD_KEYS = [
  'patient.firstName',
  'patient.middleName',
  'patient.lastName',
  'patient.dob',
  'patient.sex',
  'patient.phone',
  'patient.address.line1',
  'patient.address.city',
  'patient.address.state',
  'patient.address.postalCode',
  'patient.mrn',
  'insurance.payer',
  'insurance.memberId',
  'insurance.groupNumber',
  'referringProvider.name',
  'referringProvider.npi',
  'referringProvider.practice',
  'referringProvider.phone',
  'referringProvider.fax',
  'referral.specialty',
  'referral.reason',
  'referral.diagnosisCodes',
  'referral.urgency',
  'referral.date',
] as const;

export type FieldKey = (typeof FIELD_KEYS)[number];

export function isFieldKey(value: string): value is FieldKey {
  return (FIELD_KEYS as readonly string[]).includes(value);
}

/** Fields that must be present and confident for a referral to skip review. */
export const REQUIRED_FIELDS: readonly FieldKey[] = [
  'patient.firstName',
  'patient.lastName',
  'patient.dob',
  'referringProvider.name',
];

/** At least one of these must be present and confident as well. */
export const REASON_FIELDS: readonly FieldKey[] = ['referral.reason', 'referral.diagnosisCodes'];

export type FieldValue = string | string[];
