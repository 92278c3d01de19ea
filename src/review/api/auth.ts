/**
 * Bearer-token authentication and role checks for /v1. Failed attempts are
 * counted per client address in a sliding one-minute window
 * (AUTH_FAILURES_PER_MINUTE); past it, that address gets 429 until the window
 * clears, so tokens cannot be guessed at speed. Failures and denials are audited.
 */
import type { MiddlewareHandler } from 'hono';
import { appendAuditEvent } from '../../audit/index.ts';
import { IntakeError } from '../../core/errors.ts';
import type { Store } from '../../store/store.ts';
import type { UserRole } from '../../store/schema/index.ts';
import { authenticateToken, type ApiUser } from '../users.ts';
import type { ApiEnv } from './env.ts';

const WINDOW_MS = 60_000;
const MAX_TRACKED_ADDRESSES = 10_000;

export class AuthFailureLimiter {
  readonly #failures = new Map<string, number[]>();
  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  #recent(key: string): number[] {
    const cutoff = this.now() - WINDOW_MS;
    const list = (this.#failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length) this.#failures.set(key, list);
    else this.#failures.delete(key);
    return list;
  }

  /** Seconds until this address may try again, or 0. */
  blockedFor(key: string): number {
    const list = this.#recent(key);
    if (list.length < this.perMinute) return 0;
    return Math.max(1, Math.ceil((list[0]! + WINDOW_MS - this.now()) / 1000));
  }

  fail(key: string): void {
    const list = this.#recent(key);
    list.push(this.now());
    this.#failures.delete(key);
    this.#failures.set(key, list);
    if (this.#failures.size > MAX_TRACKED_ADDRESSES) {
      const oldest = this.#failures.keys().next().value;
      if (oldest !== undefined) this.#failures.delete(oldest);
    }
  }
}

/**
 * Recently verified tokens, so a busy reviewer does not cost a lookup per
 * request. Only successes are cached, for TOKEN_CACHE_MS: a token revoked by
 * another process (the CLI) stops working within that time; one revoked through
 * this API stops at once (clear()).
 */
export const TOKEN_CACHE_MS = 5_000;
const TOKEN_CACHE_MAX = 1_000;

export class TokenCache {
  readonly #entries = new Map<string, { user: ApiUser; until: number }>();
  get(token: string): ApiUser | null {
    const hit = this.#entries.get(token);
    if (!hit) return null;
    if (hit.until <= Date.now()) {
      this.#entries.delete(token);
      return null;
    }
    return hit.user;
  }
  set(token: string, user: ApiUser): void {
    if (this.#entries.size >= TOKEN_CACHE_MAX) this.#entries.clear();
    this.#entries.set(token, { user, until: Date.now() + TOKEN_CACHE_MS });
  }
  clear(): void {
    this.#entries.clear();
  }
}

export function authenticate(store: Store, limiter: AuthFailureLimiter, cache: TokenCache = new TokenCache()): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const address = c.get('clientAddress');
    const key = address ?? 'unknown';
    const wait = limiter.blockedFor(key);
    if (wait > 0) {
      throw new IntakeError('RATE_LIMITED', 'too many failed sign-in attempts; try again later', {
        details: { retryAfterSeconds: wait },
      });
    }
    const header = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new IntakeError('UNAUTHORIZED', 'a bearer token is required');
    const token = m[1]!;
    const user = cache.get(token) ?? (await authenticateToken(store.db, token));
    if (user) cache.set(token, user);
    if (!user) {
      limiter.fail(key);
      await appendAuditEvent(store.db, {
        actor: 'anonymous',
        action: 'auth.failed',
        resource: `${c.req.method} ${new URL(c.req.url).pathname.slice(0, 200)}`,
        outcome: 'denied',
        clientAddress: address,
      });
      throw new IntakeError('UNAUTHORIZED', 'the token is invalid or revoked');
    }
    c.set('user', user);
    await next();
  };
}

export function requireRole(store: Store, role: UserRole): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const user = c.get('user');
    if (role === 'admin' && user.role !== 'admin') {
      await appendAuditEvent(store.db, {
        actor: `user:${user.name}`,
        action: 'access.denied',
        resource: `${c.req.method} ${c.req.routePath}`,
        outcome: 'denied',
        clientAddress: c.get('clientAddress'),
      });
      throw new IntakeError('FORBIDDEN', 'this action needs the admin role');
    }
    await next();
  };
}
