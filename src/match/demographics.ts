/**
 * The match stage's input and output (shared/spec/cli.md `match --json`).
 */

export interface Demographics {
  firstName?: string | null;
  middleName?: string | null;
  lastName?: string | null;
  /** YYYY-MM-DD */
  dob?: string | null;
  sex?: string | null;
  phone?: string | null;
  postalCode?: string | null;
  memberId?: string | null;
  mrn?: string | null;
  /** Optional extras used for household evidence. */
  addressLine1?: string | null;
  suffix?: string | null;
}

export type MatchDecisionKind = 'match' | 'review' | 'new';

export interface ComparisonExplanation {
  field: string;
  level: string;
  weight: number;
}

export interface MatchCandidate {
  mrn: string;
  score: number;
  /** Posterior probability of being the same person, [0,1]. */
  probability?: number;
  comparisons?: ComparisonExplanation[];
  vetoes?: string[];
}

export interface MatchDecision {
  decision: MatchDecisionKind;
  mrn: string | null;
  score: number;
  candidates: MatchCandidate[];
  /** Reasons that forced review whatever the score. */
  vetoes?: string[];
  /** Short non-PHI reason for the decision. */
  reason?: string;
  /**
   * On a link: the query's values that the linked chart states identically
   * (normalised names, exact date of birth, sex, phone, ZIP, street line). The
   * review gate may count an OCR'd reading of them as confirmed (pipeline/stages.ts).
   */
  confirms?: Array<'firstName' | 'middleName' | 'lastName' | 'dob' | 'sex' | 'phone' | 'postalCode' | 'addressLine1'>;
}
