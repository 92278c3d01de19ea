/**
 * The reviewer page's HTML shell: no inline script or style (the CSP forbids
 * both), assets referenced by content hash so they can be cached for good, and
 * a noscript notice. Everything else is drawn by the client.
 */
import type { ReviewerAssets } from './assets.ts';

export function pageHtml(assets: ReviewerAssets): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Referral review</title>
<link rel="stylesheet" href="/assets/app.css?v=${assets.css.hash}">
<script defer src="/assets/app.js?v=${assets.js.hash}"></script>
</head>
<body>
<div id="app"><p class="boot">Loading the review page…</p></div>
<noscript><p class="boot">The review page needs JavaScript.</p></noscript>
</body>
</html>
`;
}
