/**
 * Where the English LSTM model lives: inside the installed @tesseract.js-data/eng
 * package (4.0.0_best_int, gzipped), never fetched at run time. The native engine
 * needs it uncompressed, so it is expanded once into a per-user cache directory
 * (written to a temporary name and renamed, so concurrent starts never read a
 * half-written file). Both engines thus use the very same model.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);

/** Folder holding eng.traineddata.gz, for tesseract.js's `langPath`. */
export function tesseractJsLangPath(): string {
  const pkg = require.resolve('@tesseract.js-data/eng/package.json');
  return path.join(path.dirname(pkg), '4.0.0_best_int');
}

/** A tessdata folder with eng.traineddata for the native binary (created on first use). */
export async function nativeTessdataDir(cacheRoot: string = os.tmpdir()): Promise<string> {
  const gz = await readFile(path.join(tesseractJsLangPath(), 'eng.traineddata.gz'));
  const digest = createHash('sha256').update(gz).digest('hex').slice(0, 16);
  const dir = path.join(cacheRoot, `referral-intake-tessdata-${digest}`);
  const target = path.join(dir, 'eng.traineddata');
  try {
    await stat(target);
    return dir;
  } catch {
    // not there yet: expand it below
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, gunzipSync(gz), { mode: 0o600 });
  await rename(tmp, target);
  return dir;
}
