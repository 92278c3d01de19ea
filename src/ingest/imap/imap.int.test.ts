/**
 * The mailbox poller against a real Dovecot started by the suite (issue 6):
 * attachments become documents, IDLE pickup, the awkward messages (none usable,
 * malformed MIME, oversized, non-UTF-8 headers), UIDVALIDITY change and resuming
 * after a crash between store and move, and reconnecting after Dovecot restarts.
 */
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../config/config.ts';
import { startDovecot, type Dovecot } from '../../../test/helpers/dovecot.ts';
import { openTestStore, testBackends, type TestStore } from '../../../test/helpers/db.ts';
import { buildMessage, fakePdf, fakePng, fakeTiff, makeIngestDeps, recordEvents, waitFor } from '../../../test/helpers/ingest.ts';
import { sha256Text } from '../hash.ts';
import { createImapPoller, mailboxKeyOf } from './index.ts';

let dovecot: Dovecot;

beforeAll(async () => {
  dovecot = await startDovecot();
});

afterAll(async () => {
  await dovecot?.destroy();
});

function userFor(): string {
  return `u${crypto.randomBytes(5).toString('hex')}`;
}

function configFor(user: string, extra: Record<string, string> = {}) {
  return testConfig({
    ...dovecot.configEnv(),
    IMAP_USER: user,
    IMAP_POLL_INTERVAL_MS: '60000',
    IMAP_BACKOFF_BASE_MS: '50',
    IMAP_BACKOFF_MAX_MS: '300',
    ...extra,
  });
}

async function withClient<T>(user: string, fn: (c: ImapFlow) => Promise<T>): Promise<T> {
  const c = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user, pass: dovecot.password }, logger: false });
  c.on('error', () => {});
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.logout().catch(() => c.close());
  }
}

async function append(user: string, raw: Buffer | string, mailbox = 'INBOX'): Promise<void> {
  await withClient(user, async (c) => {
    await c.append(mailbox, raw);
  });
}

async function count(user: string, mailbox: string): Promise<number> {
  return withClient(user, async (c) => {
    const list = await c.list();
    if (!list.some((m) => m.path === mailbox)) return 0;
    const status = await c.status(mailbox, { messages: true });
    return (status && status.messages) || 0;
  });
}

async function documentCount(store: TestStore): Promise<number> {
  const rows = await store.query<{ n: number }>(sql`select count(*)::int as n from documents where source = 'imap'`);
  return Number(rows[0]?.n ?? 0);
}

