/**
 * Encryption at rest: the stored blob never contains the plaintext, reads give the
 * original bytes back, and a wrong key is a clear typed error, not garbage.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/db.ts';
import { createBlobStore, sha256Hex } from './blob-store.ts';
import { KEY_FILE, loadEncryptionKey, parseKey } from './encryption-key.ts';

const plaintext = Buffer.from('%PDF-1.4\nPatient: Doe, Jane  DOB 03/14/1962  synthetic referral body '.repeat(20));

describe('blob store', () => {
  it('stores content-addressed, encrypted bytes and reads them back', async () => {
    const dir = tempDir();
    const blobs = createBlobStore(dir, crypto.randomBytes(32));
    const hash = await blobs.put(plaintext);
    expect(hash).toBe(sha256Hex(plaintext));
    const raw = fs.readFileSync(blobs.pathOf(hash));
    expect(raw.includes(Buffer.from('Doe, Jane'))).toBe(false);
    expect(raw.includes(Buffer.from('PDF-1.4'))).toBe(false);
    expect((await blobs.get(hash)).equals(plaintext)).toBe(true);
    expect(fs.statSync(blobs.pathOf(hash)).mode & 0o777).toBe(0o600);
  });

  it('is idempotent for the same bytes', async () => {
    const blobs = createBlobStore(tempDir(), crypto.randomBytes(32));
    const a = await blobs.put(plaintext);
    const before = fs.readFileSync(blobs.pathOf(a));
    const b = await blobs.put(plaintext);
    expect(b).toBe(a);
    expect(fs.readFileSync(blobs.pathOf(a)).equals(before)).toBe(true);
  });

  it('refuses a wrong key with BLOB_DECRYPT_FAILED', async () => {
    const dir = tempDir();
    const hash = await createBlobStore(dir, crypto.randomBytes(32)).put(plaintext);
    const other = createBlobStore(dir, crypto.randomBytes(32));
    await expect(other.get(hash)).rejects.toMatchObject({ code: 'BLOB_DECRYPT_FAILED' });
  });

  it('detects a tampered blob', async () => {
    const dir = tempDir();
    const key = crypto.randomBytes(32);
    const blobs = createBlobStore(dir, key);
    const hash = await blobs.put(plaintext);
    const file = blobs.pathOf(hash);
    const raw = fs.readFileSync(file);
    raw[raw.length - 1] = raw[raw.length - 1]! ^ 0xff;
    fs.writeFileSync(file, raw);
    await expect(blobs.get(hash)).rejects.toMatchObject({ code: 'BLOB_DECRYPT_FAILED' });
  });

  it('reports a missing blob as BLOB_MISSING', async () => {
    const blobs = createBlobStore(tempDir(), crypto.randomBytes(32));
    await expect(blobs.get('a'.repeat(64))).rejects.toMatchObject({ code: 'BLOB_MISSING' });
  });
});

describe('encryption key', () => {
  it('generates a key into the data dir with mode 0600 and reuses it', () => {
    const dir = tempDir();
    const key = loadEncryptionKey(undefined, dir);
    expect(key).toHaveLength(32);
    expect(fs.statSync(path.join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(loadEncryptionKey(undefined, dir).equals(key)).toBe(true);
  });

  it('accepts hex and base64 and rejects a short key with CONFIG_INVALID', () => {
    const key = crypto.randomBytes(32);
    expect(parseKey(key.toString('hex')).equals(key)).toBe(true);
    expect(parseKey(key.toString('base64')).equals(key)).toBe(true);
    expect(() => parseKey('abcd')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
