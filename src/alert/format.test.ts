import { describe, expect, it } from 'vitest';
import { AlertDeduper } from './dedupe.ts';
import { alertFor, reviewLink, safeToken, slackMessage } from './format.ts';

describe('alert formatting', () => {
  it('reduces every value to a safe token: no Slack control characters, no free text', () => {
    expect(safeToken('imap:INBOX')).toBe('imap:INBOX');
    expect(safeToken('<!channel> & stuff')).toBe('__channel____stuff');
    expect(safeToken('x'.repeat(200))).toHaveLength(80);
  });

  it('links to the review item only for a real document id', () => {
    expect(reviewLink('https://a.example/intake/', '0B6A3F0E-8C1D-4F4E-9A51-6A8E5F6D2C11')).toBe(
      'https://a.example/intake/#/item/0b6a3f0e-8c1d-4f4e-9a51-6a8e5f6d2c11',
    );
    expect(reviewLink('https://a.example', 'not-an-id')).toBe('https://a.example/');
    expect(reviewLink(undefined, '0b6a3f0e-8c1d-4f4e-9a51-6a8e5f6d2c11')).toBeNull();
  });

  it('ignores short outages and carries hostile event values harmlessly', () => {
    expect(alertFor('source.failing', { source: 'drop', code: 'SOURCE_UNAVAILABLE', sinceMs: 10 }, { sourceDownMs: 1_000 })).toBeNull();
    const alert = alertFor('document.invalid', { documentId: '<@U123> hi', code: 'PDF_CORRUPT', source: 'drop>' }, { sourceDownMs: 0 });
    const text = slackMessage(alert!, 0, 0, 'https://a.example').text;
    expect(text).not.toMatch(/<@|U123> hi|drop>/);
    expect(text).toContain('source drop_');
  });
});

describe('AlertDeduper', () => {
  it('sends the first at once and one count per window for the rest', async () => {
    const sent: Array<[string, number]> = [];
    const deduper = new AlertDeduper<string>(100, (item, repeats) => sent.push([item, repeats]));
    expect(deduper.offer('k', 'a')).toBe('sent');
    expect(deduper.offer('k', 'a')).toBe('counted');
    expect(deduper.offer('k', 'a')).toBe('counted');
    expect(deduper.offer('other', 'b')).toBe('sent');
    await new Promise((r) => setTimeout(r, 180));
    expect(sent).toEqual([['a', 0], ['b', 0], ['a', 2]]);
    // Still within the follow-up window: counted, then flushed on stop.
    expect(deduper.offer('k', 'a')).toBe('counted');
    deduper.flush();
    expect(sent.at(-1)).toEqual(['a', 1]);
    expect(deduper.size).toBe(0);
  });

  it('with a zero window sends everything', () => {
    const sent: string[] = [];
    const deduper = new AlertDeduper<string>(0, (item) => sent.push(item));
    deduper.offer('k', 'a');
    deduper.offer('k', 'a');
    expect(sent).toEqual(['a', 'a']);
  });
});
