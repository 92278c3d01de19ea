/**
 * The one typed configuration object, parsed from the environment with zod at
 * start and passed in (never read through a global). Each bad variable is named in
 * the error message. Constants carry their unit in the name.
 */
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { IntakeError } from '../core/errors.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
const optionalUrl = z.url().optional();
const optionalString = z.string().min(1).optional();

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  /** Base URL of this service as staff reach it; used for links in alerts. */
  PUBLIC_BASE_URL: optionalUrl,

  // store
  INTAKE_DATA_DIR: z.string().default('./data'),
  DATABASE_URL: optionalUrl,
  DATABASE_POOL_SIZE: int(10, 1),
  /** 64 hex chars or base64 of 32 bytes. Generated into the data dir when absent. */
  INTAKE_ENCRYPTION_KEY: optionalString,

  // pipeline
  WORKER_CONCURRENCY: int(Math.max(1, os.availableParallelism()), 1),
  WORKER_POLL_INTERVAL_MS: int(500, 10),
  WORKER_LEASE_MS: int(5 * 60_000, 1_000),
  WORKER_MAX_ATTEMPTS: int(5, 1),
  WORKER_BACKOFF_BASE_MS: int(5_000, 0),
  WORKER_BACKOFF_MAX_MS: int(30 * 60_000, 0),
  /** Run the pipeline workers inside `serve` (turn off for an API-only process). */
  WORKERS_ENABLED: bool.default(true),
  /** Process the bundled samples on first start of an empty store (quick start). */
  INGEST_SAMPLES_ON_START: bool.default(false),

  // decoding and OCR limits (safe defaults against hostile input)
  MAX_DOCUMENT_BYTES: int(50 * 1024 * 1024, 1),
  MAX_PAGES: int(100, 1),
  MAX_PAGE_PIXELS: int(60_000_000, 1),
  PAGE_TIMEOUT_MS: int(60_000, 100),
  OCR_ENGINE: z.enum(['tesseractjs', 'native']).default('tesseractjs'),
  OCR_WORKERS: int(Math.max(1, os.availableParallelism()), 1),
  OCR_WORKER_START_TIMEOUT_MS: int(30_000, 100),
  /** Read every OCR'd line a second time, cut out at twice the scale; OCR'd values both readings agree on can pass the review gate. */
  OCR_REREAD: bool.default(true),

  // extraction
  REVIEW_THRESHOLD: z.coerce.number().min(0).max(1).default(0.95),
  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_BASE_URL: optionalUrl,
  /** claude-sonnet-4-5 reaches end-of-life on 2026-11-30; Sonnet 5.5 is the current speed/quality choice. */
  ANTHROPIC_MODEL: z.string().default('claude-sonnet-5-5'),
  ANTHROPIC_TIMEOUT_MS: int(60_000, 100),
  ANTHROPIC_MAX_RETRIES: int(3, 0),

  // matching
  EHR_DATABASE_URL: optionalUrl,
  /** JSON: {"table": "...", "columns": {"mrn": "...", ...}} for the external EHR. */
  EHR_MAPPING: optionalString,
  MATCH_CANDIDATE_LIMIT: int(50, 1),

  // ingest
  IMAP_HOST: optionalString,
  IMAP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  IMAP_TLS: bool.default(true),
  IMAP_USER: optionalString,
  IMAP_PASSWORD: optionalString,
  IMAP_ACCESS_TOKEN: optionalString,
  /** Command that prints a fresh OAuth2 access token (for expiring tokens). */
  IMAP_ACCESS_TOKEN_COMMAND: optionalString,
  IMAP_MAILBOX: z.string().default('INBOX'),
  IMAP_PROCESSED_MAILBOX: z.string().default('Processed'),
  IMAP_ATTENTION_MAILBOX: z.string().default('Needs Attention'),
  IMAP_POLL_INTERVAL_MS: int(60_000, 100),
  /** Reconnect backoff after a drop or failure: exponential with full jitter between these bounds. */
  IMAP_BACKOFF_BASE_MS: int(1_000, 10),
  IMAP_BACKOFF_MAX_MS: int(5 * 60_000, 10),
  MAX_ATTACHMENT_BYTES: int(25 * 1024 * 1024, 1),
  MAX_MESSAGE_BYTES: int(60 * 1024 * 1024, 1),
  DROP_FOLDER: optionalString,
  DROP_FOLDER_POLL_INTERVAL_MS: int(2_000, 50),
  DROP_FOLDER_STABLE_MS: int(2_000, 0),

  // alerts
  SLACK_WEBHOOK_URL: optionalUrl,
  ALERT_DEDUP_WINDOW_MS: int(15 * 60_000, 0),
  ALERT_SOURCE_DOWN_MS: int(10 * 60_000, 0),
  ALERT_QUEUE_AGE_MS: int(4 * 60 * 60_000, 0),
  /** How often the alerter checks the review queue's oldest item. */
  ALERT_CHECK_INTERVAL_MS: int(60_000, 50),

  // review API and hand-off
  MAX_UPLOAD_BYTES: int(50 * 1024 * 1024, 1),
  REVIEW_CLAIM_MS: int(15 * 60_000, 1_000),
  AUTH_FAILURES_PER_MINUTE: int(10, 1),
  FHIR_BASE_URL: optionalUrl,
  FHIR_MAX_ATTEMPTS: int(8, 1),
});

export type Config = z.infer<typeof configSchema> & {
  /** Absolute form of INTAKE_DATA_DIR. */
  dataDir: string;
};

/** Parses the environment; throws CONFIG_INVALID naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new IntakeError('CONFIG_INVALID', `invalid configuration: ${problems.join('; ')}`, {
      details: { variables: parsed.error.issues.map((i) => i.path.join('.')) },
    });
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.INTAKE_DATA_DIR) };
}

/** A config for tests and tools: defaults plus overrides, no environment read. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig(overrides as NodeJS.ProcessEnv);
}
