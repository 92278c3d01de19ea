/**
 * API users and their bearer tokens. A token is 32 random bytes, printed once and
 * stored only as its SHA-256 (a high-entropy secret needs no slow hash; a lookup
 * by hash also avoids comparing secrets byte by byte). Revoking keeps the row so
 * the audit trail's actors stay resolvable.
 */
import crypto from 'node:crypto';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { IntakeError } from '../core/errors.ts';
import { apiUsers, type UserRole } from '../store/schema/index.ts';
import type { Db } from '../store/store.ts';

export const TOKEN_PREFIX = 'rit_';
export const USER_NAME_PATTERN = /^[a-z0-9][a-z0-9._@-]{0,63}$/i;

export interface ApiUser {
  id: string;
  name: string;
  role: UserRole;
}

export interface UserListing extends ApiUser {
  createdAt: string;
  revokedAt: string | null;
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export function newToken(): string {
  return TOKEN_PREFIX + crypto.randomBytes(32).toString('base64url');
}

/** Creates a user and returns its token (shown once). A revoked name can be re-added. */
export async function createUser(db: Db, name: string, role: UserRole): Promise<{ user: ApiUser; token: string }> {
  if (!USER_NAME_PATTERN.test(name)) {
    throw new IntakeError('BAD_REQUEST', 'user name must be 1-64 letters, digits, ".", "_", "@" or "-"');
  }
  const token = newToken();
  const tokenHash = hashToken(token);
  return db.transaction(async (tx) => {
    const existing = await tx.select().from(apiUsers).where(eq(apiUsers.name, name)).limit(1);
    const row = existing[0];
    if (row && row.revokedAt === null) {
      throw new IntakeError('CONFLICT', 'a user with this name already exists', { details: { name } });
    }
    const saved = row
      ? await tx
          .update(apiUsers)
          .set({ role, tokenHash, revokedAt: null, createdAt: new Date() })
          .where(eq(apiUsers.id, row.id))
          .returning()
      : await tx.insert(apiUsers).values({ name, role, tokenHash }).returning();
    const user = saved[0]!;
    return { user: { id: user.id, name: user.name, role: user.role }, token };
  });
}

/** Revokes a user's token; false when no active user has that name. */
export async function revokeUser(db: Db, name: string): Promise<boolean> {
  const rows = await db
    .update(apiUsers)
    .set({ revokedAt: new Date(), tokenHash: `revoked:${crypto.randomUUID()}` })
    .where(and(eq(apiUsers.name, name), isNull(apiUsers.revokedAt)))
    .returning({ id: apiUsers.id });
  return rows.length > 0;
}

export async function listUsers(db: Db): Promise<UserListing[]> {
  const rows = await db.select().from(apiUsers).orderBy(asc(apiUsers.name));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    role: r.role,
    createdAt: r.createdAt.toISOString(),
    revokedAt: r.revokedAt?.toISOString() ?? null,
  }));
}

/** The active user holding this token, or null. */
export async function authenticateToken(db: Db, token: string): Promise<ApiUser | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const rows = await db
    .select({ id: apiUsers.id, name: apiUsers.name, role: apiUsers.role })
    .from(apiUsers)
    .where(and(eq(apiUsers.tokenHash, hashToken(token)), isNull(apiUsers.revokedAt)))
    .limit(1);
  return rows[0] ?? null;
}
