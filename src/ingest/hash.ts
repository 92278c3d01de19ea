/**
 * Hashing for source references: subjects, senders and Message-IDs can name a
 * patient, so only their keyed-free SHA-256 prefix is ever stored or logged.
 */
import crypto from 'node:crypto';

export function sha256Text(value: string): string {
  return crypto.createHash('sha256').update(value, 'utf8').digest('hex');
}

/** A short, stable, non-reversible reference (first 16 hex chars of SHA-256). */
export function shortHash(value: string): string {
  return sha256Text(value).slice(0, 16);
}