describe.each(testBackends())('imap poller on %s', (backend) => {
  let store: TestStore;

  beforeAll(async () => {
    store = await openTestStore(backend);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('turns attachments, inline parts and forwarded messages into documents, then moves the message', async () => {
    const user = userFor();
    const inner = await buildMessage({ subject: 'fwd inner', text: 'see attached', attachments: [{ filename: 'inner.tif', content: fakeTiff('inner-1') }] });
    await append(
      user,
      await buildMessage({
        subject: 'Referral for Jane Quill DOB 1961-02-03',
        messageId: `<${user}-1@example.test>`,
        text: 'referral attached',
        html: '<p>see <img src="cid:logo1"></p>',
        attachments: [
          { filename: 'Jane_Quill_referral.pdf', content: fakePdf(`${user}-a`) },
          { cid: 'logo1', filename: 'scan.png', content: fakePng(`${user}-inline`) },
          { filename: 'forwarded.eml', content: inner, contentType: 'message/rfc822' },
          { filename: 'notes.txt', content: 'not a document' },
        ],
      }),
    );
    const deps = makeIngestDeps(store, store.dataDir);
    const poller = createImapPoller(deps, configFor(user));
    await poller.start();
    try {
      await waitFor(async () => (await count(user, 'Processed')) === 1, 15_000, 'message in Processed');
    } finally {
      await poller.stop();
    }
    expect(await count(user, 'INBOX')).toBe(0);
    const receipts = await store.query<{ source_ref: Record<string, unknown>; media_type: string }>(
      sql`select r.source_ref, d.media_type from document_receipts r join documents d on d.id = r.document_id
          where r.source_ref->>'mailbox' = ${mailboxKeyOf(configFor(user))} order by (r.source_ref->>'attachmentIndex')::int`,
    );
    expect(receipts.map((r) => r.media_type).sort()).toEqual(['application/pdf', 'image/png', 'image/tiff']);
    const refs = JSON.stringify(receipts.map((r) => r.source_ref));
    expect(refs).not.toMatch(/Quill|1961|example\.test|referral/i);
    expect(receipts[0]?.source_ref.messageIdHash).toBe(sha256Text(`${user}-1@example.test`));
    expect(poller.status()).toMatchObject({ running: false, connected: false, lastErrorCode: null });
    expect(poller.status().lastSuccessAt).not.toBeNull();
  });

  it('picks up a message appended while idling within 2 s', async () => {
    const user = userFor();
    const deps = makeIngestDeps(store, store.dataDir);
    const poller = createImapPoller(deps, configFor(user));
    await poller.start();
    try {
      await waitFor(() => poller.status().lastSuccessAt !== null, 10_000, 'first pass');
      // Let the client settle into IDLE (it enters IDLE 200 ms after its last command).
      await new Promise((r) => setTimeout(r, 600));
      const before = await documentCount(store);
      await append(user, await buildMessage({ subject: 'idle', attachments: [{ filename: 'a.pdf', content: fakePdf(`${user}-idle`) }] }));
      // The poll interval is 60 s: only the IDLE notification can make this in time.
      await waitFor(async () => (await documentCount(store)) === before + 1, 2_000, 'document from IDLE');
    } finally {
      await poller.stop();
    }
  });

  it('sends unusable, malformed and oversized messages to Needs Attention and stores non-UTF-8 ones', async () => {
    const user = userFor();
    const deps = makeIngestDeps(store, store.dataDir);
    const events = recordEvents(deps.events, ['source.unusable']);
    await append(user, await buildMessage({ subject: 'no attachment for Ada Bloom', text: 'call me about Ada Bloom' }));
    await append(
      user,
      Buffer.from(
        'From: fax@example.test\r\nSubject: broken\r\nMessage-ID: <broken-' + user + '@x>\r\nMIME-Version: 1.0\r\n' +
          'Content-Type: multipart/mixed; boundary="zz"\r\n\r\n--zz\r\nContent-Type: application/pdf\r\n' +
          'Content-Transfer-Encoding: base64\r\n\r\n@@@not base64@@@\r\n--z',
        'latin1',
      ),
    );
    await append(user, await buildMessage({ subject: 'big', attachments: [{ filename: 'big.pdf', content: fakePdf(`${user}-big`, 40_000) }] }));
    // Latin-1 bytes in raw 8-bit headers (no RFC 2047 encoding) and a Latin-1 file name.
    const latin = Buffer.concat([
      Buffer.from('From: =?iso-8859-1?Q?Cl=E9ment?= <c@example.test>\r\nSubject: ', 'latin1'),
      Buffer.from([0x52, 0xe9, 0x66, 0xe9, 0x72, 0x65, 0x6e, 0x63, 0x65]),
      Buffer.from(
        `\r\nMessage-ID: <latin-${user}@x>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\n` +
          'Content-Type: text/plain; charset=iso-8859-1\r\n\r\nvoir pi\xe8ce jointe\r\n--b1\r\nContent-Type: application/pdf; name="r\xe9f.pdf"\r\n' +
          `Content-Disposition: attachment; filename="r\xe9f.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n${fakePdf(`${user}-latin`).toString('base64')}\r\n--b1--\r\n`,
        'latin1',
      ),
    ]);
    await append(user, latin);
    const before = await documentCount(store);
    const poller = createImapPoller(deps, configFor(user, { MAX_ATTACHMENT_BYTES: '20000' }));
    await poller.start();
    try {
      await waitFor(async () => (await count(user, 'INBOX')) === 0, 15_000, 'inbox drained');
    } finally {
      await poller.stop();
    }
    expect(await count(user, 'Needs Attention')).toBe(3);
    expect(await count(user, 'Processed')).toBe(1);
    expect(await documentCount(store)).toBe(before + 1);
    const codes = events.map((e) => e.payload.code).sort();
    // The broken base64 part decodes far shorter than BODYSTRUCTURE says: never stored as a short file.
    expect(codes).toEqual(['ATTACHMENT_TOO_LARGE', 'ATTACHMENT_TRUNCATED', 'NO_USABLE_ATTACHMENT']);
    expect(JSON.stringify(events)).not.toMatch(/Ada|Bloom|example\.test/);
  });

  it('re-scans with dedupe when UIDVALIDITY changes and finishes a move left undone by a crash', async () => {
    const user = userFor();
    const config = configFor(user);
    const deps = makeIngestDeps(store, store.dataDir);
    const raw = await buildMessage({ subject: 'resume', messageId: `<resume-${user}@x>`, attachments: [{ filename: 'r.pdf', content: fakePdf(`${user}-r`) }] });
    await append(user, raw);
    // As if an earlier run stored this message and died before MOVE, under another UIDVALIDITY.
    const mailboxKey = mailboxKeyOf(config);
    const messageKey = `mid:${sha256Text(`resume-${user}@x`)}`;
    await store.query(sql`insert into imap_mailbox_state (mailbox_key, uid_validity, last_uid) values (${mailboxKey}, 1, 999)`);
    await store.query(sql`insert into imap_messages (mailbox_key, message_key, uid_validity, uid, status, document_ids)
      values (${mailboxKey}, ${messageKey}, 1, 5, 'stored', '{}'::uuid[])`);
    const before = await documentCount(store);
    const poller = createImapPoller(deps, config);
    await poller.start();
    try {
      await waitFor(async () => (await count(user, 'Processed')) === 1, 15_000, 'message moved');
    } finally {
      await poller.stop();
    }
    expect(await documentCount(store)).toBe(before);
    const state = await store.query<{ uid_validity: number; last_uid: number }>(
      sql`select uid_validity, last_uid from imap_mailbox_state where mailbox_key = ${mailboxKey}`,
    );
    expect(Number(state[0]?.uid_validity)).not.toBe(1);
    expect(Number(state[0]?.last_uid)).toBe(1);
    const msg = await store.query<{ status: string }>(sql`select status from imap_messages where message_key = ${messageKey}`);
    expect(msg[0]?.status).toBe('moved');
  });
});

describe('imap poller where MOVE is refused', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore('pglite');
  });
  afterAll(async () => {
    await store?.close();
  });

  it('flags the message instead, and the catch-up never takes it twice', async () => {
    const user = userFor();
    // Dovecot refuses folder names that begin with '~': creating it and MOVE there both fail.
    const config = configFor(user, { IMAP_PROCESSED_MAILBOX: '~Done', IMAP_POLL_INTERVAL_MS: '100' });
    await append(user, await buildMessage({ subject: 'flag', messageId: `<flag-${user}@x>`, attachments: [{ filename: 'f.pdf', content: fakePdf(`${user}-f`) }] }));
    const deps = makeIngestDeps(store, store.dataDir);
    let poller = createImapPoller(deps, config);
    await poller.start();
    const flagged = async () =>
      withClient(user, async (c) => {
        await c.mailboxOpen('INBOX');
        const found = await c.search({ keyword: '$IntakeProcessed' }, { uid: true });
        return found ? found.length : 0;
      });
    try {
      await waitFor(async () => (await flagged()) === 1, 10_000, 'message flagged');
    } finally {
      await poller.stop();
    }
    expect(await count(user, 'INBOX')).toBe(1);
    // Even with the resume point lost, the keyword keeps it from being taken again.
    await store.query(sql`delete from imap_mailbox_state where mailbox_key = ${mailboxKeyOf(config)}`);
    await store.query(sql`delete from imap_messages where mailbox_key = ${mailboxKeyOf(config)}`);
    poller = createImapPoller(deps, config);
    await poller.start();
    try {
      await waitFor(() => poller.status().lastSuccessAt !== null, 10_000, 'second pass');
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await poller.stop();
    }
    const receipts = await store.query(sql`select 1 from document_receipts where source_ref->>'mailbox' = ${mailboxKeyOf(config)}`);
    expect(receipts).toHaveLength(1);
  });
});

