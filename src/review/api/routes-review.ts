/**
 * Reviewer routes: who am I, the queue, one referral, its page images, claims,
 * approve and reject, and its FHIR hand-off Bundle. Every read of patient data is
 * audited with the reader, the resource and the client address.
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { appendAuditEvent } from '../../audit/index.ts';
import { IntakeError } from '../../core/errors.ts';
import type { Extraction } from '../../extract/extraction.ts';
import { readHandOffBundle } from '../../fhir/index.ts';
import { claimDocument, releaseClaim } from '../claims.ts';
import { approveReferral, rejectReferral } from '../decisions.ts';
import { getReferralDetail, loadDocument } from '../detail.ts';
import { recordMatchFeedback } from '../match-feedback.ts';
import { listQueue } from '../queue.ts';
import type { ApiEnv, PageRenderer, ReviewApiDeps } from './env.ts';
import {
  ApproveBody,
  ClaimSchema,
  DecisionResultSchema,
  errorResponses,
  FhirJson,
  IdParams,
  MeSchema,
  PageParams,
  PageQuery,
  QueuePageSchema,
  QueueQuery,
  ReferralDetailSchema,
  RejectBody,
} from './schemas.ts';

const security = [{ bearer: [] }];
const json = <T>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

export function registerReviewRoutes(app: OpenAPIHono<ApiEnv>, deps: ReviewApiDeps, renderPage: () => Promise<PageRenderer>): void {
  const { store, config } = deps;
  const audit = (c: { get: (k: 'user' | 'clientAddress') => unknown }, action: string, resource: string, details?: Record<string, unknown>) =>
    appendAuditEvent(store.db, {
      actor: `user:${(c.get('user') as { name: string }).name}`,
      action,
      resource,
      outcome: 'success',
      clientAddress: c.get('clientAddress') as string | null,
      ...(details ? { details } : {}),
    });

  app.openapi(
    createRoute({ method: 'get', path: '/v1/me', tags: ['review'], security, responses: { 200: json(MeSchema, 'the signed-in user'), 401: errorResponses[401] } }),
    (c) => c.json(c.get('user'), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/queue',
      tags: ['review'],
      summary: 'The review queue, oldest first',
      security,
      request: { query: QueueQuery },
      responses: { 200: json(QueuePageSchema, 'a page of the queue'), 400: errorResponses[400], 401: errorResponses[401] },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await listQueue(store.db, q);
      // The listing shows names and birth dates: record which documents were shown.
      await audit(c, 'queue.list', 'queue', { count: page.items.length, reason: q.reason ?? null, documentIds: page.items.map((i) => i.id) });
      return c.json(page, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/referrals/{id}',
      tags: ['review'],
      summary: 'One referral: fields with evidence, the match decision and its candidates',
      security,
      request: { params: IdParams },
      responses: { 200: json(ReferralDetailSchema, 'the referral'), 401: errorResponses[401], 404: errorResponses[404] },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const detail = await getReferralDetail(store.db, id, config.REVIEW_THRESHOLD);
      await audit(c, 'referral.read', `Document/${id}`);
      return c.json(detail, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/referrals/{id}/pages/{file}',
      tags: ['review'],
      summary: 'A page of the original as PNG (GET .../pages/1.png?boxes=true)',
      security,
      request: { params: PageParams, query: PageQuery },
      responses: {
        200: { description: 'PNG image', content: { 'image/png': { schema: { type: 'string', format: 'binary' } } } },
        400: errorResponses[400],
        401: errorResponses[401],
        404: errorResponses[404],
      },
    }),
    async (c) => {
      const { id, file } = c.req.valid('param');
      const { boxes, dpi } = c.req.valid('query');
      const page = Number.parseInt(file, 10);
      const doc = await loadDocument(store.db, id);
      if (doc.pageCount !== null && page > doc.pageCount) {
        throw new IntakeError('NOT_FOUND', 'no such page', { details: { page, pageCount: doc.pageCount } });
      }
      const extraction = doc.extraction as Extraction | null;
      const drawn =
        boxes === 'true' || boxes === '1'
          ? Object.entries(extraction?.fields ?? {})
              .filter(([, f]) => f && f.page === page && f.bbox.some((v) => v !== 0))
              .map(([key, f]) => ({
                bbox: f!.bbox as [number, number, number, number],
                label: key,
                weak: f!.confidence < config.REVIEW_THRESHOLD,
              }))
          : [];
      const bytes = await deps.blobs.get(doc.sha256);
      const png = await (await renderPage())({ bytes, mediaType: doc.mediaType, page, boxes: drawn, dpi });
      await audit(c, 'referral.page.read', `Document/${id}`, { page, boxes: drawn.length });
      return c.body(new Uint8Array(png), 200, { 'content-type': 'image/png', 'cache-control': 'private, no-store' });
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/referrals/{id}/claim',
      tags: ['review'],
      summary: 'Claim (or renew your claim on) a referral; 409 CLAIMED_BY_OTHER when someone else holds it',
      security,
      request: { params: IdParams },
      responses: { 200: json(ClaimSchema, 'the claim'), 401: errorResponses[401], 404: errorResponses[404], 409: errorResponses[409] },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const claim = await claimDocument(store.db, id, c.get('user').name, config.REVIEW_CLAIM_MS);
      await audit(c, 'referral.claim', `Document/${id}`, { expiresAt: claim.expiresAt });
      return c.json(claim, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/referrals/{id}/claim',
      tags: ['review'],
      summary: 'Release your claim',
      security,
      request: { params: IdParams },
      responses: { 204: { description: 'released' }, 401: errorResponses[401], 404: errorResponses[404] },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      if (!(await releaseClaim(store.db, id, c.get('user').name))) {
        throw new IntakeError('NOT_FOUND', 'you hold no claim on this referral');
      }
      await audit(c, 'referral.release', `Document/${id}`);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/referrals/{id}/approve',
      tags: ['review'],
      summary: 'Approve with corrections and the chosen patient; 409 VERSION_STALE on a stale version',
      security,
      request: { params: IdParams, body: { required: true, content: { 'application/json': { schema: ApproveBody } } } },
      responses: {
        200: json(DecisionResultSchema, 'accepted'),
        400: errorResponses[400],
        401: errorResponses[401],
        404: errorResponses[404],
        409: errorResponses[409],
        413: errorResponses[413],
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const user = c.get('user');
      const result = await approveReferral(
        store.db,
        { name: user.name, clientAddress: c.get('clientAddress') },
        { documentId: id, version: body.version, corrections: body.corrections, patient: body.patient },
        { externalEhr: Boolean(config.EHR_DATABASE_URL), publicBaseUrl: config.PUBLIC_BASE_URL },
      );
      // After commit: the matcher's permanent decisions (the decision row is already durable).
      await recordMatchFeedback(deps, result.extraction, result.matchFeedback, `user:${user.name}`, id);
      return c.json({ id: result.id, state: result.state, version: result.version }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/referrals/{id}/reject',
      tags: ['review'],
      summary: 'Reject with a reason',
      security,
      request: { params: IdParams, body: { required: true, content: { 'application/json': { schema: RejectBody } } } },
      responses: {
        200: json(DecisionResultSchema, 'rejected'),
        400: errorResponses[400],
        401: errorResponses[401],
        404: errorResponses[404],
        409: errorResponses[409],
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const user = c.get('user');
      const result = await rejectReferral(
        store.db,
        { name: user.name, clientAddress: c.get('clientAddress') },
        { documentId: id, version: body.version, reason: body.reason, note: body.note },
      );
      return c.json(result, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/referrals/{id}/fhir',
      tags: ['review'],
      summary: 'The FHIR R4 transaction Bundle handed (or to be handed) to the EHR',
      security,
      request: { params: IdParams },
      responses: {
        200: { description: 'FHIR Bundle', content: { 'application/fhir+json': { schema: FhirJson } } },
        401: errorResponses[401],
        404: errorResponses[404],
        409: errorResponses[409],
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const bundle = await readHandOffBundle(store.db, id, { publicBaseUrl: config.PUBLIC_BASE_URL });
      await audit(c, 'referral.fhir.read', `Document/${id}`);
      return c.body(JSON.stringify(bundle), 200, { 'content-type': 'application/fhir+json' }) as never;
    },
  );
}
