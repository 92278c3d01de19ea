/**
 * The review reasons of a matched document, and when a linked EHR chart may stand
 * in for the corroboration an OCR'd patient name or date of birth lacked.
 */
import { describe, expect, it } from 'vitest';
import { reviewGate, type ExtractedFields, type Extraction } from '../extract/extraction.ts';
import { confirmedByChart, reviewReasonsFor, type StoredMatch } from './stages.ts';

const box = { page: 1, bbox: [0, 0, 1, 1] as [number, number, number, number] };
function extraction(conf: Partial<Record<string, number>>): Extraction {
  const base: Record<string, [unknown, number]> = {
    'patient.firstName': ['Ada', 0.99],
    'patient.lastName': ['Quenby', 0.99],
    'patient.dob': ['1970-02-03', 0.99],
    'referringProvider.name': ['Lee Marsh', 0.99],
    'referral.reason': ['knee pain', 0.99],
    'patient.phone': ['5125550100', 0.99],
  };
  const fields = Object.fromEntries(
    Object.entries(base).map(([k, [value, c]]) => [k, { value, confidence: conf[k] ?? c, ...box }]),
  ) as ExtractedFields;
  for (const [k, c] of Object.entries(conf)) if (c === undefined) delete (fields as Record<string, unknown>)[k];
  const { needsReview, gate } = reviewGate('referral', 0.99, fields, 0.95, 0.8);
  return { documentType: 'referral', confidence: 0.99, needsReview, ...(gate ? { gate } : {}), fields, pages: 1, extractor: 'offline' };
}
const link = (confirms: StoredMatch['confirms']): StoredMatch => ({ decision: 'match', mrn: 'MRN1', score: 20, candidates: [], confirms });

describe('review gate reasons', () => {
  it('names the identity fields that alone held the document', () => {
    const e = extraction({ 'patient.firstName': 0.9, 'patient.dob': 0.9 });
    expect(e.needsReview).toBe(true);
    expect([...e.gate!.lowFields!].sort()).toEqual(['patient.dob', 'patient.firstName']);
  });

  it('a chart that states the same name and DOB clears low confidence on identity fields', () => {
    const e = extraction({ 'patient.firstName': 0.9, 'patient.lastName': 0.9, 'patient.dob': 0.9 });
    expect(reviewReasonsFor(e, link(['firstName', 'lastName', 'dob']))).toEqual([]);
    expect(confirmedByChart(e, link(['firstName', 'lastName', 'dob']))).toBe(true);
  });

  it('does not clear it when one held field is unconfirmed, not an identity field, or the match is not a link', () => {
    const e = extraction({ 'patient.firstName': 0.9, 'patient.dob': 0.9 });
    expect(reviewReasonsFor(e, link(['firstName']))).toEqual(['low_confidence']);
    const provider = extraction({ 'patient.dob': 0.9, 'referringProvider.name': 0.9 });
    expect(reviewReasonsFor(provider, link(['firstName', 'lastName', 'dob']))).toEqual(['low_confidence']);
    const weakPhone = extraction({ 'patient.dob': 0.9, 'patient.phone': 0.5 });
    expect(reviewReasonsFor(weakPhone, link(['firstName', 'lastName', 'dob']))).toEqual(['low_confidence']);
    // The same phone on the chart confirms it.
    expect(reviewReasonsFor(weakPhone, link(['firstName', 'lastName', 'dob', 'phone']))).toEqual([]);
    expect(reviewReasonsFor(e, { ...link(['firstName', 'dob']), decision: 'review' })).toEqual(['low_confidence', 'uncertain_match']);
  });

  it('a missing required field or a doubtful type is never cleared by a chart', () => {
    const missing = extraction({ 'patient.dob': undefined });
    expect(missing.gate?.lowFields).toBeNull();
    expect(reviewReasonsFor(missing, link(['firstName', 'lastName', 'dob']))).toContain('low_confidence');
    const e = extraction({ 'patient.dob': 0.9 });
    const doubtfulType = { ...e, ...reviewGate('referral', 0.6, e.fields, 0.95, 0.8) };
    expect(doubtfulType.gate?.lowFields).toBeNull();
    expect(reviewReasonsFor(doubtfulType, link(['dob']))).toContain('low_confidence');
  });

  it('a sure new patient is accepted like a sure link; only an undecided match waits', () => {
    const e = extraction({});
    expect(reviewReasonsFor(e, { decision: 'new', mrn: null, score: -20, candidates: [] })).toEqual([]);
    expect(reviewReasonsFor(e, { decision: 'review', mrn: null, score: 3, candidates: [] })).toEqual(['uncertain_match']);
    expect(reviewReasonsFor(e, null)).toEqual(['uncertain_match']);
    // A chart cannot confirm identity fields for a patient who has none.
    const held = extraction({ 'patient.dob': 0.9 });
    expect(reviewReasonsFor(held, { decision: 'new', mrn: null, score: -20, candidates: [] })).toEqual(['low_confidence']);
  });

  it('a confident document passes with no gate record', () => {
    const e = extraction({});
    expect(e.needsReview).toBe(false);
    expect(e.gate).toBeUndefined();
    expect(reviewReasonsFor(e, link([]))).toEqual([]);
  });
});