describe('imap poller and a server that goes away', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore('pglite');
  });
  afterAll(async () => {
    await store?.close();
  });

  it('reconnects by itself after Dovecot is stopped and restarted', async () => {
    const user = userFor();
    const deps = makeIngestDeps(store, store.dataDir);
    const events = recordEvents(deps.events, ['source.failing', 'source.recovered']);
    const poller = createImapPoller(deps, configFor(user, { IMAP_POLL_INTERVAL_MS: '300' }));
    await poller.start();
    try {
      await waitFor(() => poller.status().connected, 10_000, 'connected');
      await dovecot.stop();
      await waitFor(() => events.some((e) => e.name === 'source.failing'), 10_000, 'failure noticed');
      expect(poller.status().connected).toBe(false);
      expect(poller.status().lastErrorCode).toBe('SOURCE_UNAVAILABLE');
      await dovecot.start();
      await waitFor(() => events.some((e) => e.name === 'source.recovered'), 15_000, 'recovered');
      await append(user, await buildMessage({ subject: 'after restart', attachments: [{ filename: 'x.pdf', content: fakePdf(`${user}-restart`) }] }));
      await waitFor(async () => (await count(user, 'Processed')) === 1, 15_000, 'message after restart');
      expect(poller.status()).toMatchObject({ connected: true, lastErrorCode: null });
    } finally {
      await poller.stop();
    }
  });
});
