/**
 * Structured JSON logs (pino). Callers log ids, stages, counts and durations only;
 * the redaction list below is a backstop against a field that slips through, not
 * the plan (STYLE.md §13).
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Field names that could carry patient data wherever they appear in a log object. */
const PHI_KEYS = [
  'firstName', 'lastName', 'middleName', 'name', 'dob', 'birthDate', 'phone', 'address',
  'line1', 'city', 'postalCode', 'mrn', 'memberId', 'email', 'subject', 'from', 'to', 'text',
  'value', 'values', 'fields', 'demographics', 'query', 'ocrText', 'body', 'filename', 'fileName',
];

export const REDACT_PATHS = [
  ...PHI_KEYS,
  ...PHI_KEYS.map((k) => `*.${k}`),
  ...PHI_KEYS.map((k) => `*.*.${k}`),
  'req.headers.authorization',
  'headers.authorization',
];

export interface LoggerOptions {
  level?: string;
  /** Where to write; defaults to stdout. Tests pass a stream to inspect output. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'referral-intake' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/** A logger that discards everything (CLI JSON modes keep stdout clean). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
