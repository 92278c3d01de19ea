/**
 * The review queue: documents in_review, oldest first, filtered by reason and
 * age, paged with an opaque keyset cursor (state_changed_at, id) so paging stays
 * fast and stable however deep the queue is. Filters are bound parameters, never
 * spliced into SQL.
 */
import { and, asc, eq, gt, gte, lte, sql, type SQL } from 'drizzle-orm';
import { IntakeError } from '../core/errors.ts';
import { documents, reviewClaims } from '../store/schema/index.ts';
import type { Db } from '../store/store.ts';

export const REVIEW_REASONS = ['low_confidence', 'uncertain_match', 'not_referral', 'possible_duplicate', 'invalid'] as const;
export type ReviewReason = (typeof REVIEW_REASONS)[number];

export interface QueueFilter {
  reason?: ReviewReason | undefined;
  /** Only items waiting at least this long. */
  minAgeSeconds?: number | undefined;
  /** Only items waiting at most this long. */
  maxAgeSeconds?: number | undefined;
  limit: number;
  cursor?: string | undefined;
}

export interface QueueItem {
  id: string;
  receivedAt: string;
  inReviewSince: string;
  ageSeconds: number;
  reasons: string[];
  documentType: string | null;
  pageCount: number | null;
  version: number;
  /** Display summary for the reviewer (PHI: the listing is audited). */
  patientName: string | null;
  patientDob: string | null;
  claimedBy: string | null;
  claimExpiresAt: string | null;
}

export interface QueuePage {
  items: QueueItem[];
  nextCursor: string | null;
}

interface Cursor {
  t: string;
  id: string;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(raw: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (
      typeof c.t === 'string' &&
      !Number.isNaN(Date.parse(c.t)) &&
      typeof c.id === 'string' &&
      /^[0-9a-f-]{36}$/i.test(c.id)
    ) {
      return { t: c.t, id: c.id };
    }
  } catch {
    // fall through
  }
  throw new IntakeError('BAD_REQUEST', 'invalid cursor');
}

export async function listQueue(db: Db, filter: QueueFilter, now = new Date()): Promise<QueuePage> {
  const where: (SQL | undefined)[] = [eq(documents.state, 'in_review')];
  if (filter.reason) where.push(sql`${documents.reviewReasons} @> array[${filter.reason}]::text[]`);
  if (filter.minAgeSeconds !== undefined) {
    where.push(lte(documents.stateChangedAt, new Date(now.getTime() - filter.minAgeSeconds * 1000)));
  }
  if (filter.maxAgeSeconds !== undefined) {
    where.push(gte(documents.stateChangedAt, new Date(now.getTime() - filter.maxAgeSeconds * 1000)));
  }
  if (filter.cursor) {
    const c = decodeCursor(filter.cursor);
    // Compared at full microsecond precision: a JS Date would truncate it and repeat rows.
    const t = sql`${c.t}::timestamptz`;
    where.push(sql`(${documents.stateChangedAt}, ${documents.id}) > (${t}, ${c.id}::uuid)`);
  }
  const rows = await db
    .select({
      id: documents.id,
      receivedAt: documents.receivedAt,
      stateChangedAt: documents.stateChangedAt,
      cursorAt: sql<string>`to_char(${documents.stateChangedAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
      reasons: documents.reviewReasons,
      documentType: documents.documentType,
      pageCount: documents.pageCount,
      version: documents.version,
      first: sql<string | null>`${documents.extraction} #>> '{fields,patient.firstName,value}'`,
      last: sql<string | null>`${documents.extraction} #>> '{fields,patient.lastName,value}'`,
      dob: sql<string | null>`${documents.extraction} #>> '{fields,patient.dob,value}'`,
      claimedBy: reviewClaims.userName,
      claimExpiresAt: reviewClaims.expiresAt,
    })
    .from(documents)
    .leftJoin(reviewClaims, and(eq(reviewClaims.documentId, documents.id), gt(reviewClaims.expiresAt, now)))
    .where(and(...where))
    .orderBy(asc(documents.stateChangedAt), asc(documents.id))
    .limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.id,
      receivedAt: r.receivedAt.toISOString(),
      inReviewSince: r.stateChangedAt.toISOString(),
      ageSeconds: Math.max(0, Math.floor((now.getTime() - r.stateChangedAt.getTime()) / 1000)),
      reasons: r.reasons ?? [],
      documentType: r.documentType,
      pageCount: r.pageCount,
      version: r.version,
      patientName: [r.first, r.last].filter(Boolean).join(' ') || null,
      patientDob: r.dob,
      claimedBy: r.claimedBy,
      claimExpiresAt: r.claimExpiresAt?.toISOString() ?? null,
    })),
    nextCursor: rows.length > filter.limit && last ? encodeCursor({ t: last.cursorAt, id: last.id }) : null,
  };
}
