import { describe, expect, it } from 'vitest';
import type { LayoutBlock } from '../../layout.ts';
import { NO_NOISE, PageBuilder, degradePage, type Degrade } from './builder.ts';
import { Rng } from './rng.ts';

const NONE: Degrade = { split: 0, glue: 0, marks: 0, tilt: 0, jitter: 0, boxesRead: 0 };

function page(): LayoutBlock[] {
  const p = new PageBuilder(1, new Rng(3), NO_NOISE);
  p.row(100, [[40, 'Patient Name: Jane Roe'], [320, 'Referring Physician: Alan Smithers']]);
  p.row(114, [[40, 'Diagnosis: Hyperparathyroidism unspecified']]);
  return p.build('ocr').blocks;
}

const words = (blocks: LayoutBlock[]) => blocks.flatMap((b) => b.lines.flatMap((l) => l.words));
const text = (blocks: LayoutBlock[]) => words(blocks).map((w) => w.text);

describe('degradePage', () => {
  it('regroups the words with the layout builder and keeps them when nothing is degraded', () => {
    const out = degradePage(page(), NONE, 1, 612, 792);
    expect(text(out).sort()).toEqual(text(page()).sort());
    // The two columns of the row stay separate lines, each label with its value.
    const lines = out.flatMap((b) => b.lines.map((l) => l.text));
    expect(lines).toContain('Patient Name: Jane Roe');
    expect(lines).toContain('Referring Physician: Alan Smithers');
  });

  it('splits long words and glues labels to their values, losing no character', () => {
    const out = degradePage(page(), { ...NONE, split: 1, glue: 1 }, 1, 612, 792);
    const joined = text(out).join('');
    expect(joined.length).toBe(text(page()).join('').length);
    expect(text(out)).toContain('Name:Jane');
    expect(text(out)).not.toContain('unspecified');
  });

  it('adds at most `marks` stray low-confidence marks, deterministically', () => {
    const d = { ...NONE, marks: 4 };
    const a = degradePage(page(), d, 1, 612, 792);
    const b = degradePage(page(), d, 1, 612, 792);
    expect(a).toEqual(b);
    const extra = words(a).length - words(page()).length;
    expect(extra).toBeGreaterThanOrEqual(0);
    expect(extra).toBeLessThanOrEqual(4);
    for (const w of words(a)) if (!text(page()).includes(w.text)) expect(w.confidence).toBeLessThan(0.5);
  });

  it('tilts baselines: the same row drifts down or up across the page', () => {
    const drifts = [1, 2, 3, 4, 5].map((n) => {
      const out = degradePage(page(), { ...NONE, tilt: 2 }, n, 612, 792);
      const y = (t: string) => words(out).find((w) => w.text === t)!.bbox[1];
      return y('Smithers') - y('Patient');
    });
    // At most 2 pt per 100 pt over the ~440 pt between the two words; not all flat.
    for (const d of drifts) expect(Math.abs(d)).toBeLessThanOrEqual(9.5);
    expect(Math.max(...drifts.map(Math.abs))).toBeGreaterThan(1);
    // Without tilt the row stays level.
    const flat = degradePage(page(), NONE, 1, 612, 792);
    const fy = (t: string) => words(flat).find((w) => w.text === t)!.bbox[1];
    expect(fy('Smithers')).toBe(fy('Patient'));
  });

  it('keeps whole checkboxes as the decoder reads them ("☒"/"☐") in the share boxesRead', () => {
    const build = (boxesRead: number) => {
      const p = new PageBuilder(1, new Rng(9), { wordError: 0.01, clean: [0.9, 0.95], degrade: { ...NONE, boxesRead } });
      p.row(100, [[40, 'Priority: ☒ Urgent ☐ Routine ☐ STAT']]);
      return text(p.build('ocr').blocks);
    };
    expect(build(1).filter((t) => t === '☒' || t === '☐')).toHaveLength(3);
    expect(build(0).filter((t) => t === '☒' || t === '☐')).toHaveLength(0);
  });
});
