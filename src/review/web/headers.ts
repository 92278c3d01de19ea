/**
 * Security headers for the reviewer page. The page shows patient data, so it is
 * locked down: a strict Content-Security-Policy (CSP Level 3; no inline script,
 * no eval, everything from 'self', page images may be blob: URLs fetched with
 * the bearer token), no framing (clickjacking), no referrer (item ids stay on
 * this origin), and no MIME sniffing.
 */

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

/** The HTML shell may change with every deploy: always revalidate. */
export const HTML_CACHE_CONTROL = 'no-cache';
/** Assets addressed by their content hash never change. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/** Unversioned asset URLs revalidate with their ETag. */
export const REVALIDATE_CACHE_CONTROL = 'no-cache';
