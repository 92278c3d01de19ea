/**
 * The offline extractor: always available, no network. Reads a DocumentLayout
 * (pages → blocks → lines → words with boxes) into the canonical referral fields
 * of shared/spec/referral-fields.md with calibrated confidence and evidence.
 * Synchronous and pure: the same layout and options give the same result.
 */
import { FIELD_KEYS, type FieldKey } from '../fields.ts';
import { reviewGate, type ExtractedFields, type Extraction } from '../extraction.ts';
import type { DocumentLayout } from '../layout.ts';
import { isCommonIcd10, validateFieldValue } from '../normalize/index.ts';
import { calibratedConfidence } from './calibration.ts';
import type { Candidate } from './candidates.ts';
import { readChecklists } from './checklist.ts';
import { classify, type Classification } from './classify.ts';
import { combine, type Chosen } from './confidence.ts';
import { sweepCodes } from './dx-sweep.ts';
import { codesMatchReason, fragilityCap, pageFacts, type PageFacts } from './fragility.ts';
import { readForm } from './form.ts';
import { readNarrative } from './narrative.ts';
import { buildPages } from './segments.ts';

export interface OfflineOptions {
  reviewThreshold: number;
  today?: Date;
}

/**
 * Labels whose value could not be read are reported in notes.unreadLabels; they
 * are not a review trigger (measured: it halved auto-acceptance without lowering
 * the error rate among accepted documents). A referral is only auto-accepted when every field it reports is at least this
 * sure (not just the required ones): a reviewer feels any wrong field.
 */
export const DOCUMENT_FIELD_FLOOR = 0.8;

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** All candidates, for debugging and tests. */
export function offlineCandidates(layout: DocumentLayout, today: Date): { candidates: Candidate[]; cls: Classification; unread: number } {
  const pages = buildPages(layout);
  const cls = classify(pages);
  const candidates: Candidate[] = [];
  const stats = { unread: 0 };
  cls.contentPages.forEach((page, i) => {
    const offPage = i > 0;
    candidates.push(...readForm(page, today, offPage, offPage ? undefined : stats), ...readNarrative(page, today, offPage), ...readChecklists(page, offPage));
  });
  return { candidates, cls, unread: stats.unread };
}

/** The chosen value per field with its features (the benchmark fits the calibration on these). */
export function offlineChosen(layout: DocumentLayout, today: Date): { cls: Classification; chosen: Partial<Record<FieldKey, Chosen>>; unread: number } {
  const { candidates, cls, unread } = offlineCandidates(layout, today);
  const chosen: Partial<Record<FieldKey, Chosen>> = {};
  if (cls.documentType !== 'referral') return { cls, chosen, unread };
  const byKey = new Map<FieldKey, Candidate[]>();
  for (const c of candidates) {
    if (validateFieldValue(c.key, c.value, { today }) !== null) continue;
    const list = byKey.get(c.key) ?? [];
    list.push(c);
    byKey.set(c.key, list);
  }
  // Diagnosis codes from several places on the referral page (primary, secondary, a code
  // table) are one list, not rival values.
  const dx = byKey.get('referral.diagnosisCodes');
  if (dx && dx.length > 1) byKey.set('referral.diagnosisCodes', mergeCodes(dx));
  for (const key of FIELD_KEYS) {
    const ch = combine(key, byKey.get(key) ?? []);
    if (ch) chosen[key] = ch;
  }
  // Secondary codes further down the same column (descriptions between them).
  const dxChosen = chosen['referral.diagnosisCodes'];
  const dxPage = dxChosen && cls.contentPages.find((p) => p.pageNumber === dxChosen.candidate.page);
  if (dxChosen && dxPage) {
    const have = dxChosen.candidate.value as string[];
    const all = sweepCodes(dxPage, dxChosen.candidate, have);
    const more = all.filter((c) => !have.includes(c));
    // A swept code off the bundled list is doubtful, like one read under its label.
    const doubt = more.some((c) => !isCommonIcd10(c)) ? Math.max(dxChosen.candidate.doubt, 0.12) : dxChosen.candidate.doubt;
    if (more.length) dxChosen.candidate = { ...dxChosen.candidate, value: all, doubt };
  }
  const reasonChosen = chosen['referral.reason'];
  if (dxChosen && reasonChosen && codesMatchReason(dxChosen.candidate.value as string[], String(reasonChosen.candidate.value))) {
    dxChosen.crossChecked = true;
    reasonChosen.crossChecked = true;
  }
  // An unlabelled NPI-shaped number that another label claims (a member id) is not the NPI.
  const npi = chosen['referringProvider.npi'];
  if (npi && npi.candidate.method === 'generic') {
    const claimed = (['insurance.memberId', 'insurance.groupNumber', 'patient.mrn', 'patient.phone', 'referringProvider.phone', 'referringProvider.fax'] as const)
      .some((k) => chosen[k]?.candidate.value === npi.candidate.value);
    if (claimed) delete chosen['referringProvider.npi'];
  }
  // A middle name only makes sense with the name it belongs to.
  if (chosen['patient.middleName'] && !chosen['patient.firstName']) delete chosen['patient.middleName'];
  return { cls, chosen, unread };
}

function mergeCodes(cands: Candidate[]): Candidate[] {
  const onPage = cands.filter((c) => !c.offPage);
  if (onPage.length < 2) return cands;
  const codes: string[] = [];
  for (const c of [...onPage].sort((a, b) => a.bbox[1] - b.bbox[1])) for (const code of c.value as string[]) if (!codes.includes(code)) codes.push(code);
  const best = onPage.find((c) => c.method === 'label') ?? onPage[0]!;
  const merged: Candidate = {
    ...best,
    value: codes,
    ocr: Math.min(...onPage.map((c) => c.ocr)),
    repairs: onPage.reduce((n, c) => n + c.repairs, 0),
    doubt: Math.max(...onPage.map((c) => c.doubt)),
  };
  return [merged, ...cands.filter((c) => c.offPage)];
}

export function extractOffline(layout: DocumentLayout, options: OfflineOptions): Extraction {
  const today = options.today ?? new Date();
  const { cls, chosen, unread } = offlineChosen(layout, today);
  const fields: ExtractedFields = {};
  const facts = new Map<number, PageFacts>(cls.contentPages.map((p) => [p.pageNumber, pageFacts(p)]));
  for (const key of FIELD_KEYS) {
    const ch = chosen[key];
    if (!ch) continue;
    const c = ch.candidate;
    const f = facts.get(c.page);
    const confidence = Math.min(calibratedConfidence(key, ch), f ? fragilityCap(key, ch, f) : 1);
    fields[key] = { value: c.value, confidence: round(confidence), page: c.page, bbox: c.bbox.map(round) as typeof c.bbox };
  }
  const { needsReview: review, gate } = reviewGate(cls.documentType, cls.confidence, fields, options.reviewThreshold, DOCUMENT_FIELD_FLOOR);
  return {
    documentType: cls.documentType,
    confidence: round(cls.confidence),
    needsReview: review,
    ...(gate ? { gate } : {}),
    fields,
    pages: layout.pages.length,
    extractor: 'offline',
    notes: { kind: cls.kind, coverPages: cls.coverPages, unreadLabels: unread },
  };
}
