/**
 * Admin routes: users and their tokens, the audit trail (JSON, verification, and
 * FHIR AuditEvent export), dead letters and their retry, and document upload
 * (reviewers may upload too). Every route here also audits itself.
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { and, asc, desc, eq, gt, or } from 'drizzle-orm';
import { appendAuditEvent, verifyAuditChain } from '../../audit/index.ts';
import { toAuditEventBundle } from '../../audit/fhir-export.ts';
import { IntakeError } from '../../core/errors.ts';
import { receiveDocument } from '../../pipeline/receive.ts';
import { auditEvents, documents, fhirOutbox } from '../../store/schema/index.ts';
import { retryDocument } from '../decisions.ts';
import { createUser, listUsers, revokeUser } from '../users.ts';
import { requireRole } from './auth.ts';
import type { ApiEnv, ReviewApiDeps } from './env.ts';
import {
  AuditPageSchema,
  AuditQuery,
  AuditVerifySchema,
  CreateUserBody,
  CreatedUserSchema,
  DeadLetterSchema,
  errorResponses,
  FhirJson,
  IdParams,
  NameParams,
  RetryResultSchema,
  UploadBody,
  UploadResultSchema,
  UserSchema,
} from './schemas.ts';
import { z } from '@hono/zod-openapi';

const security = [{ bearer: [] }];

/** Audit events after a cursor, filtered, oldest first (the API listing and the FHIR export). */
function auditPage(
  store: ReviewApiDeps['store'],
  q: { afterId: number; actor?: string | undefined; resource?: string | undefined; action?: string | undefined },
  limit: number,
) {
  return store.db
    .select()
    .from(auditEvents)
    .where(
      and(
        gt(auditEvents.id, q.afterId),
        q.actor ? eq(auditEvents.actor, q.actor) : undefined,
        q.resource ? eq(auditEvents.resource, q.resource) : undefined,
        q.action ? eq(auditEvents.action, q.action) : undefined,
      ),
    )
    .orderBy(asc(auditEvents.id))
    .limit(limit);
}
const json = <T>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

