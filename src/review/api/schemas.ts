/**
 * The request and response shapes of /v1, declared once with zod: they validate
 * input and generate /openapi.json (OpenAPI 3.1) alike. docs/api.md describes them
 * for client authors.
 */
import { z } from '@hono/zod-openapi';
import { FIELD_KEYS } from '../../extract/fields.ts';
import { REJECT_REASONS } from '../decisions.ts';
import { REVIEW_REASONS } from '../queue.ts';

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'VERSION_STALE' }),
      message: z.string(),
      requestId: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .openapi('Error');

export const IdParams = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' }, example: '0d4e1f3a-1111-4222-8333-444455556666' }),
});

export const MeSchema = z
  .object({ id: z.string(), name: z.string(), role: z.enum(['reviewer', 'admin']) })
  .openapi('Me');

export const QueueQuery = z.object({
  reason: z.enum(REVIEW_REASONS).optional(),
  minAgeSeconds: z.coerce.number().int().min(0).max(10 * 365 * 86_400).optional(),
  maxAgeSeconds: z.coerce.number().int().min(0).max(10 * 365 * 86_400).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export const QueueItemSchema = z
  .object({
    id: z.string(),
    receivedAt: z.string(),
    inReviewSince: z.string(),
    ageSeconds: z.number(),
    reasons: z.array(z.string()),
    documentType: z.string().nullable(),
    pageCount: z.number().nullable(),
    version: z.number(),
    patientName: z.string().nullable(),
    patientDob: z.string().nullable(),
    claimedBy: z.string().nullable(),
    claimExpiresAt: z.string().nullable(),
  })
  .openapi('QueueItem');

export const QueuePageSchema = z
  .object({ items: z.array(QueueItemSchema), nextCursor: z.string().nullable() })
  .openapi('QueuePage');

const FieldValueSchema = z.union([z.string(), z.array(z.string())]);
const BBox = z.tuple([z.number(), z.number(), z.number(), z.number()]);

export const FieldViewSchema = z
  .object({
    key: z.string(),
    value: FieldValueSchema,
    confidence: z.number(),
    page: z.number(),
    bbox: BBox,
    belowThreshold: z.boolean(),
  })
  .openapi('Field');

const CandidateSchema = z
  .object({
    mrn: z.string(),
    score: z.number(),
    probability: z.number().nullable(),
    comparisons: z.array(z.object({ field: z.string(), level: z.string(), weight: z.number() })),
    vetoes: z.array(z.string()),
    patient: z
      .object({
        firstName: z.string(),
        middleName: z.string().nullable(),
        lastName: z.string(),
        dob: z.string().nullable(),
        sex: z.string().nullable(),
        phone: z.string().nullable(),
        addressLine1: z.string().nullable(),
        city: z.string().nullable(),
        state: z.string().nullable(),
        postalCode: z.string().nullable(),
      })
      .nullable(),
  })
  .openapi('MatchCandidate');

export const ReferralDetailSchema = z
  .object({
    id: z.string(),
    state: z.string(),
    version: z.number(),
    receivedAt: z.string(),
    stateChangedAt: z.string(),
    source: z.string(),
    mediaType: z.string(),
    sizeBytes: z.number(),
    pageCount: z.number().nullable(),
    documentType: z.string().nullable(),
    documentConfidence: z.number().nullable(),
    extractor: z.string().nullable(),
    needsReview: z.boolean().nullable(),
    reviewReasons: z.array(z.string()),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    reviewThreshold: z.number(),
    fields: z.array(FieldViewSchema),
    match: z
      .object({
        decision: z.enum(['match', 'review', 'new']),
        mrn: z.string().nullable(),
        score: z.number(),
        reason: z.string().nullable(),
        vetoes: z.array(z.string()),
        candidates: z.array(CandidateSchema),
      })
      .nullable(),
    claim: z.object({ by: z.string(), claimedAt: z.string(), expiresAt: z.string() }).nullable(),
    history: z.array(
      z.object({ from: z.string().nullable(), to: z.string(), stage: z.string(), at: z.string(), errorCode: z.string().nullable() }),
    ),
    decisions: z.array(
      z.object({
        by: z.string(),
        outcome: z.enum(['approved', 'rejected']),
        at: z.string(),
        correctedKeys: z.array(z.string()),
        patient: z.union([z.object({ mrn: z.string() }), z.object({ newPatient: z.literal(true) })]).nullable(),
        reason: z.string().nullable(),
      }),
    ),
    handOff: z.object({ state: z.string(), attempts: z.number(), lastError: z.string().nullable() }).nullable(),
  })
  .openapi('ReferralDetail');

export const PageParams = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
  file: z
    .string()
    .regex(/^[1-9][0-9]{0,3}\.png$/)
    .openapi({ param: { name: 'file', in: 'path' }, example: '1.png', description: '1-based page number, then .png' }),
});

