/**
 * Detects a document's format from its bytes (magic numbers), never from its
 * file name or declared MIME type.
 */
import type { DocumentFormat } from './layout.ts';

export const MEDIA_TYPES: Record<DocumentFormat, string> = {
  pdf: 'application/pdf',
  tiff: 'image/tiff',
  png: 'image/png',
  jpeg: 'image/jpeg',
};

export function detectFormat(bytes: Uint8Array): DocumentFormat | null {
  if (bytes.length < 4) return null;
  const b = (i: number) => bytes[i] ?? -1;
  // PDF: "%PDF-" may follow a little leading junk (allowed by readers within 1 KiB).
  const head = Buffer.from(bytes.subarray(0, Math.min(1024, bytes.length))).toString('latin1');
  if (head.startsWith('%PDF-') || head.indexOf('%PDF-') > 0) return 'pdf';
  if (b(0) === 0x49 && b(1) === 0x49 && b(2) === 0x2a && b(3) === 0x00) return 'tiff';
  if (b(0) === 0x4d && b(1) === 0x4d && b(2) === 0x00 && b(3) === 0x2a) return 'tiff';
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47) return 'png';
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'jpeg';
  return null;
}

export function mediaTypeOf(bytes: Uint8Array): string {
  const format = detectFormat(bytes);
  return format ? MEDIA_TYPES[format] : 'application/octet-stream';
}
