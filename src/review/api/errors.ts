/**
 * The one mapping from failures to HTTP (STYLE.md §4): every error leaves as
 * `{error: {code, message, requestId}}` with IntakeError's status. Validation
 * messages name the parameter and the rule, never the value sent (it may be PHI
 * or an injection string). 5xx bodies carry a code and request id only.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { IntakeError, coerceError, type ErrorCode } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { ApiEnv } from './env.ts';

export interface ErrorBody {
  error: { code: string; message: string; requestId: string; details?: Record<string, unknown> };
}

function fromHttpException(err: HTTPException): IntakeError {
  const code: ErrorCode =
    err.status === 413 ? 'PAYLOAD_TOO_LARGE' : err.status === 401 ? 'UNAUTHORIZED' : err.status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST';
  const message = err.status === 400 && /json/i.test(err.message) ? 'malformed JSON body' : err.status === 413 ? 'request body too large' : 'bad request';
  return new IntakeError(code, message, { cause: err });
}

export function errorResponse(c: Context<ApiEnv>, err: unknown, logger: Logger): Response {
  const intake =
    err instanceof IntakeError ? err : err instanceof HTTPException ? fromHttpException(err) : new IntakeError('INTERNAL', 'internal error', { cause: err });
  const status = intake.httpStatus;
  const requestId = c.get('requestId') ?? 'unknown';
  if (status >= 500) {
    const cause = coerceError(intake.cause ?? intake);
    // The stack without its first line: a driver's message can quote row values (PHI).
    const stack = cause.stack?.split('\n').slice(1).join('\n');
    logger.error({ requestId, code: intake.code, err: { name: cause.name, stack } }, 'request failed');
  }
  const body: ErrorBody = {
    error: {
      code: intake.code,
      message: status >= 500 ? 'internal error' : intake.message,
      requestId,
      ...(status < 500 && intake.details ? { details: intake.details } : {}),
    },
  };
  const headers: Record<string, string> = {};
  if (intake.code === 'RATE_LIMITED' && typeof intake.details?.retryAfterSeconds === 'number') {
    headers['retry-after'] = String(intake.details.retryAfterSeconds);
  }
  if (intake.code === 'UNAUTHORIZED') headers['www-authenticate'] = 'Bearer';
  return c.json(body, status as 400, headers);
}

/** zod-openapi's validation hook: a failed parse becomes BAD_REQUEST naming paths and rules. */
export function validationHook(result: { success: boolean; error?: unknown; target?: string }): void {
  if (result.success) return;
  const issues = ((result.error as { issues?: { path: PropertyKey[]; message: string; code?: string }[] })?.issues ?? []).slice(0, 10);
  const described = issues.map((i) => ({ path: i.path.map(String).join('.'), problem: i.code ?? 'invalid' }));
  const where = result.target ? `${result.target}: ` : '';
  throw new IntakeError(
    'BAD_REQUEST',
    `invalid ${where}${described.map((d) => `${d.path || '(root)'} ${d.problem}`).join('; ') || 'input'}`,
    { details: { issues: described } },
  );
}