export const PageQuery = z.object({
  boxes: z.enum(['true', 'false', '1', '0']).optional().openapi({ description: 'draw the evidence boxes' }),
  dpi: z.coerce.number().int().min(36).max(200).default(110),
});

export const ClaimSchema = z
  .object({ documentId: z.string(), by: z.string(), claimedAt: z.string(), expiresAt: z.string() })
  .openapi('Claim');

const PatientChoiceSchema = z
  .union([z.object({ mrn: z.string().min(1).max(64) }).strict(), z.object({ newPatient: z.literal(true) }).strict()])
  .openapi('PatientChoice');

export const ApproveBody = z
  .object({
    version: z.number().int().min(1),
    corrections: z
      .partialRecord(z.enum(FIELD_KEYS), z.union([z.string().max(2000), z.array(z.string().max(64)).max(50), z.null()]))
      .default({}),
    patient: PatientChoiceSchema,
  })
  .strict()
  .openapi('Approve');

export const RejectBody = z
  .object({ version: z.number().int().min(1), reason: z.enum(REJECT_REASONS), note: z.string().max(500).optional() })
  .strict()
  .openapi('Reject');

export const DecisionResultSchema = z
  .object({ id: z.string(), state: z.string(), version: z.number() })
  .openapi('DecisionResult');

export const UploadBody = z.object({
  file: z.any().openapi({ type: 'string', format: 'binary', description: 'the document (PDF, TIFF, PNG, JPEG)' }),
});

export const UploadResultSchema = z
  .object({ documentId: z.string(), sha256: z.string(), duplicate: z.boolean() })
  .openapi('UploadResult');

export const RetryResultSchema = z
  .object({ id: z.string(), retried: z.enum(['document', 'hand_off']) })
  .openapi('RetryResult');

export const DeadLetterSchema = z
  .object({
    items: z.array(
      z.object({
        id: z.string(),
        kind: z.enum(['document', 'hand_off']),
        errorCode: z.string().nullable(),
        since: z.string(),
        attempts: z.number(),
      }),
    ),
  })
  .openapi('DeadLetters');

export const UserSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(['reviewer', 'admin']),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .openapi('User');

export const CreateUserBody = z
  .object({ name: z.string().min(1).max(64), role: z.enum(['reviewer', 'admin']) })
  .strict()
  .openapi('CreateUser');

export const CreatedUserSchema = z
  .object({ id: z.string(), name: z.string(), role: z.enum(['reviewer', 'admin']), token: z.string() })
  .openapi('CreatedUser');

export const NameParams = z.object({
  name: z.string().min(1).max(64).openapi({ param: { name: 'name', in: 'path' } }),
});

export const AuditQuery = z.object({
  afterId: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  actor: z.string().max(200).optional(),
  resource: z.string().max(200).optional(),
  action: z.string().max(100).optional(),
});

export const AuditEventSchema = z
  .object({
    id: z.number(),
    at: z.string(),
    actor: z.string(),
    action: z.string(),
    resource: z.string(),
    outcome: z.enum(['success', 'failure', 'denied']),
    clientAddress: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).nullable(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .openapi('AuditEvent');

export const AuditPageSchema = z
  .object({ items: z.array(AuditEventSchema), nextAfterId: z.number().nullable() })
  .openapi('AuditPage');

export const AuditVerifySchema = z
  .object({
    ok: z.boolean(),
    count: z.number(),
    head: z.string(),
    brokenAtId: z.number().optional(),
    problem: z.string().optional(),
  })
  .openapi('AuditVerification');

export const FhirJson = z.record(z.string(), z.unknown()).openapi('FhirResource');

export const errorResponses = {
  400: { description: 'bad input', content: { 'application/json': { schema: ErrorSchema } } },
  401: { description: 'no or bad token', content: { 'application/json': { schema: ErrorSchema } } },
  403: { description: 'role not allowed', content: { 'application/json': { schema: ErrorSchema } } },
  404: { description: 'not found', content: { 'application/json': { schema: ErrorSchema } } },
  409: { description: 'conflict (stale version, claimed by another)', content: { 'application/json': { schema: ErrorSchema } } },
  413: { description: 'body too large', content: { 'application/json': { schema: ErrorSchema } } },
  429: { description: 'too many failed sign-ins', content: { 'application/json': { schema: ErrorSchema } } },
} as const;
