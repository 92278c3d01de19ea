/**
 * The key that encrypts original documents at rest: INTAKE_ENCRYPTION_KEY (64 hex
 * characters or base64 of 32 bytes), or one generated into the data dir with mode
 * 0600 on first start (a warning says to back it up: without it the originals
 * cannot be read).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../core/logger.ts';
import { IntakeError } from '../core/errors.ts';

export const KEY_FILE = 'encryption.key';

export function parseKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new IntakeError('CONFIG_INVALID', 'INTAKE_ENCRYPTION_KEY: must be 32 bytes as 64 hex characters or base64');
  }
  return key;
}

export function loadEncryptionKey(configured: string | undefined, dataDir: string, logger?: Logger): Buffer {
  if (configured) return parseKey(configured);
  const file = path.join(dataDir, KEY_FILE);
  if (fs.existsSync(file)) return parseKey(fs.readFileSync(file, 'utf8'));
  fs.mkdirSync(dataDir, { recursive: true });
  const key = crypto.randomBytes(32);
  try {
    fs.writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return parseKey(fs.readFileSync(file, 'utf8'));
    throw err;
  }
  logger?.warn({ keyFile: file }, 'generated a new document encryption key; back it up, originals cannot be read without it');
  return key;
}
