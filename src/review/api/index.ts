/**
 * The review API (issue 7): `createReviewApi(deps)` returns a hono app serving
 * /v1 (bearer tokens, reviewer and admin roles), /openapi.json generated from the
 * same zod schemas that validate requests, and /docs. The lead mounts it with
 * `app.route('/', api)`. Errors leave through one mapping (errors.ts).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import crypto from 'node:crypto';
import { IntakeError } from '../../core/errors.ts';
import { AuthFailureLimiter, authenticate, TokenCache } from './auth.ts';
import { renderDocsPage } from './docs-page.ts';
import type { ApiEnv, PageRenderer, ReviewApiDeps } from './env.ts';
import { errorResponse, validationHook } from './errors.ts';
import { registerAdminRoutes } from './routes-admin.ts';
import { registerReviewRoutes } from './routes-review.ts';

export type { ReviewApiDeps, ApiEnv, PageRenderer, PageRenderOptions } from './env.ts';

/** JSON bodies are small; only the upload route takes MAX_UPLOAD_BYTES. */
const JSON_BODY_LIMIT_BYTES = 256 * 1024;
/** Room for multipart boundaries and headers around the file itself. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

function remoteAddress(env: unknown): string | null {
  const incoming = (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? null;
}

export function createReviewApi(deps: ReviewApiDeps): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  const logger = deps.logger.child({ component: 'review-api' });
  const limiter = new AuthFailureLimiter(deps.config.AUTH_FAILURES_PER_MINUTE);
  const tokens = new TokenCache();
  let renderer: Promise<PageRenderer> | null = null;
  const renderPage = () =>
    (renderer ??= deps.renderPage
      ? Promise.resolve(deps.renderPage)
      : import('../page-image.ts').then((m) => m.createPageRenderer(deps.config)));

  app.onError((err, c) => errorResponse(c, err, logger));

  app.use('*', async (c, next) => {
    c.set('requestId', crypto.randomUUID());
    c.set('clientAddress', remoteAddress(c.env));
    await next();
  });

  const uploadLimit = bodyLimit({
    maxSize: deps.config.MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD_BYTES,
    onError: () => {
      throw new IntakeError('PAYLOAD_TOO_LARGE', 'the document is larger than the upload limit', {
        details: { limitBytes: deps.config.MAX_UPLOAD_BYTES },
      });
    },
  });
  const jsonLimit = bodyLimit({
    maxSize: JSON_BODY_LIMIT_BYTES,
    onError: () => {
      throw new IntakeError('PAYLOAD_TOO_LARGE', 'request body too large', { details: { limitBytes: JSON_BODY_LIMIT_BYTES } });
    },
  });
  app.use('/v1/*', async (c, next) => {
    const upload = c.req.method === 'POST' && c.req.path === '/v1/documents';
    return (upload ? uploadLimit : jsonLimit)(c, next);
  });
  app.use('/v1/*', authenticate(deps.store, limiter, tokens));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A token from `intake users add NAME --role reviewer|admin`',
  });
  registerReviewRoutes(app, deps, renderPage);
  registerAdminRoutes(app, deps, () => tokens.clear());

  const info = {
    title: 'referral-intake review API',
    version: '1',
    description: 'Work the review queue, correct and approve referrals, read the audit trail. See docs/api.md.',
  };
  app.doc31('/openapi.json', { openapi: '3.1.0', info });
  app.get('/docs', (c) => c.html(renderDocsPage(app.getOpenAPI31Document({ openapi: '3.1.0', info }) as never)));
  app.notFound((c) => errorResponse(c, new IntakeError('NOT_FOUND', 'no such route'), logger));
  return app;
}
