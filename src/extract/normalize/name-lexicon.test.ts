/** The look-alike check on OCR'd names against the bundled list of people's names. */
import { describe, expect, it } from 'vitest';
import { lookAlikeName } from './name-lexicon.ts';

describe('lookAlikeName', () => {
  it('finds the known name one look-alike slip away from an unknown one, in any case', () => {
    expect(lookAlikeName('Wel')).toBe('Wei');
    expect(lookAlikeName('lan')).toBe('Ian');
    expect(lookAlikeName('Davld')).toBe('David');
    expect(lookAlikeName('Jarnes')).toBe('James');
    expect(lookAlikeName('SOFLA')).toBe('Sofia');
  });

  it('leaves known names, names with no known look-alike, and what is no plain name', () => {
    for (const name of ['Wei', 'Ian', 'David', 'Kim', 'Priya', 'Zyxwab', 'O\'Brien', 'J', '']) expect(lookAlikeName(name)).toBeNull();
  });
});
