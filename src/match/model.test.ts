// The Fellegi–Sunter weights: term frequencies, chance agreement from the table,
// household evidence never standing in for personal evidence, and posteriors.
import { describe, expect, it } from 'vitest';
import { MatchModel, posteriors, sampledUFromRows, type EhrStats } from './model.ts';
import { normalizeDemographics } from './normalize.ts';

function stats(): EhrStats {
  const rows = Array.from({ length: 400 }, (_, i) =>
    normalizeDemographics({ firstName: ['John', 'Mary', 'Ana', 'Li'][i % 4], lastName: i % 2 ? 'Smith' : `Rare${i}`, dob: `19${50 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}` }),
  );
  const { u, pairs } = sampledUFromRows(rows, 5_000);
  return {
    n: 10_000,
    firstFreq: new Map([['JOHN', 300], ['ZEBEDEE', 1]]),
    lastFreq: new Map([['SMITH', 100], ['QUILLFEATHER', 1]]),
    exactU: { dob: 1 / 30_000, phone: 1 / 9_000, postalCode: 0.02, sexAgree: 0.5, address: 1 / 9_000, memberId: 1e-4, middleName: 0.02 },
    sampledU: u,
    samplePairs: pairs,
  };
}

const model = new MatchModel(stats());
const q = (d: Record<string, string>) => normalizeDemographics(d);

describe('MatchModel', () => {
  it('a rare surname weighs more than a common one', () => {
    const common = model.weightOf('lastName', 'exact', q({ lastName: 'Smith' }));
    const rare = model.weightOf('lastName', 'exact', q({ lastName: 'Quillfeather' }));
    expect(rare).toBeGreaterThan(common + 5);
    expect(model.weightOf('firstName', 'exact', q({ firstName: 'Zebedee' }))).toBeGreaterThan(model.weightOf('firstName', 'exact', q({ firstName: 'John' })));
  });

  it('orders DOB levels from exact down to disagreement', () => {
    const d = q({ dob: '1961-04-09' });
    const w = (level: string) => model.weightOf('dob', level, d);
    expect(w('exact')).toBeGreaterThan(w('swapped_day_month'));
    expect(w('swapped_day_month')).toBeGreaterThan(w('one_digit'));
    expect(w('one_digit')).toBeGreaterThan(0);
    expect(w('disagree')).toBeLessThan(-5);
    expect(model.weightOf('dob', 'missing', d)).toBe(0);
  });

  it('drops shared phone and ZIP when first name or DOB contradicts', () => {
    const record = q({ firstName: 'Mary', lastName: 'Quillfeather', dob: '1961-04-09', phone: '5125550101', postalCode: '78701' });
    const sibling = model.score(q({ firstName: 'Peter', lastName: 'Quillfeather', dob: '1961-04-09', phone: '5125550101', postalCode: '78701' }), record);
    const phone = sibling.comparisons.find((c) => c.field === 'phone');
    expect(phone).toMatchObject({ level: 'exact', weight: 0 });
    const self = model.score(q({ firstName: 'Mary', lastName: 'Quillfeather', dob: '1961-04-09', phone: '5125550101' }), record);
    expect(self.comparisons.find((c) => c.field === 'phone')!.weight).toBeGreaterThan(5);
  });

  it('posteriors share one unit of probability with "nobody"', () => {
    const p = posteriors([20, 20]);
    expect(p[0]).toBeCloseTo(0.5, 5);
    expect(posteriors([30, 5])[0]).toBeGreaterThan(0.999);
    expect(posteriors([-10])[0]).toBeLessThan(0.001);
    expect(posteriors([])).toEqual([]);
  });
});
