/**
 * Deterministic, instant stages for pipeline tests: the "document" bytes are a
 * small JSON object naming the outcome, so the tests exercise the state machine,
 * leases and crash recovery without OCR.
 */
import type { Extraction } from '../../src/extract/extraction.ts';
import type { PipelineStages } from '../../src/pipeline/stages.ts';

export interface FakeDoc {
  n: number;
  type?: 'referral' | 'other' | 'invalid';
  review?: boolean;
  decision?: 'match' | 'review' | 'new';
  /** Throw a retryable error this many times before succeeding. */
  flaky?: number;
  /** Throw a permanent error. */
  permanent?: boolean;
}

export function fakeDocBytes(doc: FakeDoc): Uint8Array {
  return Buffer.from(JSON.stringify(doc));
}

export function fakeStages(options: { onExtract?: (documentId: string) => Promise<void> } = {}): PipelineStages {
  const flakyCounts = new Map<number, number>();
  return {
    async extract(bytes, ctx) {
      await options.onExtract?.(ctx.documentId);
      const doc = JSON.parse(Buffer.from(bytes).toString('utf8')) as FakeDoc;
      if (doc.permanent) {
        const { IntakeError } = await import('../../src/core/errors.ts');
        throw new IntakeError('EHR_MAPPING_INVALID', 'fake permanent failure');
      }
      if (doc.flaky && (flakyCounts.get(doc.n) ?? 0) < doc.flaky) {
        flakyCounts.set(doc.n, (flakyCounts.get(doc.n) ?? 0) + 1);
        const { IntakeError } = await import('../../src/core/errors.ts');
        throw new IntakeError('OCR_TIMEOUT', 'fake transient failure');
      }
      const type = doc.type ?? 'referral';
      if (type === 'invalid') {
        return { documentType: 'invalid', confidence: 1, needsReview: true, fields: {}, pages: 0, extractor: 'offline', error: { code: 'UNSUPPORTED_FORMAT', message: 'fake unsupported' } } satisfies Extraction;
      }
      return {
        documentType: type,
        confidence: 0.99,
        needsReview: doc.review ?? false,
        fields: {
          'patient.lastName': { value: `Patient${doc.n}`, confidence: 0.99, page: 1, bbox: [0, 0, 10, 10] },
          // The fake carries the wanted match decision in the sender's MRN field.
          'patient.mrn': { value: doc.decision ?? 'match', confidence: 0.99, page: 1, bbox: [0, 0, 10, 10] },
        },
        pages: 1,
        extractor: 'offline',
      } satisfies Extraction;
    },
    demographics(extraction) {
      return {
        lastName: String(extraction.fields['patient.lastName']?.value ?? ''),
        mrn: String(extraction.fields['patient.mrn']?.value ?? 'match'),
      };
    },
    async match(demographics) {
      const decision = (demographics.mrn ?? 'match') as 'match' | 'review' | 'new';
      return { decision, mrn: decision === 'match' ? 'MRN1' : null, score: 20, candidates: [{ mrn: 'MRN1', score: 20 }] };
    },
  };
}
