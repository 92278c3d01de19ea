/**
 * Claims keep two reviewers off the same item. A claim expires after
 * REVIEW_CLAIM_MS so an abandoned item returns to the queue; claiming again
 * extends your own claim. One upsert decides atomically who holds it.
 */
import { and, eq, lte, or, sql } from 'drizzle-orm';
import { IntakeError } from '../core/errors.ts';
import { reviewClaims } from '../store/schema/index.ts';
import type { Db } from '../store/store.ts';
import type { Tx } from '../audit/index.ts';
import { loadDocument } from './detail.ts';

export interface Claim {
  documentId: string;
  by: string;
  claimedAt: string;
  expiresAt: string;
}

export async function claimDocument(db: Db, documentId: string, userName: string, claimMs: number): Promise<Claim> {
  const doc = await loadDocument(db, documentId);
  if (doc.state !== 'in_review') {
    throw new IntakeError('CONFLICT', 'this referral is not awaiting review', { details: { state: doc.state } });
  }
  const now = new Date();
  const expiresAt = new Date(now.getTime() + claimMs);
  const rows = await db
    .insert(reviewClaims)
    .values({ documentId, userName, claimedAt: now, expiresAt })
    .onConflictDoUpdate({
      target: reviewClaims.documentId,
      set: {
        userName,
        expiresAt,
        // A renewal keeps the original claim time.
        claimedAt: sql`case when ${reviewClaims.userName} = ${userName} then ${reviewClaims.claimedAt} else ${now.toISOString()}::timestamptz end`,
      },
      setWhere: or(eq(reviewClaims.userName, userName), lte(reviewClaims.expiresAt, now)),
    })
    .returning();
  const row = rows[0];
  if (!row) {
    const held = await db.select().from(reviewClaims).where(eq(reviewClaims.documentId, documentId));
    throw new IntakeError('CLAIMED_BY_OTHER', 'another reviewer is working on this referral', {
      details: { claimedBy: held[0]?.userName ?? null, expiresAt: held[0]?.expiresAt.toISOString() ?? null },
    });
  }
  return { documentId, by: row.userName, claimedAt: row.claimedAt.toISOString(), expiresAt: row.expiresAt.toISOString() };
}

/** Releases your own claim; true when one was released. */
export async function releaseClaim(db: Db | Tx, documentId: string, userName: string): Promise<boolean> {
  const rows = await db
    .delete(reviewClaims)
    .where(and(eq(reviewClaims.documentId, documentId), eq(reviewClaims.userName, userName)))
    .returning({ id: reviewClaims.documentId });
  return rows.length > 0;
}

/** Throws CLAIMED_BY_OTHER when someone else holds a live claim. */
export async function assertNotClaimedByOther(tx: Db | Tx, documentId: string, userName: string): Promise<void> {
  const rows = await tx.select().from(reviewClaims).where(eq(reviewClaims.documentId, documentId));
  const held = rows[0];
  if (held && held.userName !== userName && held.expiresAt > new Date()) {
    throw new IntakeError('CLAIMED_BY_OTHER', 'another reviewer is working on this referral', {
      details: { claimedBy: held.userName, expiresAt: held.expiresAt.toISOString() },
    });
  }
}
