/**
 * bench:web — the reviewer page's figures for issue 8: time from opening the
 * page to an interactive queue on localhost (cold browser cache and warm
 * reload, token already in the tab's session), the shipped JavaScript + CSS
 * size (gzip and brotli, as served), and the time to approve one item at the
 * keyboard (correct a DOB, pick candidate 1, Ctrl+Enter) until the next item's
 * fields are workable. Runs the real service on a temporary store with two
 * sample referrals and Debian Chromium (CHROMIUM_PATH).
 *
 * Env: BENCH_LOADS (10).
 * Last line: {"queueInteractiveColdMs","queueInteractiveWarmMs","jsCssGzipBytes","jsCssBrotliBytes","keyboardApproveMs","approveRequestMs"}
 */
import http from 'node:http';
import { launchChromium, startReviewHarness, waitForQueue } from '../src/review/web/testing/harness.ts';

const LOADS = Number(process.env.BENCH_LOADS ?? 10);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
}

function compressedSize(url: string, encoding: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { 'accept-encoding': encoding } }, (res) => {
        let n = 0;
        res.on('data', (c: Buffer) => (n += c.length));
        res.on('end', () => resolve(n));
      })
      .on('error', reject);
  });
}

const started = performance.now();
const h = await startReviewHarness(['bench']);
const token = h.tokens.bench!;
const browser = await launchChromium();
try {
  const queue = (await waitForQueue(h.baseUrl, token, 2)).items;
  console.log(`service ready with ${queue.length} items in review after ${Math.round(performance.now() - started)} ms`);

  const html = await (await fetch(`${h.baseUrl}/`)).text();
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => `${h.baseUrl}${m[1]}`);
  let gzip = 0;
  let brotli = 0;
  let raw = 0;
  for (const url of assets) {
    gzip += await compressedSize(url, 'gzip');
    brotli += await compressedSize(url, 'br');
    raw += await compressedSize(url, 'identity');
  }
  console.log(`assets: ${raw} B raw, ${gzip} B gzip, ${brotli} B brotli (${assets.length} files)`);

  const mark = () => performance.getEntriesByName('queue-interactive').at(-1)?.startTime ?? -1;
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    // A fresh context has an empty cache; the token is put in the tab's session as sign-in would.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript((t) => sessionStorage.setItem('reviewer.token', t), token);
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/`);
    await page.waitForSelector('body[data-view="queue"] .queue-table tbody tr');
    cold.push(await page.evaluate(mark));
    await page.reload();
    await page.waitForSelector('body[data-view="queue"] .queue-table tbody tr');
    warm.push(await page.evaluate(mark));
    await context.close();
  }
  console.log(`queue interactive: cold median ${median(cold).toFixed(0)} ms, warm median ${median(warm).toFixed(0)} ms over ${LOADS} loads`);

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript((t) => sessionStorage.setItem('reviewer.token', t), token);
  const page = await context.newPage();
  await page.goto(`${h.baseUrl}/`);
  await page.waitForSelector('body[data-view="queue"] .queue-table tbody tr');
  const openStarted = performance.now();
  await page.keyboard.press('Enter');
  await page.waitForSelector(`.item[data-item-id="${queue[0]!.id}"] .field-list`);
  const openMs = performance.now() - openStarted;
  await page.keyboard.press('Escape');
  const t0 = performance.now();
  await page.getByLabel('Date of birth').fill('03/14/1962');
  await page.keyboard.press('Escape');
  await page.keyboard.press('1');
  const approved = page.waitForResponse((r) => r.url().endsWith('/approve'));
  await page.keyboard.press('Control+Enter');
  const status = (await approved).status();
  const approveRequestMs = performance.now() - t0;
  await page.waitForSelector(`.item[data-item-id="${queue[1]!.id}"] .field-list`);
  const keyboardApproveMs = performance.now() - t0;
  console.log(`open item to workable fields ${openMs.toFixed(0)} ms; keyboard approve: response ${status} after ${approveRequestMs.toFixed(0)} ms, next item workable after ${keyboardApproveMs.toFixed(0)} ms`);
  await context.close();

  console.log(
    JSON.stringify({
      queueInteractiveColdMs: Math.round(median(cold)),
      queueInteractiveWarmMs: Math.round(median(warm)),
      jsCssRawBytes: raw,
      jsCssGzipBytes: gzip,
      jsCssBrotliBytes: brotli,
      openItemMs: Math.round(openMs),
      approveRequestMs: Math.round(approveRequestMs),
      keyboardApproveMs: Math.round(keyboardApproveMs),
    }),
  );
} finally {
  await browser.close();
  await h.stop();
}
