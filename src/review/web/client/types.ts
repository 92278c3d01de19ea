/**
 * The shapes the page reads from the public /v1 review API (see docs/api.md and
 * src/review/queue.ts, src/review/detail.ts). Type-only: the client bundle never pulls in server code.
 */

// Type-only re-exports of the server's shapes: erased by the bundler, so no server code ships.
import type { BBox } from '../../../extract/layout.ts';
import type { FieldView } from '../../detail.ts';
import type { QueueItem, QueuePage } from '../../queue.ts';

export type { BBox, FieldView, QueueItem, QueuePage };

export interface Comparison {
  field: string;
  level: string;
  weight: number;
}

export interface CandidatePatient {
  firstName: string | null;
  middleName: string | null;
  lastName: string | null;
  dob: string | null;
  sex: string | null;
  phone: string | null;
  addressLine1: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
}

export interface Candidate {
  mrn: string;
  score: number;
  probability: number | null;
  comparisons: Comparison[];
  vetoes: string[];
  patient: CandidatePatient | null;
}

export interface MatchView {
  decision: 'match' | 'review' | 'new';
  mrn: string | null;
  score: number;
  reason: string | null;
  vetoes: string[];
  candidates: Candidate[];
}

export interface ClaimView {
  by: string;
  claimedAt: string;
  expiresAt: string;
}

export interface ReferralDetail {
  id: string;
  state: string;
  version: number;
  receivedAt: string;
  pageCount: number | null;
  documentType: string | null;
  documentConfidence: number | null;
  reviewReasons: string[];
  reviewThreshold: number;
  fields: FieldView[];
  match: MatchView | null;
  claim: ClaimView | null;
}

/** A page image and its size in PDF points, so boxes (in points) can be drawn over it. */
export interface PageImage {
  page: number;
  url: string;
  widthPt: number;
  heightPt: number;
}

export interface Me {
  name: string;
  role: string;
}

export type PatientChoice = { mrn: string } | { newPatient: true };
