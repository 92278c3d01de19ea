/**
 * One error type for the whole service with a closed set of codes.
 * Whether a failure is retried, and which HTTP status it maps to, is decided here
 * and nowhere else (the pattern of graphile-worker's RETRYABLE_ERROR_CODES and
 * medplum's OperationOutcomeError). Messages never contain patient data.
 */

interface CodeInfo {
  /** Retry the stage later (transient) or fail the document for good. */
  readonly retryable: boolean;
  /** HTTP status when the error reaches an API client. */
  readonly http: number;
}

export const ERROR_CODES = {
  // configuration and start-up
  CONFIG_INVALID: { retryable: false, http: 500 },
  STORE_LOCKED: { retryable: false, http: 503 },
  STORE_UNAVAILABLE: { retryable: true, http: 503 },
  BLOB_DECRYPT_FAILED: { retryable: false, http: 500 },
  BLOB_MISSING: { retryable: false, http: 500 },
  // decoding (documentType "invalid")
  UNSUPPORTED_FORMAT: { retryable: false, http: 415 },
  EMPTY_DOCUMENT: { retryable: false, http: 400 },
  PDF_ENCRYPTED: { retryable: false, http: 422 },
  PDF_CORRUPT: { retryable: false, http: 422 },
  TIFF_CORRUPT: { retryable: false, http: 422 },
  IMAGE_CORRUPT: { retryable: false, http: 422 },
  LIMIT_BYTES: { retryable: false, http: 413 },
  LIMIT_PAGES: { retryable: false, http: 422 },
  LIMIT_PIXELS: { retryable: false, http: 422 },
  PAGE_TIMEOUT: { retryable: false, http: 422 },
  // OCR and extraction
  OCR_TIMEOUT: { retryable: true, http: 503 },
  OCR_FAILED: { retryable: true, http: 500 },
  LLM_UNAVAILABLE: { retryable: true, http: 503 },
  LLM_INVALID_OUTPUT: { retryable: true, http: 502 },
  // matching
  PATIENT_AMBIGUOUS: { retryable: false, http: 409 },
  EHR_MAPPING_INVALID: { retryable: false, http: 500 },
  EHR_UNAVAILABLE: { retryable: true, http: 503 },
  // ingest and delivery
  SOURCE_UNAVAILABLE: { retryable: true, http: 503 },
  SOURCE_AUTH_FAILED: { retryable: true, http: 503 },
  MESSAGE_MALFORMED: { retryable: false, http: 422 },
  ATTACHMENT_TOO_LARGE: { retryable: false, http: 413 },
  ATTACHMENT_TRUNCATED: { retryable: true, http: 502 },
  NO_USABLE_ATTACHMENT: { retryable: false, http: 422 },
  DELIVERY_FAILED: { retryable: true, http: 502 },
  // pipeline
  LEASE_LOST: { retryable: true, http: 409 },
  STAGE_TIMEOUT: { retryable: true, http: 504 },
  // API
  BAD_REQUEST: { retryable: false, http: 400 },
  UNAUTHORIZED: { retryable: false, http: 401 },
  FORBIDDEN: { retryable: false, http: 403 },
  NOT_FOUND: { retryable: false, http: 404 },
  CONFLICT: { retryable: false, http: 409 },
  PAYLOAD_TOO_LARGE: { retryable: false, http: 413 },
  RATE_LIMITED: { retryable: true, http: 429 },
  AUDIT_CHAIN_BROKEN: { retryable: false, http: 500 },
  // review (issue 7)
  VERSION_STALE: { retryable: false, http: 409 },
  CLAIMED_BY_OTHER: { retryable: false, http: 409 },
  REVIEW_REJECTED: { retryable: false, http: 409 },
  FIELD_INVALID: { retryable: false, http: 400 },
  INTERNAL: { retryable: true, http: 500 },
} as const satisfies Record<string, CodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface IntakeErrorOptions {
  cause?: unknown;
  /** Non-PHI details safe for logs and API bodies (ids, counts, limits). */
  details?: Record<string, unknown>;
}

export class IntakeError extends Error {
  override readonly name = 'IntakeError';
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: IntakeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }

  get retryable(): boolean {
    return ERROR_CODES[this.code].retryable;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }
}

export function isIntakeError(value: unknown, code?: ErrorCode): value is IntakeError {
  return value instanceof IntakeError && (code === undefined || value.code === code);
}

/** Coerces anything thrown into an Error (graphile-worker's coerceError). */
export function coerceError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (typeof value === 'string') return new Error(value);
  return new Error(`non-error thrown: ${typeof value}`);
}

/** Wraps an unknown failure as an IntakeError, keeping the cause. */
export function toIntakeError(value: unknown, fallback: ErrorCode = 'INTERNAL', message?: string): IntakeError {
  if (value instanceof IntakeError) return value;
  const err = coerceError(value);
  return new IntakeError(fallback, message ?? 'unexpected failure', { cause: err });
}

export function isRetryable(value: unknown): boolean {
  return value instanceof IntakeError ? value.retryable : true;
}
