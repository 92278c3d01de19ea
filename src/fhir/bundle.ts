/**
 * Builds the FHIR R4 transaction Bundle that hands an accepted referral to the
 * EHR (https://hl7.org/fhir/R4/http.html#transaction). Every entry is a
 * conditional create (`ifNoneExist`) keyed on a stable identifier, so posting the
 * same Bundle twice creates nothing new: retries after a lost response are safe.
 * An existing patient is referenced by MRN through the same mechanism (the
 * conditional create resolves to the patient already on file).
 */
import type {
  Bundle,
  BundleEntry,
  DocumentReference,
  Patient,
  Practitioner,
  Provenance,
  Reference,
  Resource,
  ServiceRequest,
  Task,
} from '@medplum/fhirtypes';
import type { Extraction, ExtractedFields } from '../extract/extraction.ts';
import type { FieldKey, FieldValue } from '../extract/fields.ts';

export const IDENTIFIER_SYSTEMS = {
  /** The practice's MRN system; a deployment mapping to a real EHR overrides it. */
  mrn: 'urn:referral-intake:mrn',
  referral: 'urn:referral-intake:referral',
  document: 'urn:referral-intake:document',
  newPatient: 'urn:referral-intake:new-patient',
  npi: 'http://hl7.org/fhir/sid/us-npi',
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
} as const;

export const PROVENANCE_FIELDS_EXTENSION = 'https://referral-intake.dev/fhir/StructureDefinition/provenance-fields';

export interface ReferralBundleInput {
  documentId: string;
  sha256: string;
  mediaType: string;
  sizeBytes: number;
  receivedAt: Date;
  acceptedAt: Date;
  extraction: Extraction;
  /** Existing patient by MRN, or null for a new patient. */
  mrn: string | null;
  /** The reviewer who accepted it; null when the pipeline accepted it automatically. */
  reviewer: string | null;
  /** Field keys the reviewer corrected (their values came from the reviewer). */
  correctedKeys: readonly string[];
  /** Where the original can be fetched (PUBLIC_BASE_URL), if known. */
  publicBaseUrl?: string | undefined;
  mrnSystem?: string;
}

const str = (v: FieldValue | undefined): string | undefined =>
  v === undefined ? undefined : Array.isArray(v) ? v.join(', ') : v.trim() || undefined;

function valueOf(fields: ExtractedFields, key: FieldKey): string | undefined {
  return str(fields[key]?.value);
}

