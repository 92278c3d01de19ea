/**
 * Original documents, content-addressed by SHA-256 of their plaintext and
 * encrypted at rest with AES-256-GCM. File layout: blobs/ab/abcdef....bin holding
 * magic "RIB1" | 12-byte IV | 16-byte tag | ciphertext. Writes go to a temp file,
 * are fsynced and renamed, so a crash never leaves a partial blob under its name.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { IntakeError } from '../core/errors.ts';

const MAGIC = Buffer.from('RIB1');
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function sha256Hex(bytes: Uint8Array): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

export interface BlobStore {
  /** Stores the bytes (idempotent) and returns their SHA-256. */
  put(bytes: Uint8Array): Promise<string>;
  get(sha256: string): Promise<Buffer>;
  has(sha256: string): Promise<boolean>;
  pathOf(sha256: string): string;
}

export function createBlobStore(dir: string, key: Buffer): BlobStore {
  const pathOf = (hash: string) => {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new IntakeError('BAD_REQUEST', 'not a SHA-256 hex digest');
    return path.join(dir, hash.slice(0, 2), `${hash}.bin`);
  };

  async function exists(file: string): Promise<boolean> {
    try {
      await fs.access(file);
      return true;
    } catch {
      return false;
    }
  }

  return {
    pathOf,
    has: (hash) => exists(pathOf(hash)),
    async put(bytes) {
      const hash = sha256Hex(bytes);
      const file = pathOf(hash);
      if (await exists(file)) return hash;
      await fs.mkdir(path.dirname(file), { recursive: true });
      const iv = crypto.randomBytes(IV_BYTES);
      const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
      // The hash is bound as associated data: a blob swapped under another name fails to decrypt.
      cipher.setAAD(Buffer.from(hash, 'hex'));
      const ciphertext = Buffer.concat([cipher.update(bytes), cipher.final()]);
      const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
      const handle = await fs.open(tmp, 'w', 0o600);
      try {
        await handle.writeFile(Buffer.concat([MAGIC, iv, cipher.getAuthTag(), ciphertext]));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(tmp, file);
      const dirHandle = await fs.open(path.dirname(file), 'r');
      try {
        await dirHandle.sync();
      } finally {
        await dirHandle.close();
      }
      return hash;
    },
    async get(hash) {
      let data: Buffer;
      try {
        data = await fs.readFile(pathOf(hash));
      } catch (err) {
        throw new IntakeError('BLOB_MISSING', 'original document is missing from the blob store', {
          cause: err,
          details: { sha256: hash },
        });
      }
      if (data.length < MAGIC.length + IV_BYTES + TAG_BYTES || !data.subarray(0, 4).equals(MAGIC)) {
        throw new IntakeError('BLOB_DECRYPT_FAILED', 'stored blob is not in the expected format', { details: { sha256: hash } });
      }
      const iv = data.subarray(4, 4 + IV_BYTES);
      const tag = data.subarray(4 + IV_BYTES, 4 + IV_BYTES + TAG_BYTES);
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(Buffer.from(hash, 'hex'));
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([decipher.update(data.subarray(4 + IV_BYTES + TAG_BYTES)), decipher.final()]);
      } catch (err) {
        throw new IntakeError(
          'BLOB_DECRYPT_FAILED',
          'could not decrypt a stored document: wrong INTAKE_ENCRYPTION_KEY or a damaged blob',
          { cause: err, details: { sha256: hash } },
        );
      }
    },
  };
}
