/**
 * End to end in a real headless browser (Debian Chromium via playwright-core):
 * a reviewer signs in, opens the first item, corrects a date of birth, picks a
 * patient and approves at the keyboard; the API and the store then show the
 * referral accepted with the corrected value and the reviewer's read and
 * approve events in the audit trail. A second browser opening the item the
 * first holds is told it is taken. Writes the item view's screenshot to
 * test-artifacts/reviewer-item.png and prints the page's figures.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from './headers.ts';
import { launchChromium, startReviewHarness, waitForQueue, type ReviewHarness } from './testing/harness.ts';
import type { QueueItem, ReferralDetail } from './client/types.ts';

function rawGet(url: string): Promise<{ statusCode: number; length: number; encoding: string | undefined }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        let length = 0;
        res.on('data', (chunk: Buffer) => (length += chunk.length));
        res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, length, encoding: res.headers['content-encoding'] }));
      })
      .on('error', reject);
  });
}

const ARTIFACTS = path.resolve('test-artifacts');
const CORRECTED_DOB_TYPED = '03/14/1962';
const CORRECTED_DOB = '1962-03-14';
/** Passes the payer rule (letters present), so it is stored and shown back: it must stay text. */
const HOSTILE_PAYER = '<img src=x onerror="window.__pwned=1">Acme Health';