function urn(documentId: string, kind: string): string {
  // Stable per document and resource kind: the Bundle is byte-identical on rebuild.
  const hex = documentId.replace(/-/g, '');
  const tag = { Patient: '1', Practitioner: '2', ServiceRequest: '3', Task: '4', DocumentReference: '5' }[kind] ?? '0';
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${tag}${hex.slice(13, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function query(system: string, value: string): string {
  return `identifier=${encodeURIComponent(`${system}|${value}`)}`;
}

function entry<T extends Resource>(fullUrl: string, resource: T, ifNoneExist?: string): BundleEntry {
  return {
    fullUrl,
    resource,
    request: { method: 'POST', url: resource.resourceType, ...(ifNoneExist ? { ifNoneExist } : {}) },
  };
}

const SEX: Record<string, Patient['gender']> = { M: 'male', F: 'female', X: 'other', U: 'unknown' };
const PRIORITY: Record<string, ServiceRequest['priority']> = { routine: 'routine', urgent: 'urgent', stat: 'stat' };

function isoDate(v: string | undefined): string | undefined {
  return v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined;
}

function buildPatient(input: ReferralBundleInput): { resource: Patient; ifNoneExist: string } {
  const f = input.extraction.fields;
  const mrnSystem = input.mrnSystem ?? IDENTIFIER_SYSTEMS.mrn;
  const identifier = input.mrn
    ? { system: mrnSystem, value: input.mrn }
    : { system: IDENTIFIER_SYSTEMS.newPatient, value: input.documentId };
  const given = [valueOf(f, 'patient.firstName'), valueOf(f, 'patient.middleName')].filter(
    (v): v is string => v !== undefined,
  );
  const family = valueOf(f, 'patient.lastName');
  const line1 = valueOf(f, 'patient.address.line1');
  const address = {
    ...(line1 ? { line: [line1] } : {}),
    ...(valueOf(f, 'patient.address.city') ? { city: valueOf(f, 'patient.address.city') } : {}),
    ...(valueOf(f, 'patient.address.state') ? { state: valueOf(f, 'patient.address.state') } : {}),
    ...(valueOf(f, 'patient.address.postalCode') ? { postalCode: valueOf(f, 'patient.address.postalCode') } : {}),
  };
  const phone = valueOf(f, 'patient.phone');
  const gender = SEX[valueOf(f, 'patient.sex') ?? ''];
  const birthDate = isoDate(valueOf(f, 'patient.dob'));
  const resource: Patient = {
    resourceType: 'Patient',
    identifier: [identifier],
    ...(given.length || family ? { name: [{ ...(family ? { family } : {}), ...(given.length ? { given } : {}) }] } : {}),
    ...(gender ? { gender } : {}),
    ...(birthDate ? { birthDate } : {}),
    ...(phone ? { telecom: [{ system: 'phone', value: phone }] } : {}),
    ...(Object.keys(address).length ? { address: [address] } : {}),
  };
  return { resource, ifNoneExist: query(identifier.system, identifier.value) };
}

/**
 * A Practitioner entry only when there is an NPI to key the conditional create on;
 * without one, the requester is a display-only reference (creating an unkeyed
 * Practitioner would duplicate it on every retried delivery).
 */
function buildPractitioner(fields: ExtractedFields): { resource: Practitioner; ifNoneExist: string } | null {
  const name = valueOf(fields, 'referringProvider.name');
  const npi = valueOf(fields, 'referringProvider.npi');
  if (!npi) return null;
  const phone = valueOf(fields, 'referringProvider.phone');
  const fax = valueOf(fields, 'referringProvider.fax');
  const telecom = [
    ...(phone ? [{ system: 'phone' as const, value: phone, use: 'work' as const }] : []),
    ...(fax ? [{ system: 'fax' as const, value: fax, use: 'work' as const }] : []),
  ];
  const resource: Practitioner = {
    resourceType: 'Practitioner',
    identifier: [{ system: IDENTIFIER_SYSTEMS.npi, value: npi }],
    ...(name ? { name: [{ text: name }] } : {}),
    ...(telecom.length ? { telecom } : {}),
  };
  return { resource, ifNoneExist: query(IDENTIFIER_SYSTEMS.npi, npi) };
}

/** Builds the hand-off Bundle for one accepted referral. Pure: same input, same Bundle. */
export function buildReferralBundle(input: ReferralBundleInput): Bundle {
  const f = input.extraction.fields;
  const ids = {
    patient: urn(input.documentId, 'Patient'),
    practitioner: urn(input.documentId, 'Practitioner'),
    serviceRequest: urn(input.documentId, 'ServiceRequest'),
    task: urn(input.documentId, 'Task'),
    documentReference: urn(input.documentId, 'DocumentReference'),
  };
  const referralId = { system: IDENTIFIER_SYSTEMS.referral, value: input.documentId };
  const patient = buildPatient(input);
  const practitioner = buildPractitioner(f);
  const subject: Reference<Patient> = { reference: ids.patient, type: 'Patient' };

  const codes = f['referral.diagnosisCodes']?.value;
  const diagnosisCodes = (Array.isArray(codes) ? codes : codes ? [codes] : []).filter((c) => c.trim() !== '');
  const reasonText = valueOf(f, 'referral.reason');
  const specialty = valueOf(f, 'referral.specialty');
  const authoredOn = isoDate(valueOf(f, 'referral.date'));
  const priority = PRIORITY[valueOf(f, 'referral.urgency') ?? ''];
  const payer = valueOf(f, 'insurance.payer');

  const serviceRequest: ServiceRequest = {
    resourceType: 'ServiceRequest',
    identifier: [referralId],
    status: 'active',
    intent: 'order',
    category: [
      { coding: [{ system: 'http://snomed.info/sct', code: '3457005', display: 'Patient referral' }], text: 'Referral' },
    ],
    ...(specialty ? { performerType: { text: specialty } } : {}),
    ...(priority ? { priority } : {}),
    subject,
    ...(authoredOn ? { authoredOn } : {}),
    ...(practitioner
      ? { requester: { reference: ids.practitioner, type: 'Practitioner' } }
      : valueOf(f, 'referringProvider.name')
        ? { requester: { type: 'Practitioner', display: valueOf(f, 'referringProvider.name') } }
        : {}),
    ...(diagnosisCodes.length || reasonText
      ? {
          reasonCode: [
            ...diagnosisCodes.map((code) => ({ coding: [{ system: IDENTIFIER_SYSTEMS.icd10cm, code }] })),
            ...(reasonText ? [{ text: reasonText }] : []),
          ],
        }
      : {}),
    ...(payer ? { note: [{ text: `Insurance: ${payer}` }] } : {}),
    supportingInfo: [{ reference: ids.documentReference, type: 'DocumentReference' }],
  };

  const task: Task = {
    resourceType: 'Task',
    identifier: [referralId],
    status: 'accepted',
    intent: 'order',
    ...(priority ? { priority } : {}),
    focus: { reference: ids.serviceRequest, type: 'ServiceRequest' },
    for: subject,
    authoredOn: input.acceptedAt.toISOString(),
    lastModified: input.acceptedAt.toISOString(),
    businessStatus: { text: input.reviewer ? 'accepted by reviewer' : 'accepted automatically' },
    input: [{ type: { text: 'original document' }, valueReference: { reference: ids.documentReference, type: 'DocumentReference' } }],
  };

  const base = input.publicBaseUrl?.replace(/\/+$/, '');
  const documentReference: DocumentReference = {
    resourceType: 'DocumentReference',
    identifier: [{ system: IDENTIFIER_SYSTEMS.document, value: `sha256:${input.sha256}` }],
    status: 'current',
    type: { coding: [{ system: 'http://loinc.org', code: '57133-1', display: 'Referral note' }] },
    subject,
    date: input.receivedAt.toISOString(),
    content: [
      {
        attachment: {
          contentType: input.mediaType,
          size: input.sizeBytes,
          ...(base ? { url: `${base}/v1/documents/${input.documentId}/original` } : {}),
          creation: input.receivedAt.toISOString(),
        },
      },
    ],
  };

  // Which values came from the extractor and which from the reviewer.
  const corrected = new Set(input.correctedKeys);
  const present = Object.keys(f);
  const extractorKeys = present.filter((k) => !corrected.has(k));
  const reviewerKeys = present.filter((k) => corrected.has(k));
  const targets: Reference[] = [
    { reference: ids.serviceRequest, type: 'ServiceRequest' },
    { reference: ids.patient, type: 'Patient' },
    { reference: ids.task, type: 'Task' },
  ];
  const fieldExtension = (keys: string[]) =>
    keys.length ? { extension: keys.map((k) => ({ url: PROVENANCE_FIELDS_EXTENSION, valueString: k })) } : {};
  const provenances: Provenance[] = [
    {
      resourceType: 'Provenance',
      ...fieldExtension(extractorKeys),
      target: targets,
      recorded: input.acceptedAt.toISOString(),
      activity: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation', code: 'CREATE' }] },
      agent: [
        {
          type: {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'assembler' }],
          },
          who: { display: `referral-intake extractor: ${input.extraction.extractor}` },
        },
      ],
      entity: [{ role: 'source', what: { reference: ids.documentReference, type: 'DocumentReference' } }],
    },
  ];
  if (input.reviewer) {
    provenances.push({
      resourceType: 'Provenance',
      ...fieldExtension(reviewerKeys),
      target: targets,
      recorded: input.acceptedAt.toISOString(),
      activity: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation', code: 'UPDATE' }] },
      agent: [
        {
          type: {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'verifier' }],
          },
          who: { display: `reviewer: ${input.reviewer}` },
        },
      ],
      entity: [{ role: 'source', what: { reference: ids.documentReference, type: 'DocumentReference' } }],
    });
  }

  const entries: BundleEntry[] = [
    entry(ids.patient, patient.resource, patient.ifNoneExist),
    ...(practitioner ? [entry(ids.practitioner, practitioner.resource, practitioner.ifNoneExist)] : []),
    entry(ids.documentReference, documentReference, query(IDENTIFIER_SYSTEMS.document, `sha256:${input.sha256}`)),
    entry(ids.serviceRequest, serviceRequest, query(referralId.system, referralId.value)),
    entry(ids.task, task, query(referralId.system, referralId.value)),
    // Provenance has no business identifier: the server may record it again on a
    // retried POST, which is harmless (it is a log, not a fact).
    ...provenances.map((p, i) => ({
      fullUrl: `${urn(input.documentId, 'Provenance').slice(0, -1)}${i}`,
      resource: p,
      request: { method: 'POST' as const, url: 'Provenance' },
    })),
  ];
  return { resourceType: 'Bundle', type: 'transaction', entry: entries };
}
