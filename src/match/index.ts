/**
 * Patient matching against the EHR (issue 5): decides whether a referral's
 * patient is an existing one (`match`, with the MRN), a new one (`new`) or a case
 * for a human (`review`, with ranked candidates), and keeps the explanation.
 * What the rest of the system calls lives here; the rest of the folder is detail.
 */
import type { Config } from '../config/config.ts';
import { IntakeError, toIntakeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Store } from '../store/store.ts';
import { decide } from './decide.ts';
import type { Demographics, MatchDecision } from './demographics.ts';
import { externalEhrSource, storeEhrSource, type EhrSource } from './ehr-source.ts';
import { MatchModel, type ModelOptions } from './model.ts';
import { normalizeDemographics, type NormalDemographics } from './normalize.ts';
import { loadRememberedDecisions } from './reviewer-decisions.ts';
import { computeEhrStats } from './stats.ts';

export type { Demographics, MatchDecision } from './demographics.ts';
export { recordReviewerDecision, type ReviewerDecision } from './reviewer-decisions.ts';
export { findDuplicateReferral } from './duplicate-referral.ts';
export { demographicsFromExtraction } from './from-extraction.ts';
export { loadEhrCsv, type EhrLoadResult } from './ehr-load.ts';

export interface Matcher {
  match(demographics: Demographics, ctx?: { documentId?: string }): Promise<MatchDecision>;
  /** Re-reads the EHR statistics (after `intake ehr load`). */
  refresh(): Promise<void>;
  close(): Promise<void>;
}

export interface MatcherDeps {
  store: Store;
  config: Config;
  logger?: Logger;
  /** Override the model's m-probabilities or prior (tests, tuning). */
  model?: ModelOptions;
}

export async function createMatcher(deps: MatcherDeps): Promise<Matcher> {
  const { store, config, logger } = deps;
  const source: EhrSource = config.EHR_DATABASE_URL
    ? await externalEhrSource(config.EHR_DATABASE_URL, config.EHR_MAPPING)
    : storeEhrSource(store);
  const limit = config.MATCH_CANDIDATE_LIMIT;
  let model: MatchModel;
  const refresh = async () => {
    const started = Date.now();
    try {
      model = new MatchModel(await computeEhrStats(source), deps.model);
    } catch (err) {
      throw new IntakeError('EHR_UNAVAILABLE', 'could not read the EHR patient statistics', { cause: err });
    }
    logger?.info({ stage: 'match', ehrRows: model.stats.n, source: source.kind, durationMs: Date.now() - started }, 'matcher statistics loaded');
  };
  try {
    await refresh();
  } catch (err) {
    await source.close().catch(() => {});
    throw err;
  }
  return {
    async match(demographics, ctx) {
      const started = Date.now();
      try {
        const q = normalizeDemographics(demographics ?? {});
        const [found, recalled] = await Promise.all([source.block(q, limit), loadRememberedDecisions(store, q)]);
        // A remembered link to a chart since removed from the EHR no longer stands.
        const remembered =
          recalled?.linkMrn && !(await source.exists(recalled.linkMrn)) ? { ...recalled, linkMrn: null } : recalled;
        const decision = decide(q, found, model, remembered);
        const chart = decision.decision === 'match' ? found.records.find((r) => r.mrn === decision.mrn) : undefined;
        if (chart) decision.confirms = confirmedIdentity(q, chart.norm);
        logger?.debug(
          { stage: 'match', documentId: ctx?.documentId, decision: decision.decision, candidates: found.records.length, durationMs: Date.now() - started },
          'patient matched',
        );
        return decision;
      } catch (err) {
        throw toIntakeError(err, 'EHR_UNAVAILABLE', 'patient matching failed');
      }
    },
    refresh,
    close: () => source.close(),
  };
}

/** Values the query and the linked chart state identically (both present). */
export function confirmedIdentity(q: NormalDemographics, chart: NormalDemographics): NonNullable<MatchDecision['confirms']> {
  const out: NonNullable<MatchDecision['confirms']> = [];
  if (q.first && q.first === chart.first) out.push('firstName');
  if (q.middle && q.middle === chart.middle) out.push('middleName');
  if (q.last && q.last === chart.last && (q.suffix ?? null) === (chart.suffix ?? null)) out.push('lastName');
  if (q.dob && q.dob === chart.dob) out.push('dob');
  if (q.sex && q.sex === chart.sex) out.push('sex');
  if (q.phone && q.phone === chart.phone) out.push('phone');
  if (q.postal && q.postal === chart.postal) out.push('postalCode');
  if (q.address && q.address === chart.address) out.push('addressLine1');
  return out;
}
