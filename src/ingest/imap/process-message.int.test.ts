/**
 * One message through ingestMessage with a scripted mailbox (no server), to reach
 * what a real Dovecot will not do on demand: downloads that arrive short, then
 * whole; downloads that never arrive whole; messages without a Message-ID.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isIntakeError } from '../../core/errors.ts';
import { openTestStore, testBackends, type TestStore } from '../../../test/helpers/db.ts';
import { buildMessage, fakePdf, makeIngestDeps, recordEvents } from '../../../test/helpers/ingest.ts';
import type { StructureNode } from './completeness.ts';
import { giveUpOnMessage, ingestMessage, type MailboxOps, type MessageContext } from './process-message.ts';

function scriptedOps(raw: Buffer, sources: Array<Buffer | null>, messageId: string | null): MailboxOps & { moves: string[]; fetches: number } {
  const structure: StructureNode = {
    type: 'multipart/mixed',
    childNodes: [
      { part: '1', type: 'text/plain', encoding: '7bit', size: 10 },
      // The PDF part's encoded size as the server reports it.
      { part: '2', type: 'application/pdf', encoding: 'base64', size: Math.ceil(fakePdf('x', 30_000).length / 57) * 78 },
    ],
  };
  const ops = {
    moves: [] as string[],
    fetches: 0,
    fetchMeta: async () => ({ size: raw.length, messageId, bodyStructure: structure }),
    fetchSource: async () => {
      ops.fetches += 1;
      return sources.length > 1 ? (sources.shift() ?? null) : (sources[0] ?? null);
    },
    moveTo: async (_uid: number, target: 'processed' | 'attention') => {
      ops.moves.push(target);
    },
  };
  return ops;
}

describe.each(testBackends())('ingestMessage on %s', (backend) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(backend);
  });
  afterAll(async () => {
    await store?.close();
  });

  const ctxFor = (ops: MailboxOps, mailboxKey: string): MessageContext => ({
    deps: makeIngestDeps(store, store.dataDir),
    ops,
    limits: { maxMessageBytes: 10_000_000, maxAttachmentBytes: 10_000_000, fetchAttempts: 3 },
    mailboxKey,
    uidValidity: 7,
    sourceName: 'imap:INBOX',
  });

  it('fetches a short attachment again and stores only the whole one', async () => {
    const pdf = fakePdf('x', 30_000);
    const raw = await buildMessage({ subject: 's', messageId: '<t1@x>', text: 'hi', attachments: [{ filename: 'a.pdf', content: pdf }] });
    // A download cut inside the base64 body: same headers, a fraction of the attachment.
    const cut = Buffer.concat([raw.subarray(0, raw.length - 30_000), Buffer.from('\r\n--')]);
    const ops = scriptedOps(raw, [cut, raw], '<t1@x>'.slice(1, -1));
    const outcome = await ingestMessage(ctxFor(ops, 'mbx-trunc'), 1);
    expect(outcome.kind).toBe('processed');
    expect(ops.fetches).toBe(2);
    expect(ops.moves).toEqual(['processed']);
    const sizes = await store.query<{ size_bytes: number }>(sql`select d.size_bytes from documents d join document_receipts r on r.document_id = d.id where r.source_ref->>'mailbox' = 'mbx-trunc'`);
    expect(sizes.map((s) => Number(s.size_bytes))).toEqual([pdf.length]);
  });

  it('leaves a message whose source keeps arriving short in the mailbox, unrecorded', async () => {
    const raw = await buildMessage({ subject: 's', messageId: '<t2@x>', attachments: [{ filename: 'a.pdf', content: fakePdf('y', 30_000) }] });
    const ops = scriptedOps(raw, [raw.subarray(0, 1_000)], 't2@x');
    const error = await ingestMessage(ctxFor(ops, 'mbx-short'), 1).catch((e: unknown) => e);
    expect(isIntakeError(error, 'ATTACHMENT_TRUNCATED')).toBe(true);
    expect((error as { retryable: boolean }).retryable).toBe(true);
    expect(ops.fetches).toBe(3);
    expect(ops.moves).toEqual([]);
    const rows = await store.query(sql`select 1 from imap_messages where mailbox_key = 'mbx-short'`);
    expect(rows).toHaveLength(0);
  });

  it('dedupes a message without a Message-ID by its bytes', async () => {
    const raw = await buildMessage({ subject: 'no id', attachments: [{ filename: 'a.pdf', content: fakePdf('z') }] });
    const noId = Buffer.from(raw.toString('latin1').replace(/^Message-ID:.*\r\n/im, ''), 'latin1');
    const deps = makeIngestDeps(store, store.dataDir);
    const events = recordEvents(deps.events, ['source.unusable']);
    const first = scriptedOps(noId, [noId], null);
    const ctx = { ...ctxFor(first, 'mbx-noid'), deps };
    expect((await ingestMessage(ctx, 1)).kind).toBe('processed');
    // The same message seen again (MOVE lost in a crash): moved, not received again.
    const second = scriptedOps(noId, [noId], null);
    const again = await ingestMessage({ ...ctx, ops: second }, 1);
    expect(again).toMatchObject({ kind: 'processed', resumed: true });
    expect(second.moves).toEqual(['processed']);
    const receipts = await store.query(sql`select 1 from document_receipts where source_ref->>'mailbox' = 'mbx-noid'`);
    expect(receipts).toHaveLength(1);
    expect(events).toHaveLength(0);
  });

  it('sends an oversized message to attention without downloading it', async () => {
    const raw = await buildMessage({ subject: 'big', messageId: '<t4@x>', attachments: [{ filename: 'a.pdf', content: fakePdf('w', 5_000) }] });
    const ops = scriptedOps(raw, [raw], 't4@x');
    const ctx = ctxFor(ops, 'mbx-big');
    const outcome = await ingestMessage({ ...ctx, limits: { ...ctx.limits, maxMessageBytes: 1_000 } }, 3);
    expect(outcome).toMatchObject({ kind: 'attention', code: 'ATTACHMENT_TOO_LARGE' });
    expect(ops.fetches).toBe(0);
    expect(ops.moves).toEqual(['attention']);
  });

  it('sets a message that keeps failing aside for staff, recorded so it is never retried', async () => {
    const raw = await buildMessage({ subject: 's', messageId: '<t5@x>', attachments: [{ filename: 'a.pdf', content: fakePdf('v') }] });
    const ops = scriptedOps(raw, [raw], 't5@x');
    const deps = makeIngestDeps(store, store.dataDir);
    const events = recordEvents(deps.events, ['source.unusable']);
    const outcome = await giveUpOnMessage({ ...ctxFor(ops, 'mbx-giveup'), deps }, 9, 'ATTACHMENT_TRUNCATED');
    expect(outcome).toMatchObject({ kind: 'attention', code: 'ATTACHMENT_TRUNCATED' });
    expect(ops.moves).toEqual(['attention']);
    expect(events.map((e) => e.payload.code)).toEqual(['ATTACHMENT_TRUNCATED']);
    // Seen again (say the MOVE was lost): it goes straight back to attention.
    const again = await ingestMessage({ ...ctxFor(scriptedOps(raw, [raw], 't5@x'), 'mbx-giveup'), deps }, 9);
    expect(again).toMatchObject({ kind: 'attention', resumed: true });
  });
});
