/**
 * Reviewer decisions remembered for the matcher: a human's "this is MRN X", "not
 * MRN X" or "a new patient" for some demographics wins over the model the next
 * time the same demographics arrive. Keyed by a SHA-256 of normalised first name,
 * last name and DOB, so the table holds no readable patient data.
 */
import crypto from 'node:crypto';
import { desc, eq } from 'drizzle-orm';
import { IntakeError } from '../core/errors.ts';
import { matchReviewerDecisions } from '../store/schema/match.ts';
import type { Store } from '../store/store.ts';
import type { RememberedDecisions } from './decide.ts';
import type { Demographics } from './demographics.ts';
import { normalizeDemographics, type NormalDemographics } from './normalize.ts';

export type ReviewerDecision = { mrn: string } | { notMrn: string } | { newPatient: true };

/** The memory key, or null when the demographics are too thin to recognise again. */
export function demographicsKey(n: NormalDemographics): string | null {
  if (!n.first || !n.last || !n.dob) return null;
  return crypto.createHash('sha256').update(`v1|${n.first}|${n.last}|${n.dob}`).digest('hex');
}

export async function recordReviewerDecision(
  store: Store,
  demographics: Demographics,
  decision: ReviewerDecision,
  actor: string,
): Promise<void> {
  const key = demographicsKey(normalizeDemographics(demographics));
  if (!key) {
    throw new IntakeError('BAD_REQUEST', 'a reviewer decision needs first name, last name and date of birth to be remembered');
  }
  const row =
    'mrn' in decision
      ? { mrn: decision.mrn }
      : 'notMrn' in decision
        ? { notMrn: decision.notMrn }
        : { newPatient: true };
  await store.db.insert(matchReviewerDecisions).values({ demographicsKey: key, actor, ...row });
}

export async function loadRememberedDecisions(store: Store, n: NormalDemographics): Promise<RememberedDecisions | null> {
  const key = demographicsKey(n);
  if (!key) return null;
  const rows = await store.db
    .select()
    .from(matchReviewerDecisions)
    .where(eq(matchReviewerDecisions.demographicsKey, key))
    .orderBy(desc(matchReviewerDecisions.decidedAt), desc(matchReviewerDecisions.id));
  if (rows.length === 0) return null;
  const notMrns = new Set<string>();
  let linkMrn: string | null = null;
  let newPatient = false;
  // Newest first: the latest link-or-new answer stands; a later "not X" cancels an older link to X.
  for (const row of rows) {
    if (row.notMrn) notMrns.add(row.notMrn);
    if (linkMrn === null && !newPatient) {
      if (row.mrn && !notMrns.has(row.mrn)) linkMrn = row.mrn;
      else if (row.newPatient) newPatient = true;
    }
  }
  return { linkMrn, newPatient, notMrns };
}
