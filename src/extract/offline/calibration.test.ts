/**
 * Calibration property on a seeded generated set the calibration was not fitted
 * on (fit seed 7, benchmark seed 99, this set seed 4242): fields reported at or
 * above the review threshold are right at least 99.5% of the time, no
 * non-referral is auto-accepted, and the generator itself is reproducible.
 */
import { describe, expect, it } from 'vitest';
import { calibratedConfidence } from './calibration.ts';
import { featureKeys } from './confidence.ts';
import { extractOffline } from './index.ts';
import { scoreFields } from './score.ts';
import { generateCorpus, generateDoc } from './synth/generate.ts';

const today = new Date('2025-11-15T00:00:00Z');

describe('calibration on a generated held-out set', () => {
  const docs = generateCorpus(400, 4242, today);
  const results = docs.map((d) => ({ d, x: extractOffline(d.layout, { reviewThreshold: 0.95, today }) }));

  it('fields at ≥ 0.95 are right at least 99.5% of the time', () => {
    let high = 0;
    let wrong = 0;
    for (const { d, x } of results) {
      if (d.documentType !== 'referral') continue;
      for (const o of scoreFields(x, d.fields)) {
        if (o.outcome === 'missing' || o.confidence < 0.95) continue;
        high++;
        if (o.outcome !== 'right') wrong++;
      }
    }
    expect(high).toBeGreaterThan(2000);
    expect(wrong / high).toBeLessThanOrEqual(0.005);
  });

  it('never auto-accepts a wrong patient name or date of birth, whatever the quality', () => {
    const bad = results.filter(({ d, x }) => d.documentType === 'referral' && !x.needsReview &&
      scoreFields(x, d.fields).some((o) => ['patient.firstName', 'patient.lastName', 'patient.dob'].includes(o.key) && o.outcome !== 'right'));
    expect(bad.map(({ d }) => d.id)).toEqual([]);
  });

  it('classifies document types and never auto-accepts a non-referral', () => {
    const right = results.filter(({ d, x }) => d.documentType === x.documentType).length;
    expect(right / results.length).toBeGreaterThanOrEqual(0.98);
    expect(results.filter(({ d, x }) => d.documentType !== 'referral' && !x.needsReview)).toHaveLength(0);
  });

  it('auto-accepts a useful share of clean digital referrals', () => {
    const digital = results.filter(({ d }) => d.documentType === 'referral' && d.quality === 'digital');
    const auto = digital.filter(({ x }) => !x.needsReview).length;
    expect(auto / digital.length).toBeGreaterThan(0.5);
  });
});

describe('generator', () => {
  it('is reproducible from its seed and labels in normal form', () => {
    const a = generateDoc(123, today);
    const b = generateDoc(123, today);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(generateDoc(124, today))).not.toBe(JSON.stringify(a));
    for (const d of generateCorpus(50, 9, today)) {
      if (d.documentType !== 'referral') continue;
      expect(d.fields['patient.dob']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(d.fields['referringProvider.name']).not.toMatch(/\b(MD|Dr)\b/);
    }
  });
});

describe('feature keys', () => {
  it('pools sparse checklist buckets of every field into one last fallback, and only for checklists', () => {
    const cand = (key: 'referral.specialty' | 'patient.sex', method: 'checklist' | 'label') => ({
      candidate: { key, value: 'x', page: 1, bbox: [0, 0, 1, 1] as [number, number, number, number], method, ocr: 0.9, below: false, fuzzyLabel: false, repairs: 0, doubt: 0.05, offPage: false },
      raw: 0.9, agree: 1, conflict: false, support: [], reread: 'agree' as const,
    });
    const spec = featureKeys('referral.specialty', cand('referral.specialty', 'checklist'));
    const sex = featureKeys('patient.sex', cand('patient.sex', 'checklist'));
    expect(spec[spec.length - 1]).toBe('*|checklist|ov|-');
    expect(sex[sex.length - 1]).toBe(spec[spec.length - 1]);
    expect(featureKeys('referral.specialty', cand('referral.specialty', 'label')).some((k) => k.startsWith('*'))).toBe(false);
  });

  it('pools a plainly read birth date with the other digit strings, not one read with a doubt', () => {
    const dob = (doubt: number) => featureKeys('patient.dob', {
      candidate: { key: 'patient.dob', value: '1964-10-11', page: 1, bbox: [0, 0, 1, 1] as [number, number, number, number], method: 'narrative', ocr: 0.95, below: false, fuzzyLabel: false, repairs: 0, doubt, offPage: false },
      raw: 0.95, agree: 1, conflict: false, support: [], reread: 'agree' as const,
    });
    expect(dob(0)[dob(0).length - 1]).toBe('#|narrative|ov|-');
    expect(dob(0.15).some((k) => k.startsWith('#'))).toBe(false);
  });
});

describe('bucket estimate', () => {
  const chosen = {
    candidate: { key: 'patient.lastName' as const, value: 'x', page: 1, bbox: [0, 0, 1, 1] as [number, number, number, number], method: 'section' as const, ocr: 0.96, below: false, fuzzyLabel: false, repairs: 0, doubt: 0, offPage: false },
    raw: 0.98, agree: 2, conflict: false, support: [], reread: 'agree' as const,
  };
  const [fine, mid, coarse] = featureKeys('patient.lastName', chosen);

  it('shrinks a small fine bucket toward the coarser bucket it is part of', () => {
    // One miss in 50 alone is 0.948; inside a parent of 202 with two misses it clears the gate.
    expect(calibratedConfidence('patient.lastName', chosen, { [fine!]: [49, 50] })).toBeLessThan(0.95);
    expect(calibratedConfidence('patient.lastName', chosen, { [fine!]: [49, 50], [mid!]: [200, 202] })).toBeGreaterThanOrEqual(0.95);
  });

  it('keeps a bad fine bucket low however good its parent', () => {
    expect(calibratedConfidence('patient.lastName', chosen, { [fine!]: [45, 50], [mid!]: [400, 402], [coarse!]: [900, 902] })).toBeLessThan(0.95);
  });

  it('falls back below the gate when no bucket was seen often enough', () => {
    expect(calibratedConfidence('patient.lastName', chosen, { [fine!]: [30, 30] })).toBeLessThan(0.95);
  });
});
