/**
 * Passes a reviewer's patient choice to the matcher as a permanent decision
 * (src/match/index.ts `recordReviewerDecision`), after the approval committed.
 * A failure here is logged, not raised: the approval stands and its choice is
 * kept in review_decisions either way.
 */
import type { Logger } from '../core/logger.ts';
import type { Demographics } from '../match/demographics.ts';
import type { Extraction } from '../extract/extraction.ts';
import type { Store } from '../store/store.ts';
import { demographicsFromExtraction, recordReviewerDecision } from '../match/index.ts';

export type ReviewerChoice = { mrn: string } | { notMrn: string } | { newPatient: true };

export interface ReviewMatcher {
  recordReviewerDecision(store: Store, demographics: Demographics, choice: ReviewerChoice, actor: string): Promise<void>;
  demographicsFromExtraction(extraction: Extraction): Demographics;
}

/** The matcher's own entry points (src/match/index.ts). */
export const defaultMatcher: ReviewMatcher = { recordReviewerDecision, demographicsFromExtraction };

export async function recordMatchFeedback(
  deps: { store: Store; logger: Logger; matcher?: ReviewMatcher | undefined },
  extraction: Extraction,
  choices: ReviewerChoice[],
  actor: string,
  documentId: string,
): Promise<boolean> {
  const matcher = deps.matcher ?? defaultMatcher;
  try {
    const demographics = matcher.demographicsFromExtraction(extraction);
    for (const choice of choices) await matcher.recordReviewerDecision(deps.store, demographics, choice, actor);
    return true;
  } catch (err) {
    deps.logger.error({ documentId, err: err instanceof Error ? { name: err.name, code: (err as { code?: unknown }).code } : undefined }, 'matcher feedback failed');
    return false;
  }
}