export function registerAdminRoutes(app: OpenAPIHono<ApiEnv>, deps: ReviewApiDeps, onRevoke: () => void = () => {}): void {
  const { store, config } = deps;
  const admin = requireRole(store, 'admin');
  const audit = (
    c: { get: (k: 'user' | 'clientAddress') => unknown },
    action: string,
    resource: string,
    details?: Record<string, unknown>,
  ) =>
    appendAuditEvent(store.db, {
      actor: `user:${(c.get('user') as { name: string }).name}`,
      action,
      resource,
      outcome: 'success',
      clientAddress: c.get('clientAddress') as string | null,
      ...(details ? { details } : {}),
    });
  const adminErrors = { 401: errorResponses[401], 403: errorResponses[403] };

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/users',
      tags: ['admin'],
      security,
      middleware: [admin] as const,
      responses: { 200: json(z.object({ items: z.array(UserSchema) }), 'all users'), ...adminErrors },
    }),
    async (c) => {
      const items = await listUsers(store.db);
      await audit(c, 'user.list', 'users');
      return c.json({ items }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/users',
      tags: ['admin'],
      summary: 'Create a user; the token is in this response only',
      security,
      middleware: [admin] as const,
      request: { body: { required: true, content: { 'application/json': { schema: CreateUserBody } } } },
      responses: { 201: json(CreatedUserSchema, 'created'), 400: errorResponses[400], 409: errorResponses[409], ...adminErrors },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const { user, token } = await createUser(store.db, body.name, body.role);
      await audit(c, 'user.create', `User/${user.name}`, { role: user.role });
      return c.json({ ...user, token }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/users/{name}',
      tags: ['admin'],
      summary: 'Revoke a user token',
      security,
      middleware: [admin] as const,
      request: { params: NameParams },
      responses: { 204: { description: 'revoked' }, 404: errorResponses[404], ...adminErrors },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      if (!(await revokeUser(store.db, name))) throw new IntakeError('NOT_FOUND', 'no active user with this name');
      onRevoke();
      await audit(c, 'user.revoke', `User/${name}`);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/audit',
      tags: ['admin'],
      summary: 'The audit trail in id order, paged by afterId',
      security,
      middleware: [admin] as const,
      request: { query: AuditQuery },
      responses: { 200: json(AuditPageSchema, 'audit events'), 400: errorResponses[400], ...adminErrors },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const rows = await auditPage(store, q, q.limit + 1);
      const items = rows.slice(0, q.limit).map((r) => ({ ...r, at: r.at.toISOString(), details: r.details ?? null }));
      await audit(c, 'audit.read', 'audit', { count: items.length });
      return c.json({ items, nextAfterId: rows.length > q.limit ? (items[items.length - 1]?.id ?? null) : null }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/audit/verify',
      tags: ['admin'],
      summary: 'Recompute the hash chain',
      security,
      middleware: [admin] as const,
      responses: { 200: json(AuditVerifySchema, 'the verification'), ...adminErrors },
    }),
    async (c) => {
      const result = await verifyAuditChain(store);
      await audit(c, 'audit.verify', 'audit', { ok: result.ok, count: result.count });
      return c.json(result, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/audit/fhir',
      tags: ['admin'],
      summary: 'The audit trail as a FHIR R4 Bundle of AuditEvent resources',
      security,
      middleware: [admin] as const,
      request: { query: AuditQuery },
      responses: {
        200: { description: 'FHIR Bundle', content: { 'application/fhir+json': { schema: FhirJson } } },
        400: errorResponses[400],
        ...adminErrors,
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const rows = await auditPage(store, q, q.limit);
      await audit(c, 'audit.export', 'audit', { count: rows.length });
      return c.body(JSON.stringify(toAuditEventBundle(rows)), 200, { 'content-type': 'application/fhir+json' }) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/dead-letters',
      tags: ['admin'],
      summary: 'Dead-lettered documents and hand-offs',
      security,
      middleware: [admin] as const,
      responses: { 200: json(DeadLetterSchema, 'dead letters'), ...adminErrors },
    }),
    async (c) => {
      const failed = await store.db
        .select({ id: documents.id, errorCode: documents.errorCode, since: documents.stateChangedAt, attempts: documents.attempts })
        .from(documents)
        .where(eq(documents.state, 'failed'))
        .orderBy(desc(documents.stateChangedAt))
        .limit(500);
      const dead = await store.db
        .select({ id: fhirOutbox.documentId, errorCode: fhirOutbox.lastErrorCode, since: fhirOutbox.nextAttemptAt, attempts: fhirOutbox.attempts })
        .from(fhirOutbox)
        .where(or(eq(fhirOutbox.state, 'dead')))
        .limit(500);
      await audit(c, 'dead_letters.list', 'dead-letters', { count: failed.length + dead.length });
      return c.json(
        {
          items: [
            ...failed.map((r) => ({ ...r, kind: 'document' as const, since: r.since.toISOString() })),
            ...dead.map((r) => ({ ...r, kind: 'hand_off' as const, since: r.since.toISOString() })),
          ],
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/documents/{id}/retry',
      tags: ['admin'],
      summary: 'Retry a dead-lettered document (or its dead-lettered FHIR hand-off)',
      security,
      middleware: [admin] as const,
      request: { params: IdParams },
      responses: { 200: json(RetryResultSchema, 'queued again'), 404: errorResponses[404], 409: errorResponses[409], ...adminErrors },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const result = await retryDocument(store.db, { name: c.get('user').name, clientAddress: c.get('clientAddress') }, id);
      return c.json(result, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/documents',
      tags: ['review'],
      summary: 'Upload a document (multipart field "file")',
      security,
      request: { body: { required: true, content: { 'multipart/form-data': { schema: UploadBody } } } },
      responses: {
        201: json(UploadResultSchema, 'stored (duplicate: the same bytes had arrived before)'),
        400: errorResponses[400],
        401: errorResponses[401],
        413: errorResponses[413],
      },
    }),
    async (c) => {
      // Parsed (once) by the route's multipart validator; a body that is not multipart fails there.
      const file: unknown = c.req.valid('form').file;
      if (!(file instanceof Blob)) throw new IntakeError('BAD_REQUEST', 'the multipart field "file" is required');
      if (file.size > config.MAX_UPLOAD_BYTES) {
        throw new IntakeError('PAYLOAD_TOO_LARGE', 'the document is larger than the upload limit', {
          details: { limitBytes: config.MAX_UPLOAD_BYTES },
        });
      }
      if (file.size === 0) throw new IntakeError('EMPTY_DOCUMENT', 'the uploaded file is empty');
      const bytes = new Uint8Array(await file.arrayBuffer());
      const user = c.get('user');
      const result = await receiveDocument(
        { store, blobs: deps.blobs, maxBytes: Math.min(config.MAX_UPLOAD_BYTES, config.MAX_DOCUMENT_BYTES) },
        { bytes, source: 'upload', sourceRef: { uploadedBy: user.name } },
      );
      await audit(c, 'document.upload', `Document/${result.documentId}`, { duplicate: result.duplicate, sizeBytes: bytes.length });
      return c.json(result, 201);
    },
  );
}
