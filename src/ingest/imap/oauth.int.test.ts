/**
 * OAuth2 (SASL XOAUTH2, as Gmail and Microsoft 365 require) against a real Dovecot
 * whose oauth2 passdb checks tokens with a local introspection endpoint (RFC 7662).
 * The token comes from IMAP_ACCESS_TOKEN_COMMAND: an expired token is reported as
 * SOURCE_AUTH_FAILED, and once the command prints a fresh one the poller logs in
 * again by itself.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../config/config.ts';
import { openTestStore, tempDir, type TestStore } from '../../../test/helpers/db.ts';
import { startDovecot, type Dovecot } from '../../../test/helpers/dovecot.ts';
import { buildMessage, fakePdf, makeIngestDeps, recordEvents, waitFor } from '../../../test/helpers/ingest.ts';
import { createImapPoller } from './index.ts';

const USER = 'oauth-user';
let validToken = 'token-current';
let introspections = 0;
let server: http.Server;
let dovecot: Dovecot;
let store: TestStore;
let dir: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      introspections += 1;
      const token = new URLSearchParams(body).get('token');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(token === validToken ? { active: true, username: USER } : { active: false }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  dovecot = await startDovecot({ oauth2IntrospectionUrl: `http://127.0.0.1:${port}/introspect` });
  store = await openTestStore('pglite');
  dir = tempDir('intake-oauth-');
});

afterAll(async () => {
  await dovecot?.destroy();
  await store?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('imap poller with OAuth2', () => {
  it('reports an expired token as an auth failure and recovers with a fresh one from the command', async () => {
    const tokenFile = path.join(dir, 'token');
    fs.writeFileSync(tokenFile, 'token-expired\n');
    const admin = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: USER, pass: dovecot.password }, logger: false });
    admin.on('error', () => {});
    await admin.connect();
    await admin.append('INBOX', await buildMessage({ subject: 'oauth', attachments: [{ filename: 'o.pdf', content: fakePdf('oauth') }] }));
    await admin.logout();

    const deps = makeIngestDeps(store, store.dataDir);
    const events = recordEvents(deps.events, ['source.failing', 'source.recovered']);
    const config = testConfig({
      ...dovecot.configEnv(),
      IMAP_USER: USER,
      IMAP_PASSWORD: '',
      IMAP_ACCESS_TOKEN_COMMAND: `cat '${tokenFile}'`,
      IMAP_POLL_INTERVAL_MS: '60000',
      IMAP_BACKOFF_BASE_MS: '50',
      IMAP_BACKOFF_MAX_MS: '300',
    });
    const poller = createImapPoller(deps, config);
    await poller.start();
    try {
      await waitFor(() => events.some((e) => e.name === 'source.failing'), 10_000, 'auth failure');
      expect(events[0]?.payload).toMatchObject({ source: 'imap:INBOX', code: 'SOURCE_AUTH_FAILED' });
      expect(poller.status()).toMatchObject({ connected: false, lastErrorCode: 'SOURCE_AUTH_FAILED' });
      const docs = await store.query<{ n: number }>(sql`select count(*)::int as n from documents`);
      expect(Number(docs[0]?.n)).toBe(0);
      // The identity provider issues a new token; the command now prints it.
      validToken = 'token-fresh';
      fs.writeFileSync(tokenFile, 'token-fresh\n');
      await waitFor(() => events.some((e) => e.name === 'source.recovered'), 10_000, 'recovered');
      await waitFor(async () => Number((await store.query<{ n: number }>(sql`select count(*)::int as n from documents`))[0]?.n) === 1, 10_000, 'document');
    } finally {
      await poller.stop();
    }
    expect(introspections).toBeGreaterThanOrEqual(2);
  });
});
