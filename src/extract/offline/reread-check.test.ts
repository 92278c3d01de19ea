import { describe, expect, it } from 'vitest';
import type { BBox, LayoutPage, LayoutWord } from '../layout.ts';
import { rereadVerdict } from './reread-check.ts';

const w = (text: string, x0: number, x1: number, reread?: string): LayoutWord => ({ text, bbox: [x0, 100, x1, 112], confidence: 0.93, ...(reread === undefined ? {} : { reread }) });

function page(words: LayoutWord[], source: LayoutPage['source'] = 'ocr'): LayoutPage {
  return { pageNumber: 1, width: 612, height: 792, source, blocks: [{ bbox: [0, 100, 400, 112], lines: [{ text: words.map((x) => x.text).join(' '), bbox: [0, 100, 400, 112], words }] }] };
}
const valueBox: BBox = [60, 100, 200, 112];

describe('rereadVerdict', () => {
  it('agrees when every word under the value was read alike twice, punctuation and spacing aside', () => {
    const p = page([w('DOB:', 10, 50, 'DOB'), w('03/14/1962', 60, 130, '03/1 4/1962'), w('S52.501A', 140, 200, 's52501a')]);
    expect(rereadVerdict(p, valueBox)).toBe('agree');
  });

  it('differs when one glyph differs, or the second reading saw nothing', () => {
    expect(rereadVerdict(page([w('555-0142', 60, 130, '555-0112')]), valueBox)).toBe('differ');
    expect(rereadVerdict(page([w('Jane', 60, 100, 'Jane'), w('Doe', 110, 150, '')]), valueBox)).toBe('differ');
  });

  it('differs when one reading saw an "&" the other did not (a word of the value lost)', () => {
    expect(rereadVerdict(page([w('Endocrinology', 60, 130, 'Endocrinology&'), w('Diabetes', 135, 180, 'Diabetes')]), valueBox)).toBe('differ');
    expect(rereadVerdict(page([w('Heart', 60, 90, 'Heart'), w('&', 95, 100, '&'), w('Vascular', 105, 150, 'Vascular')]), valueBox)).toBe('agree');
  });

  it('compares the value as one run of characters, so two words the second reading glued still agree', () => {
    expect(rereadVerdict(page([w('Community', 60, 110, ''), w('Health', 115, 150, 'CommunityHealth')]), valueBox)).toBe('agree');
    expect(rereadVerdict(page([w('Marigold', 60, 110, ''), w('Trail', 115, 150, 'MarigoIdTrail')]), valueBox)).toBe('differ');
  });

  it('agrees on a coded value when the field\'s own reader gives the same value from the second reading', () => {
    const today = new Date('2026-11-01T00:00:00Z');
    const dx = page([w('E11.65', 60, 110, 'El1.65')]);
    expect(rereadVerdict(dx, valueBox)).toBe('differ');
    expect(rereadVerdict(dx, valueBox, { key: 'referral.diagnosisCodes', value: ['E11.65'], today })).toBe('agree');
    expect(rereadVerdict(page([w('1D', 60, 80, 'ID')]), valueBox, { key: 'patient.address.state', value: 'ID', today })).toBe('agree');
    // Closed lists: a payer or specialty both readings name alike.
    expect(rereadVerdict(page([w('Cigha', 60, 110, 'Cigna')]), valueBox, { key: 'insurance.payer', value: 'Cigna', today })).toBe('agree');
    expect(rereadVerdict(page([w('GI', 60, 80, 'Gl')]), valueBox, { key: 'referral.specialty', value: 'GI', today })).toBe('agree');
    // A different digit stays a difference; a name is compared by its letters only.
    expect(rereadVerdict(page([w('06/07/03', 60, 120, '06/07/08')]), valueBox, { key: 'patient.dob', value: '2003-06-07', today })).toBe('differ');
    expect(rereadVerdict(page([w('Aaliyah', 60, 120, 'AaIiyah')]), valueBox, { key: 'patient.firstName', value: 'Aaliyah', today })).toBe('differ');
  });

  it('only looks at the words under the value (its label may read differently)', () => {
    expect(rereadVerdict(page([w('D0B:', 10, 50, 'DOB'), w('Smith', 60, 120, 'Smith')]), valueBox)).toBe('agree');
  });

  it('has no verdict on a text layer or where a word was read once only', () => {
    expect(rereadVerdict(page([w('Smith', 60, 120)], 'text'), valueBox)).toBeUndefined();
    expect(rereadVerdict(page([w('Smith', 60, 120, 'Smith'), w('Jr', 130, 150)]), valueBox)).toBeUndefined();
    expect(rereadVerdict(undefined, valueBox)).toBeUndefined();
  });
});
