/**
 * Flags a referral that repeats one already received: the same patient and the
 * same referral content (reason, diagnosis codes, referring clinician), as when a
 * fax is sent again with a new cover sheet, so its bytes (and sha256) differ.
 * Candidate documents are narrowed in SQL by the patient's DOB, then compared here.
 */
import { sql } from 'drizzle-orm';
import type { Extraction } from '../extract/extraction.ts';
import type { FieldKey } from '../extract/fields.ts';
import type { Store } from '../store/store.ts';
import { areNicknames } from './nicknames.ts';
import { normalizeDemographics, normalizeDob } from './normalize.ts';
import { demographicsFromExtraction } from './from-extraction.ts';

const REASON_MIN_JACCARD = 0.8;
const MAX_CANDIDATE_DOCUMENTS = 200;

function fieldValue(e: Extraction, key: FieldKey): string | string[] | null {
  const v = e.fields?.[key]?.value;
  return v === undefined || v === null ? null : v;
}

function tokens(value: string): Set<string> {
  return new Set(value.toLowerCase().split(/[^a-z0-9.]+/).filter((t) => t.length > 1));
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  for (const t of a) if (b.has(t)) inter++;
  return inter / (a.size + b.size - inter);
}

function samePatient(a: Extraction, b: Extraction): boolean {
  const x = normalizeDemographics(demographicsFromExtraction(a));
  const y = normalizeDemographics(demographicsFromExtraction(b));
  if (!x.dob || x.dob !== y.dob || !x.last || x.last !== y.last || !x.first || !y.first) return false;
  return x.first === y.first || areNicknames(x.first, y.first);
}

/** Same referral content: every content field both give agrees, and at least one reason field is shared. */
export function sameReferralContent(a: Extraction, b: Extraction): boolean {
  let shared = 0;
  const ra = fieldValue(a, 'referral.reason');
  const rb = fieldValue(b, 'referral.reason');
  if (typeof ra === 'string' && typeof rb === 'string') {
    if (jaccard(tokens(ra), tokens(rb)) < REASON_MIN_JACCARD) return false;
    shared++;
  }
  const da = fieldValue(a, 'referral.diagnosisCodes');
  const db = fieldValue(b, 'referral.diagnosisCodes');
  if (da && db) {
    const sa = new Set((Array.isArray(da) ? da : [da]).map((c) => c.toUpperCase()));
    const sb = new Set((Array.isArray(db) ? db : [db]).map((c) => c.toUpperCase()));
    if (sa.size !== sb.size || [...sa].some((c) => !sb.has(c))) return false;
    shared++;
  }
  if (shared === 0) return false;
  const pa = fieldValue(a, 'referringProvider.name');
  const pb = fieldValue(b, 'referringProvider.name');
  if (typeof pa === 'string' && typeof pb === 'string' && pa.toLowerCase().replace(/[^a-z]/g, '') !== pb.toLowerCase().replace(/[^a-z]/g, '')) {
    return false;
  }
  return true;
}

/** Another document with the same patient and referral content, oldest first; null when none. */
export async function findDuplicateReferral(store: Store, documentId: string, extraction: Extraction): Promise<string | null> {
  const dobRaw = fieldValue(extraction, 'patient.dob');
  const dob = normalizeDob(typeof dobRaw === 'string' ? dobRaw : null);
  if (!dob) return null;
  const rows = await store.query<{ id: string; extraction: unknown }>(sql`
    select id, extraction from documents
    where id::text <> ${documentId}
      and document_type is distinct from 'invalid'
      and extraction -> 'fields' -> 'patient.dob' ->> 'value' = ${dob}
    order by received_at asc
    limit ${MAX_CANDIDATE_DOCUMENTS}`);
  for (const row of rows) {
    const other = (typeof row.extraction === 'string' ? JSON.parse(row.extraction) : row.extraction) as Extraction | null;
    if (other && samePatient(extraction, other) && sameReferralContent(extraction, other)) return row.id;
  }
  return null;
}
