/**
 * The page's only way to the server: the public /v1 API with the reviewer's
 * bearer token. Every path is built here from opaque ids and non-PHI filters,
 * so no patient data ever appears in a URL. Errors become ApiError with the
 * API's code, and a plain-language hint of what to do (shown as is).
 */
import type { Me, PatientChoice, QueuePage, ReferralDetail } from './types.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export interface QueueQuery {
  reason?: string | undefined;
  minAgeSeconds?: number | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

export interface ApproveBody {
  version: number;
  /** Only changed fields; null removes a value the extractor invented. */
  corrections: Record<string, string | string[] | null>;
  patient: PatientChoice;
}

export interface ApiClient {
  me(): Promise<Me>;
  queue(query: QueueQuery): Promise<QueuePage>;
  referral(id: string): Promise<ReferralDetail>;
  claim(id: string): Promise<unknown>;
  release(id: string): Promise<void>;
  approve(id: string, body: ApproveBody): Promise<unknown>;
  reject(id: string, body: { version: number; reason: string; note?: string }): Promise<unknown>;
  /** A page image as a blob: URL (the image request needs the bearer token). */
  pageImage(id: string, page: number): Promise<{ url: string; widthPt: number; heightPt: number }>;
}

/** Page images at a screen resolution; sharp enough to read a fax at 1280 px wide. */
export const PAGE_DPI = 110;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function idPath(id: string): string {
  if (!UUID.test(id)) throw new ApiError(400, 'BAD_REQUEST', 'That item id is not valid.');
  return encodeURIComponent(id);
}

async function errorFrom(res: Response): Promise<ApiError> {
  let code = `HTTP_${res.status}`;
  let message = res.statusText || 'request failed';
  let details: Record<string, unknown> = {};
  try {
    const body = (await res.json()) as Record<string, unknown>;
    const err = (typeof body.error === 'object' && body.error !== null ? body.error : body) as Record<string, unknown>;
    if (typeof err.code === 'string') code = err.code;
    if (typeof err.message === 'string') message = err.message;
    if (typeof err.details === 'object' && err.details !== null) details = err.details as Record<string, unknown>;
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(res.status, code, message, details);
}

/** What a reviewer should do about an error, in plain words. */
export function explainError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'CLAIMED_BY_OTHER') {
      const who = typeof err.details.claimedBy === 'string' ? err.details.claimedBy : 'another reviewer';
      return `This referral is taken: ${who} is working on it. Pick another item from the queue.`;
    }
    if (err.code === 'VERSION_STALE') {
      return 'This referral changed since you opened it (someone else decided it, or the pipeline updated it). Reload it with Shift+R to see the latest version, then re-apply your corrections.';
    }
    if (err.status === 409) return `${err.message}. Reload the queue (Shift+R) and pick another item.`;
    if (err.status === 401) return 'Your sign-in is no longer valid. Sign in again with your reviewer token.';
    if (err.status === 403) return 'Your token is not allowed to do this. Ask an administrator for a reviewer token.';
    if (err.status === 404) return 'This referral no longer exists. Go back to the queue.';
    if (err.code === 'FIELD_INVALID') return `The server refused a value: ${err.message}. Fix that field and approve again.`;
    if (err.status === 400 || err.status === 422) return `The server refused the values: ${err.message}. Fix the marked fields and try again.`;
    if (err.status === 429) return 'Too many requests. Wait a moment and try again.';
    return `The server had a problem (${err.code}). Try again; if it persists, tell an administrator.`;
  }
  return 'The server could not be reached. Check the connection and try again.';
}

export function createApi(getToken: () => string | null, onUnauthorized: () => void): ApiClient {
  async function request(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = getToken();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(path, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        credentials: 'omit',
        cache: 'no-store',
        referrerPolicy: 'no-referrer',
      });
    } catch {
      throw new ApiError(0, 'NETWORK', 'network error');
    }
    if (!res.ok) {
      const err = await errorFrom(res);
      if (res.status === 401) onUnauthorized();
      throw err;
    }
    return res;
  }
  async function json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await request(method, path, body);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }

  return {
    me: () => json<Me>('GET', '/v1/me'),
    queue: (q) => {
      const params = new URLSearchParams();
      if (q.reason) params.set('reason', q.reason);
      if (q.minAgeSeconds !== undefined) params.set('minAgeSeconds', String(q.minAgeSeconds));
      params.set('limit', String(q.limit ?? 50));
      if (q.cursor) params.set('cursor', q.cursor);
      return json<QueuePage>('GET', `/v1/queue?${params.toString()}`);
    },
    referral: (id) => json<ReferralDetail>('GET', `/v1/referrals/${idPath(id)}`),
    claim: (id) => json('POST', `/v1/referrals/${idPath(id)}/claim`, {}),
    release: async (id) => {
      await request('DELETE', `/v1/referrals/${idPath(id)}/claim`);
    },
    approve: (id, body) => json('POST', `/v1/referrals/${idPath(id)}/approve`, body),
    reject: (id, body) => json('POST', `/v1/referrals/${idPath(id)}/reject`, body),
    pageImage: async (id, page) => {
      const res = await request('GET', `/v1/referrals/${idPath(id)}/pages/${Math.max(1, Math.floor(page))}.png?dpi=${PAGE_DPI}`);
      const url = URL.createObjectURL(await res.blob());
      // The API scales a page so one point is dpi/72 pixels: the image size gives the page size in points.
      const img = new Image();
      img.src = url;
      try {
        await img.decode();
      } catch {
        URL.revokeObjectURL(url);
        throw new ApiError(0, 'IMAGE_UNREADABLE', 'page image could not be decoded');
      }
      return { url, widthPt: (img.naturalWidth * 72) / PAGE_DPI, heightPt: (img.naturalHeight * 72) / PAGE_DPI };
    },
  };
}