describe('reviewer page end to end', () => {
  let h: ReviewHarness;
  let browser: Browser;
  let second: Browser;
  let queue: QueueItem[];
  const problems: string[] = [];
  const figures: Record<string, number> = {};

  const api = async <T>(p: string, token: string): Promise<T> => {
    const res = await fetch(`${h.baseUrl}${p}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };

  const watch = (page: Page) => {
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
  };

  const signIn = async (page: Page, token: string) => {
    await page.goto(h.baseUrl + '/');
    await page.getByLabel('Reviewer token').fill(token);
    await page.keyboard.press('Enter');
    await page.waitForSelector('body[data-view="queue"] .queue-table tbody tr');
  };

  beforeAll(async () => {
    h = await startReviewHarness(['rita', 'rob']);
    [browser, second] = await Promise.all([launchChromium(), launchChromium()]);
    queue = (await waitForQueue(h.baseUrl, h.tokens.rita!, 2)).items;
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await second?.close();
    await h?.stop();
    if (Object.keys(figures).length) console.log(`reviewer page figures ${JSON.stringify(figures)}`);
  });

  it('serves the shell with a strict CSP and no inline script', async () => {
    const res = await fetch(`${h.baseUrl}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=|\son[a-z]+=/i);
  });

  it('signs in, corrects a date of birth, picks a patient and approves at the keyboard', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    watch(page);
    await signIn(page, h.tokens.rita!);

    // Opening the page with the session already signed in: time to an interactive queue.
    await page.reload();
    await page.waitForSelector('body[data-view="queue"] .queue-table tbody tr');
    figures.queueInteractiveMs = Math.round(
      await page.evaluate(() => performance.getEntriesByName('queue-interactive').at(-1)?.startTime ?? -1),
    );
    expect(figures.queueInteractiveMs).toBeGreaterThan(0);
    expect(await page.locator('.queue-table tbody tr').count()).toBe(queue.length);
    await page.screenshot({ path: path.join(ARTIFACTS, 'reviewer-queue.png') });

    // Enter opens the selected (first) item and claims it.
    await page.keyboard.press('Enter');
    const first = queue[0]!;
    await page.waitForSelector(`.item[data-item-id="${first.id}"] .page img`);
    await page.waitForFunction(() => {
      const imgs = Array.from(document.querySelectorAll<HTMLImageElement>('.page img'));
      return imgs.length === document.querySelectorAll('.page').length && imgs.every((i) => i.complete);
    });
    expect(page.url()).toBe(`${h.baseUrl}/#/item/${first.id}`);
    const before = await api<ReferralDetail>(`/v1/referrals/${first.id}`, h.tokens.rita!);
    expect(before.claim?.by).toBe('rita');
    const originalDob = before.fields.find((f) => f.key === 'patient.dob')?.value;
    expect(originalDob).not.toBe(CORRECTED_DOB);
    // Evidence boxes drawn on the page for the extracted fields.
    expect(await page.locator('.page svg rect.box').count()).toBe(before.fields.filter((f) => f.bbox.some((v) => v !== 0)).length);
    await page.screenshot({ path: path.join(ARTIFACTS, 'reviewer-item.png') });
    // Every control is labelled (screen readers, and getByLabel below relies on it).
    const unlabelled = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLInputElement>('main input, main select, main textarea'))
        .filter((el) => el.labels === null || el.labels.length === 0)
        .map((el) => el.id || el.name),
    );
    expect(unlabelled).toEqual([]);
    await page.setViewportSize({ width: 2560, height: 1440 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'reviewer-item-wide.png') });
    await page.setViewportSize({ width: 1280, height: 800 });

    // Keyboard: l walks the low-confidence fields, Escape leaves the field.
    await page.keyboard.press('Escape');
    await page.keyboard.press('l');
    expect(await page.evaluate(() => document.activeElement?.closest('.field')?.classList.contains('low'))).toBe(true);
    // Plain keys type into a focused field; the help key works once the field is left.
    await page.keyboard.press('Escape');
    await page.keyboard.press('?');
    await expect.poll(() => page.locator('dialog.help[open]').count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('dialog.help[open]').count()).toBe(0);

    // A bad value is refused with the API's own rule before anything is sent.
    const dob = page.getByLabel('Date of birth');
    await dob.fill('13/45/1962');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.locator('#field-patient-dob-problem').textContent()).not.toBe('');
    expect(await dob.getAttribute('aria-invalid')).toBe('true');

    if (await page.locator('details.missing').count()) {
      await page.locator('details.missing').evaluate((d) => ((d as HTMLDetailsElement).open = true));
    }
    await page.getByLabel('Insurance payer').fill(HOSTILE_PAYER);

    const started = performance.now();
    await dob.fill(CORRECTED_DOB_TYPED);
    await page.keyboard.press('Escape');
    await page.keyboard.press('1');
    // The matcher's verdict on the old value gives way to a plain comparison with the edit.
    expect(await page.locator('section.match tr', { hasText: 'Date of birth' }).textContent()).toContain('(edited)');
    const chosenMrn = await page.locator('#choice-1').getAttribute('value');
    await page.locator('section.match').screenshot({ path: path.join(ARTIFACTS, 'reviewer-match.png') });
    expect(chosenMrn).toMatch(/\S/);
    const approved = page.waitForResponse((r) => r.url().endsWith(`/v1/referrals/${first.id}/approve`));
    await page.keyboard.press('Control+Enter');
    expect((await approved).status()).toBe(200);
    figures.approveRequestMs = Math.round(performance.now() - started);
    // The next item opens by itself.
    await page.waitForSelector(`.item[data-item-id="${queue[1]!.id}"] .field-list`);
    figures.keyboardApproveMs = Math.round(performance.now() - started);

    const after = await api<ReferralDetail & { decisions: { by: string; outcome: string; patient: unknown }[] }>(
      `/v1/referrals/${first.id}`,
      h.tokens.rita!,
    );
    expect(after.state).toBe('accepted');
    expect(after.fields.find((f) => f.key === 'patient.dob')?.value).toBe(CORRECTED_DOB);
    expect(after.fields.find((f) => f.key === 'insurance.payer')?.value).toBe(HOSTILE_PAYER);
    expect(after.decisions[0]).toMatchObject({ by: 'rita', outcome: 'approved', patient: { mrn: chosenMrn } });

    const [doc] = await h.service.store.query<{ state: string; dob: string }>(
      sql`select state, extraction #>> '{fields,patient.dob,value}' as dob from documents where id = ${first.id}`,
    );
    expect(doc).toEqual({ state: 'accepted', dob: CORRECTED_DOB });
    const audit = await h.service.store.query<{ action: string }>(
      sql`select action from audit_events where actor = 'user:rita' and resource = ${`Document/${first.id}`} order by id`,
    );
    const actions = audit.map((a) => a.action);
    expect(actions).toContain('referral.read');
    expect(actions).toContain('referral.approve');
    expect(actions.indexOf('referral.read')).toBeLessThan(actions.indexOf('referral.approve'));

    // Nothing about the patient in the URL or in storage beyond the session token.
    expect(page.url()).toMatch(/\/#\/item\/[0-9a-f-]{36}$/);
    const storage = await page.evaluate(() => ({ local: localStorage.length, sessionKeys: Object.keys(sessionStorage) }));
    expect(storage).toEqual({ local: 0, sessionKeys: ['reviewer.token'] });
    expect(await context.cookies()).toEqual([]);

    // A decided referral opens read-only, and a hostile stored value is shown as text.
    await page.goto(`${h.baseUrl}/#/item/${first.id}`);
    await page.waitForSelector(`.item[data-item-id="${first.id}"] .field-list`);
    expect(await page.locator('.banner.taken').textContent()).toMatch(/not awaiting review/);
    expect(await page.locator('#approve').isDisabled()).toBe(true);
    expect(await page.getByLabel('Insurance payer').inputValue()).toBe(HOSTILE_PAYER);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await context.close();
  });

  it('tells a second reviewer that the item is taken', async () => {
    // Rita's browser opens the second item and so claims it.
    const ritas = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const ritaPage = await ritas.newPage();
    watch(ritaPage);
    await signIn(ritaPage, h.tokens.rita!);
    await ritaPage.goto(`${h.baseUrl}/#/item/${queue[1]!.id}`);
    await ritaPage.waitForSelector(`.item[data-item-id="${queue[1]!.id}"] .field-list`);
    expect(await ritaPage.locator('#approve').isDisabled()).toBe(false);
    const held = await api<ReferralDetail>(`/v1/referrals/${queue[1]!.id}`, h.tokens.rob!);
    expect(held.claim?.by).toBe('rita');

    // Rob, in another browser, opens the same item.
    const context = await second.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    watch(page);
    // A wrong token is refused plainly and nothing is kept.
    await page.goto(h.baseUrl + '/');
    await page.getByLabel('Reviewer token').fill('rit_not-a-real-token');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.signin .problem').textContent()).toBe('That token was not accepted.');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await signIn(page, h.tokens.rob!);
    await expect.poll(() => page.locator('.queue-table tbody tr').first().textContent()).toContain('rita');
    await page.keyboard.press('Enter');
    const banner = page.locator('.banner.taken');
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/taken: rita is working on it/);
    expect(await page.locator('#approve').isDisabled()).toBe(true);
    const still = await api<ReferralDetail>(`/v1/referrals/${queue[1]!.id}`, h.tokens.rob!);
    expect(still.claim?.by).toBe('rita');
    await context.close();
    await ritas.close();
  });

  it('rejects at the keyboard in one tab and shows the other tab its version is stale', async () => {
    const id = queue[1]!.id;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const [stale, fresh] = [await context.newPage(), await context.newPage()];
    for (const page of [stale, fresh]) {
      watch(page);
      await signIn(page, h.tokens.rita!);
      await page.goto(`${h.baseUrl}/#/item/${id}`);
      await page.waitForSelector(`.item[data-item-id="${id}"] .field-list`);
      await page.keyboard.press('Escape');
    }
    // One tab rejects: r opens the dialog, the reason is chosen, Enter confirms.
    await fresh.keyboard.press('r');
    await fresh.waitForSelector('dialog[open] #reject-reason');
    await fresh.locator('#reject-reason').selectOption('duplicate');
    const rejected = fresh.waitForResponse((r) => r.url().endsWith(`/v1/referrals/${id}/reject`));
    await fresh.locator('#reject-reason').press('Enter');
    expect((await rejected).status()).toBe(200);
    // Nothing else is free: the queue says so.
    await fresh.waitForSelector('body[data-view="queue"]');
    expect(await fresh.locator('main .banner.info').textContent()).toMatch(/no more free items/);

    // The other tab still shows the old version: approving is refused and explained.
    await stale.keyboard.press('0');
    await stale.keyboard.press('Control+Enter');
    const banner = stale.locator('.banner.error');
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/changed since you opened it.*Shift\+R/);

    const detail = await api<ReferralDetail & { decisions: { by: string; outcome: string; reason: string | null }[] }>(`/v1/referrals/${id}`, h.tokens.rita!);
    expect(detail.state).toBe('failed');
    expect(detail.decisions[0]).toMatchObject({ by: 'rita', outcome: 'rejected', reason: 'duplicate' });
    await context.close();
  });

  it('ships small compressed assets', async () => {
    const html = await (await fetch(`${h.baseUrl}/`)).text();
    let total = 0;
    for (const m of html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)) {
      const { statusCode, length, encoding } = await rawGet(`${h.baseUrl}${m[1]}`);
      expect(statusCode).toBe(200);
      expect(encoding).toBe('gzip');
      total += length;
    }
    figures.assetsGzipBytes = total;
    expect(total).toBeGreaterThan(1000);
    expect(total).toBeLessThan(100_000);
  });

  it('raised no script or CSP errors in the browsers', () => {
    expect(problems.filter((p) => /Content Security Policy|Refused|TypeError|ReferenceError/i.test(p))).toEqual([]);
  });
});
