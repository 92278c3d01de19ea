/**
 * Turns scored candidates into a decision. Wrong links are the incident to avoid,
 * so `match` needs overwhelming evidence (posterior ≥ 0.999, which also means the
 * runner-up is at least ~1000× less likely), personal evidence (first name and
 * DOB, not just household fields) and no veto; `new` needs every candidate to be
 * implausible and the search to have run completely; everything else is `review`.
 */
import type { MatchCandidate, MatchDecision } from './demographics.ts';
import type { BlockResult, EhrRecord } from './ehr-source.ts';
import { posteriors, type CandidateScore, type MatchModel } from './model.ts';
import type { NormalDemographics } from './normalize.ts';

export const AUTO_LINK_MIN_POSTERIOR = 0.999;
export const NEW_MAX_POSTERIOR = 0.01;
const CANDIDATES_SHOWN = 5;
/** First-name levels that are personal evidence on their own (not a loose resemblance or an initial). */
const STRONG_FIRST_NAME = new Set<string>(['exact', 'nickname', 'jw_high', 'swapped', 'missing']);

export interface RememberedDecisions {
  /** The latest reviewer link for these demographics. */
  linkMrn: string | null;
  /** The reviewer's latest answer was "a new patient". */
  newPatient: boolean;
  /** MRNs a reviewer said are not this patient. */
  notMrns: Set<string>;
}

interface Scored extends CandidateScore {
  record: EhrRecord;
  vetoes: string[];
  probability: number;
}

const round = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places;

function candidateVetoes(q: NormalDemographics, c: Scored, all: Scored[]): string[] {
  const v: string[] = [];
  const r = c.record.norm;
  const l = c.levels;
  if (q.suffix && r.suffix && q.suffix !== r.suffix) v.push('suffix_conflict');
  if (l.sex === 'disagree') v.push('sex_conflict');
  const sameDob = l.dob === 'exact' || l.dob === 'swapped_day_month';
  const household = l.lastName === 'exact' || l.lastName === 'hyphen_part' || l.phone === 'exact' || l.address === 'exact';
  // Twins and siblings share surname, DOB and home: only a clearly agreeing first name tells them apart.
  // A one-keystroke typo counts only when the sex agrees (Jon/Joan are a brother and sister).
  const strongFirst = STRONG_FIRST_NAME.has(l.firstName) || (l.firstName === 'typo' && l.sex === 'agree');
  if (sameDob && household && !strongFirst) v.push('same_dob_household_different_first_name');
  // Twins in the EHR: another record with this DOB and surname but another first name.
  if (l.firstName !== 'exact' && r.dob && r.last) {
    // It matters only when the query's first name could also be the twin's.
    const twin = all.some(
      (o) =>
        o !== c &&
        o.record.norm.dob === r.dob &&
        o.record.norm.last === r.last &&
        o.record.norm.first !== r.first &&
        o.levels.firstName !== 'disagree' &&
        o.levels.firstName !== 'missing',
    );
    if (twin) v.push('possible_twin_in_ehr');
  }
  if (l.firstName === 'missing' || l.dob === 'missing') v.push('personal_evidence_missing');
  return v;
}

function personalEvidence(c: Scored): boolean {
  const f = c.levels.firstName;
  const d = c.levels.dob;
  return f !== 'missing' && f !== 'disagree' && f !== 'initial' && d !== 'missing' && d !== 'disagree';
}

function certainlyExisting(c: Scored): boolean {
  const l = c.levels;
  return l.mrn === 'exact' || ((l.firstName === 'exact' || l.firstName === 'nickname') && l.lastName === 'exact' && l.dob === 'exact');
}

function toCandidate(c: Scored): MatchCandidate {
  return {
    mrn: c.record.mrn,
    score: round(c.weight, 2),
    probability: round(c.probability, 6),
    comparisons: c.comparisons.filter((x) => x.level !== 'missing'),
    vetoes: c.vetoes,
  };
}

export function decide(q: NormalDemographics, found: BlockResult, model: MatchModel, remembered: RememberedDecisions | null): MatchDecision {
  const records = found.records.filter((r) => !remembered?.notMrns.has(r.mrn));
  const scored: Scored[] = records.map((record) => ({ ...model.score(q, record.norm), record, vetoes: [], probability: 0 }));
  const probs = posteriors(scored.map((s) => s.weight));
  scored.forEach((s, i) => (s.probability = probs[i] ?? 0));
  for (const s of scored) s.vetoes = candidateVetoes(q, s, scored);
  scored.sort((a, b) => b.weight - a.weight);
  const shown = scored.slice(0, CANDIDATES_SHOWN).map(toCandidate);
  const best = scored[0];
  const score = best ? round(best.weight, 2) : 0;

  if (remembered?.linkMrn) {
    return { decision: 'match', mrn: remembered.linkMrn, score, candidates: shown, vetoes: [], reason: 'reviewer_decision' };
  }
  const vetoes: string[] = [];
  if (found.truncated) vetoes.push('candidate_search_truncated');
  if (best && best.levels.mrn !== 'exact' && scored.some((s) => s.levels.mrn === 'exact')) vetoes.push('different_mrn_claimed');
  if (remembered?.newPatient && !scored.some((s) => s.levels.mrn === 'exact')) {
    return { decision: 'new', mrn: null, score, candidates: shown, vetoes, reason: 'reviewer_decision' };
  }
  if (!best) {
    return found.truncated
      ? { decision: 'review', mrn: null, score, candidates: shown, vetoes, reason: 'search_incomplete' }
      : { decision: 'new', mrn: null, score, candidates: shown, vetoes, reason: 'no_candidates' };
  }
  if (best.probability >= AUTO_LINK_MIN_POSTERIOR && personalEvidence(best) && best.vetoes.length === 0 && vetoes.length === 0) {
    return { decision: 'match', mrn: best.record.mrn, score, candidates: shown, vetoes, reason: 'overwhelming_evidence' };
  }
  if (best.probability < NEW_MAX_POSTERIOR && vetoes.length === 0 && !scored.some(certainlyExisting)) {
    return { decision: 'new', mrn: null, score, candidates: shown, vetoes, reason: 'no_plausible_candidate' };
  }
  const reason =
    best.vetoes.length > 0 || vetoes.length > 0
      ? 'vetoed'
      : best.probability >= AUTO_LINK_MIN_POSTERIOR
        ? 'insufficient_personal_evidence'
        : 'uncertain';
  return { decision: 'review', mrn: null, score, candidates: shown, vetoes: [...vetoes, ...best.vetoes], reason };
}
