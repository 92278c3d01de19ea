/**
 * Synthetic referrals waiting for review, for the API tests and bench/api.ts.
 * Names and numbers are invented (no corpus data); rows are written straight
 * into `documents` as the pipeline would leave them (state in_review).
 */
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Extraction } from '../../extract/extraction.ts';
import type { MatchDecision } from '../../match/demographics.ts';
import { documentEvents, documents, ehrPatients } from '../../store/schema/index.ts';
import type { Db } from '../../store/store.ts';

const FIRST = ['Ana', 'Ben', 'Cleo', 'Dev', 'Eli', 'Fay', 'Gus', 'Hana', 'Ivo', 'Jun'];
const LAST = ['Alder', 'Brook', 'Cedar', 'Dale', 'Elm', 'Fern', 'Grove', 'Heath', 'Ivy', 'Juniper'];
const REASONS = ['low_confidence', 'uncertain_match', 'not_referral', 'possible_duplicate'] as const;

export interface SeedOptions {
  /** Extra fields or overrides. */
  extraction?: Partial<Extraction>;
  reasons?: string[];
  /** How long ago it entered review. */
  ageSeconds?: number;
  sha256?: string;
  mediaType?: string;
  pageCount?: number;
  match?: MatchDecision | null;
}

export function syntheticExtraction(i: number): Extraction {
  const box = (y: number) => ({ confidence: 0.9 + (i % 10) / 100, page: 1, bbox: [72, y, 200, y + 12] as [number, number, number, number] });
  return {
    documentType: 'referral',
    confidence: 0.96,
    needsReview: true,
    pages: 1,
    extractor: 'offline',
    fields: {
      'patient.firstName': { value: FIRST[i % 10]!, ...box(100) },
      'patient.lastName': { value: LAST[Math.floor(i / 10) % 10]!, ...box(120) },
      'patient.dob': { value: `19${50 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`, ...box(140) },
      'referringProvider.name': { value: 'Sam Doctor', ...box(300) },
      'referral.reason': { value: 'knee pain', ...box(340) },
      'referral.diagnosisCodes': { value: ['M17.11'], ...box(360), confidence: 0.7 },
    },
  };
}

export function syntheticMatch(i: number): MatchDecision {
  return {
    decision: 'review',
    mrn: `MRN${String(i).padStart(6, '0')}`,
    score: 8.5,
    reason: 'two close candidates',
    candidates: [
      {
        mrn: `MRN${String(i).padStart(6, '0')}`,
        score: 8.5,
        probability: 0.8,
        comparisons: [
          { field: 'lastName', level: 'exact', weight: 4.1 },
          { field: 'dob', level: 'exact', weight: 5.2 },
        ],
      },
      { mrn: `MRN${String(i + 1).padStart(6, '0')}`, score: 6.1, probability: 0.15, comparisons: [] },
    ],
  };
}

export async function seedReferral(db: Db, i: number, options: SeedOptions = {}): Promise<{ id: string; version: number }> {
  const at = new Date(Date.now() - (options.ageSeconds ?? 60) * 1000);
  const extraction = { ...syntheticExtraction(i), ...options.extraction };
  const rows = await db
    .insert(documents)
    .values({
      sha256: options.sha256 ?? crypto.randomBytes(32).toString('hex'),
      mediaType: options.mediaType ?? 'application/pdf',
      sizeBytes: 1000,
      source: 'upload',
      receivedAt: at,
      state: 'in_review',
      stateChangedAt: at,
      pageCount: options.pageCount ?? 1,
      documentType: extraction.documentType,
      needsReview: true,
      extraction,
      matchDecision: options.match === undefined ? syntheticMatch(i) : options.match,
      reviewReasons: options.reasons ?? [REASONS[i % REASONS.length]!],
    })
    .returning({ id: documents.id, version: documents.version });
  const row = rows[0]!;
  await db.insert(documentEvents).values({ documentId: row.id, fromState: 'matched', toState: 'in_review', stage: 'match', at });
  return row;
}

/** Many referrals in a few statements (bench): one multi-row insert per batch. */
export async function seedManyReferrals(db: Db, count: number, batch = 500): Promise<void> {
  for (let start = 0; start < count; start += batch) {
    const values = [];
    for (let i = start; i < Math.min(count, start + batch); i++) {
      const at = new Date(Date.now() - (count - i) * 1000);
      const extraction = syntheticExtraction(i);
      values.push({
        sha256: crypto.randomBytes(32).toString('hex'),
        mediaType: 'application/pdf',
        sizeBytes: 1000,
        source: 'upload',
        receivedAt: at,
        state: 'in_review' as const,
        stateChangedAt: at,
        pageCount: 1,
        documentType: 'referral',
        needsReview: true,
        extraction,
        matchDecision: syntheticMatch(i),
        reviewReasons: [REASONS[i % REASONS.length]!],
      });
    }
    await db.insert(documents).values(values);
  }
  await db.execute(sql`analyze documents`);
}

export async function seedPatient(db: Db, mrn: string): Promise<void> {
  await db
    .insert(ehrPatients)
    .values({ mrn, firstName: 'Ana', lastName: 'Alder', dob: '1950-01-10', sex: 'F' })
    .onConflictDoNothing();
}
