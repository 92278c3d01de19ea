/**
 * The hand-off Bundle, checked by @medplum/core's FHIR R4 validator (official
 * StructureDefinitions), not only by our own assertions.
 */
import type { Bundle, Patient, Provenance, ServiceRequest, Task } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import type { Extraction } from '../extract/extraction.ts';
import { buildReferralBundle, IDENTIFIER_SYSTEMS, type ReferralBundleInput } from './bundle.ts';
import { fhirIssues } from './validate-fhir.test-helper.ts';

const box = { confidence: 0.99, page: 1, bbox: [10, 10, 50, 20] as [number, number, number, number] };
const extraction: Extraction = {
  documentType: 'referral',
  confidence: 0.97,
  needsReview: false,
  pages: 2,
  extractor: 'offline',
  fields: {
    'patient.firstName': { value: 'Ann', ...box },
    'patient.lastName': { value: 'Example', ...box },
    'patient.dob': { value: '1960-01-02', ...box },
    'patient.sex': { value: 'F', ...box },
    'patient.phone': { value: '5555550100', ...box },
    'patient.address.line1': { value: '1 Main St', ...box },
    'patient.address.postalCode': { value: '02139', ...box },
    'referringProvider.name': { value: 'Sam Doctor', ...box },
    'referringProvider.npi': { value: '1234567893', ...box },
    'referral.specialty': { value: 'Orthopedics', ...box },
    'referral.reason': { value: 'knee pain', ...box },
    'referral.diagnosisCodes': { value: ['M17.11', 'M25.561'], ...box },
    'referral.urgency': { value: 'urgent', ...box },
    'referral.date': { value: '2026-11-01', ...box },
    'insurance.payer': { value: 'Acme Health', ...box },
  },
};

const input = (over: Partial<ReferralBundleInput> = {}): ReferralBundleInput => ({
  documentId: '0d4e1f3a-1111-4222-8333-444455556666',
  sha256: 'ab'.repeat(32),
  mediaType: 'application/pdf',
  sizeBytes: 1234,
  receivedAt: new Date('2026-11-02T10:00:00Z'),
  acceptedAt: new Date('2026-11-02T11:00:00Z'),
  extraction,
  mrn: 'MRN004211',
  reviewer: 'alice',
  correctedKeys: ['patient.dob'],
  publicBaseUrl: 'https://intake.example.org/',
  ...over,
});

const resources = (b: Bundle) => (b.entry ?? []).map((e) => e.resource!);
const ofType = <T>(b: Bundle, type: string) => resources(b).filter((r) => r.resourceType === type) as T[];

describe('buildReferralBundle', () => {
  it('is a valid FHIR R4 transaction for an existing patient', () => {
    const bundle = buildReferralBundle(input());
    expect(fhirIssues(bundle)).toEqual([]);
    expect(bundle.type).toBe('transaction');
    expect(resources(bundle).map((r) => r.resourceType)).toEqual([
      'Patient',
      'Practitioner',
      'DocumentReference',
      'ServiceRequest',
      'Task',
      'Provenance',
      'Provenance',
    ]);
    const patientEntry = bundle.entry![0]!;
    expect(patientEntry.request).toEqual({
      method: 'POST',
      url: 'Patient',
      ifNoneExist: `identifier=${encodeURIComponent(`${IDENTIFIER_SYSTEMS.mrn}|MRN004211`)}`,
    });
    // every entry is idempotent except the Provenance log
    for (const e of bundle.entry!) if (e.resource!.resourceType !== 'Provenance') expect(e.request?.ifNoneExist).toBeTruthy();
  });

  it('maps the referral onto ServiceRequest and Task', () => {
    const bundle = buildReferralBundle(input());
    const [sr] = ofType<ServiceRequest>(bundle, 'ServiceRequest');
    const [task] = ofType<Task>(bundle, 'Task');
    const [patient] = ofType<Patient>(bundle, 'Patient');
    expect(sr?.priority).toBe('urgent');
    expect(sr?.authoredOn).toBe('2026-11-01');
    expect(sr?.reasonCode?.flatMap((c) => c.coding ?? []).map((c) => [c.system, c.code])).toEqual([
      [IDENTIFIER_SYSTEMS.icd10cm, 'M17.11'],
      [IDENTIFIER_SYSTEMS.icd10cm, 'M25.561'],
    ]);
    expect(sr?.subject.reference).toBe(bundle.entry![0]!.fullUrl);
    expect(sr?.requester?.reference).toBe(bundle.entry![1]!.fullUrl);
    expect(bundle.entry![1]!.request?.ifNoneExist).toContain(encodeURIComponent(`${IDENTIFIER_SYSTEMS.npi}|1234567893`));
    expect(task?.status).toBe('accepted');
    expect(task?.focus?.reference).toBe(bundle.entry![3]!.fullUrl);
    expect(patient?.gender).toBe('female');
    expect(patient?.birthDate).toBe('1960-01-02');
  });

  it('attributes values to the extractor and the reviewer', () => {
    const provs = ofType<Provenance>(buildReferralBundle(input()), 'Provenance');
    const keys = (p: Provenance | undefined) => (p?.extension ?? []).map((e) => e.valueString);
    expect(provs[0]?.agent[0]?.who?.display).toBe('referral-intake extractor: offline');
    expect(keys(provs[0])).not.toContain('patient.dob');
    expect(keys(provs[0])).toContain('patient.firstName');
    expect(provs[1]?.agent[0]?.who?.display).toBe('reviewer: alice');
    expect(keys(provs[1])).toEqual(['patient.dob']);
  });

  it('creates a new patient keyed on the document when there is no MRN, and is valid without optional fields', () => {
    const minimal: Extraction = { ...extraction, fields: { 'patient.lastName': { value: 'Solo', ...box } } };
    const bundle = buildReferralBundle(input({ mrn: null, reviewer: null, correctedKeys: [], extraction: minimal }));
    expect(fhirIssues(bundle)).toEqual([]);
    const [patient] = ofType<Patient>(bundle, 'Patient');
    expect(patient?.identifier?.[0]).toEqual({ system: IDENTIFIER_SYSTEMS.newPatient, value: input().documentId });
    expect(ofType(bundle, 'Practitioner')).toHaveLength(0);
    expect(ofType(bundle, 'Provenance')).toHaveLength(1);
  });

  it('is deterministic, and the validator does catch a broken resource', () => {
    expect(buildReferralBundle(input())).toEqual(buildReferralBundle(input()));
    const broken = structuredClone(buildReferralBundle(input())) as Bundle;
    delete (broken.entry![3]!.resource as Partial<ServiceRequest>).subject;
    expect(fhirIssues(broken).some((i) => i.startsWith('error'))).toBe(true);
  });
});
