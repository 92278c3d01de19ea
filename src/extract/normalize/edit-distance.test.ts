import { describe, expect, it } from 'vitest';
import { levenshtein, withinOneEdit } from './edit-distance.ts';

describe('edit distances', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(levenshtein('carrier', 'carner')).toBe(2);
    expect(levenshtein('birth', 'binh')).toBe(2);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('same', 'same')).toBe(0);
  });

  it('tells one edit from two in one pass, and agrees with the full distance', () => {
    for (const [a, b] of [['female', 'femole'], ['female', 'femal'], ['woman', 'womon'], ['female', 'fmale'], ['female', 'femxle1'], ['ab', 'ba'], ['abc', 'abc']] as const) {
      expect(withinOneEdit(a, b)).toBe(levenshtein(a, b) <= 1);
    }
    expect(withinOneEdit('female', 'fem')).toBe(false);
  });
});
