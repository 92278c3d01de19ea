// The same referral sent twice with a new cover sheet is found; another referral
// for the same patient, or the same content for another patient, is not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Extraction, ExtractedFields } from '../extract/extraction.ts';
import { documents } from '../store/schema/documents.ts';
import { openTestStore, testBackends, type TestStore } from '../../test/helpers/db.ts';
import { demographicsFromExtraction, findDuplicateReferral } from './index.ts';

function extraction(values: Record<string, string | string[]>): Extraction {
  const fields: ExtractedFields = {};
  for (const [k, value] of Object.entries(values)) (fields as Record<string, unknown>)[k] = { value, confidence: 0.99, page: 1, bbox: [0, 0, 10, 10] };
  return { documentType: 'referral', confidence: 0.99, needsReview: false, fields, pages: 2, extractor: 'offline' };
}

const patient = { 'patient.firstName': 'Maria', 'patient.lastName': 'Okafor', 'patient.dob': '1961-04-09' };
const original = extraction({ ...patient, 'referral.reason': 'Right knee osteoarthritis, evaluate for injection', 'referral.diagnosisCodes': ['M17.11'], 'referringProvider.name': 'Ann Lee' });

describe.each(testBackends())('findDuplicateReferral on %s', (backend) => {
  let store: TestStore;
  let firstId: string;

  beforeAll(async () => {
    store = await openTestStore(backend);
    const [row] = await store.db
      .insert(documents)
      .values({ sha256: 'a'.repeat(64), mediaType: 'application/pdf', sizeBytes: 10, source: 'cli', state: 'matched', documentType: 'referral', extraction: original })
      .returning({ id: documents.id });
    firstId = row!.id;
  });

  afterAll(async () => {
    await store?.close();
  });

  it('finds the same referral re-sent (nickname, reworded cover, same content)', async () => {
    const resent = extraction({ ...patient, 'patient.firstName': 'MARIA', 'referral.reason': 'right knee osteoarthritis - evaluate for injection', 'referral.diagnosisCodes': ['m17.11'], 'referringProvider.name': 'Ann Lee' });
    expect(await findDuplicateReferral(store, '00000000-0000-0000-0000-000000000001', resent)).toBe(firstId);
  });

  it('does not flag the document itself, another referral, or another patient', async () => {
    expect(await findDuplicateReferral(store, firstId, original)).toBeNull();
    const other = extraction({ ...patient, 'referral.reason': 'Low back pain, physical therapy', 'referral.diagnosisCodes': ['M54.50'] });
    expect(await findDuplicateReferral(store, 'new-doc', other)).toBeNull();
    const sibling = extraction({ ...patient, 'patient.firstName': 'Grace', 'referral.reason': 'Right knee osteoarthritis, evaluate for injection', 'referral.diagnosisCodes': ['M17.11'] });
    expect(await findDuplicateReferral(store, 'new-doc', sibling)).toBeNull();
    expect(await findDuplicateReferral(store, 'new-doc', extraction({ 'referral.reason': 'x' }))).toBeNull();
  });

  it('reads demographics from an extraction', () => {
    const d = demographicsFromExtraction(extraction({ ...patient, 'patient.address.postalCode': '78701', 'insurance.memberId': 'XY1' }));
    expect(d).toMatchObject({ firstName: 'Maria', lastName: 'Okafor', dob: '1961-04-09', postalCode: '78701', memberId: 'XY1', phone: null });
  });
});
