import { describe, expect, it } from 'vitest';
import type { MailboxOps } from './process-message.ts';
import { withReadAhead } from './prefetch.ts';

function countingOps(sizes: Record<number, number>) {
  const calls: string[] = [];
  const ops: MailboxOps = {
    fetchMeta: async (uid) => {
      calls.push(`meta:${uid}`);
      return { size: sizes[uid] ?? 0, messageId: null, bodyStructure: undefined };
    },
    fetchSource: async (uid) => {
      calls.push(`source:${uid}`);
      return Buffer.from(`m${uid}`);
    },
    moveTo: async () => undefined,
  };
  return { ops, calls };
}

describe('read-ahead of the next message', () => {
  it('downloads the next message once, ahead of time, and fetches again on a second request', async () => {
    const { ops, calls } = countingOps({ 2: 100 });
    const ahead = withReadAhead(ops, 1_000);
    ahead.prefetch(2);
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toEqual(['meta:2', 'source:2']);
    expect((await ahead.fetchMeta(2))?.size).toBe(100);
    expect((await ahead.fetchSource(2))?.toString()).toBe('m2');
    expect(calls).toHaveLength(2);
    await ahead.fetchSource(2);
    expect(calls).toEqual(['meta:2', 'source:2', 'source:2']);
  });

  it('never downloads an oversized message ahead, and drops stale read-ahead', async () => {
    const { ops, calls } = countingOps({ 3: 5_000, 4: 10, 5: 10 });
    const ahead = withReadAhead(ops, 1_000);
    ahead.prefetch(3);
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toEqual(['meta:3']);
    ahead.prefetch(4);
    ahead.prefetch(5);
    await new Promise((r) => setTimeout(r, 10));
    // 4 was superseded by 5 before use: asking for it goes to the server.
    await ahead.fetchSource(4);
    expect(calls.filter((c) => c === 'source:4')).toHaveLength(2);
  });

  it('hands a failed read-ahead to the consumer as an error, not an unhandled rejection', async () => {
    const ops: MailboxOps = {
      fetchMeta: async () => {
        throw new Error('connection closed');
      },
      fetchSource: async () => Buffer.from('x'),
      moveTo: async () => undefined,
    };
    const ahead = withReadAhead(ops, 1_000);
    ahead.prefetch(9);
    await new Promise((r) => setTimeout(r, 10));
    await expect(ahead.fetchMeta(9)).rejects.toThrow('connection closed');
    expect((await ahead.fetchSource(9))?.toString()).toBe('x');
  });
});
