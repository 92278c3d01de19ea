/**
 * Documents by state with the oldest in each: `intake status` and GET /status.
 * Counts and ages only.
 */
import { sql } from 'drizzle-orm';
import type { Store } from '../store/store.ts';

export interface StateSummary {
  state: string;
  count: number;
  oldest: string | null;
}

export async function documentStatus(store: Store): Promise<StateSummary[]> {
  const rows = await store.query<{ state: string; n: number; oldest: Date | string | null }>(sql`
    select state, count(*)::int as n, min(state_changed_at) as oldest from documents group by state order by state`);
  return rows.map((r) => ({
    state: r.state,
    count: Number(r.n),
    oldest: r.oldest === null ? null : new Date(r.oldest).toISOString(),
  }));
}
