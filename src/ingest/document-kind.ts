/**
 * Which files and attachments are documents for the pipeline. Bytes decide first
 * (magic numbers); a declared PDF/TIFF/image type or extension that the bytes do
 * not bear out is still taken in, so that the pipeline marks it invalid and staff
 * are told (a corrupt fax must not vanish silently). Anything else (signatures,
 * calendar files, Word documents) is not a referral document.
 */
import { detectFormat } from '../extract/detect-format.ts';

const CLAIMED_TYPES = /^(application\/(pdf|x-pdf)|image\/(tiff|tif|png|jpeg|jpg|pjpeg))$/i;
const CLAIMED_EXTENSIONS = /\.(pdf|tiff?|png|jpe?g)$/i;

export type DocumentKind = 'supported' | 'claimed' | 'other';

export function classifyDocument(bytes: Uint8Array, declaredType?: string | null, fileName?: string | null): DocumentKind {
  if (detectFormat(bytes) !== null) return 'supported';
  const type = (declaredType ?? '').split(';')[0]?.trim() ?? '';
  if (CLAIMED_TYPES.test(type) || CLAIMED_EXTENSIONS.test(fileName ?? '')) return 'claimed';
  return 'other';
}
