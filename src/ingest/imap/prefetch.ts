/**
 * Read-ahead of one message: while message N is being stored (blob fsync, database
 * transaction) the connection already downloads message N+1, so a backlog drains
 * at the pace of the slower of the two instead of their sum. Each prefetched
 * result is handed out once; a second call (a re-fetch after a short download)
 * goes to the server again. Oversized messages are never downloaded ahead.
 */
import type { MailboxOps } from './process-message.ts';

type Meta = Awaited<ReturnType<MailboxOps['fetchMeta']>>;

export function withReadAhead(ops: MailboxOps, maxMessageBytes: number): MailboxOps & { prefetch(uid: number): void } {
  const metas = new Map<number, Promise<Meta>>();
  /** 'skipped': not downloaded ahead (too large, or its metadata failed). */
  const sources = new Map<number, Promise<Buffer | null | 'skipped'>>();
  const take = <T>(map: Map<number, Promise<T>>, uid: number): Promise<T> | undefined => {
    const p = map.get(uid);
    map.delete(uid);
    return p;
  };
  return {
    fetchMeta: (uid) => take(metas, uid) ?? ops.fetchMeta(uid),
    async fetchSource(uid) {
      const ahead = take(sources, uid);
      const result = ahead ? await ahead : 'skipped';
      return result === 'skipped' ? ops.fetchSource(uid) : result;
    },
    moveTo: (uid, target) => ops.moveTo(uid, target),
    prefetch(uid) {
      // Only one message ahead: drop anything older that was never consumed.
      for (const key of [...metas.keys()]) if (key !== uid) metas.delete(key);
      for (const key of [...sources.keys()]) if (key !== uid) sources.delete(key);
      if (metas.has(uid)) return;
      const meta = ops.fetchMeta(uid);
      meta.catch(() => undefined); // the consumer sees the error when it awaits
      metas.set(uid, meta);
      const source = (async (): Promise<Buffer | null | 'skipped'> => {
        const m = await meta.catch(() => null);
        return m && m.size <= maxMessageBytes ? ops.fetchSource(uid) : 'skipped';
      })();
      source.catch(() => undefined);
      sources.set(uid, source);
    },
  };
}
