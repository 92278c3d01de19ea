/**
 * Takes one message in, in the order that makes a crash harmless: documents are
 * stored durably first (receiveDocument is idempotent by SHA-256), then the
 * message is recorded by key (hash of Message-ID, or of its bytes), and only then
 * moved out of the watched mailbox. On restart a message already recorded is just
 * moved again; one stored but not recorded is stored again as a duplicate receipt
 * of the same documents: nothing lost, no document duplicated.
 */
import { IntakeError, toIntakeError, type ErrorCode } from '../../core/errors.ts';
import { receiveDocument } from '../../pipeline/receive.ts';
import type { IngestDeps } from '../deps.ts';
import { sha256Text } from '../hash.ts';
import { findTruncation, type StructureNode } from './completeness.ts';
import { parseMessage, type ParsedMessage } from './parse-message.ts';
import { findMessage, markMoved, recordMessage } from './state.ts';

/** The few mailbox operations a message needs; the poller implements them over imapflow. */
export interface MailboxOps {
  /** Size (RFC822.SIZE), structure and Message-ID, or null when the message is gone. */
  fetchMeta(uid: number): Promise<{ size: number; messageId: string | null; bodyStructure: StructureNode | undefined } | null>;
  fetchSource(uid: number): Promise<Buffer | null>;
  /** Moves the message to a folder, or flags it where MOVE is not allowed. */
  moveTo(uid: number, target: 'processed' | 'attention'): Promise<void>;
}

export interface MessageLimits {
  maxMessageBytes: number;
  maxAttachmentBytes: number;
  /** Download attempts before a message that keeps arriving short is given up on. */
  fetchAttempts: number;
}

export interface MessageContext {
  deps: IngestDeps;
  ops: MailboxOps;
  limits: MessageLimits;
  mailboxKey: string;
  uidValidity: number;
  /** Name used in events and alerts, e.g. "imap:INBOX". */
  sourceName: string;
}

export type MessageOutcome =
  | { kind: 'gone' }
  | { kind: 'processed'; documentIds: string[]; resumed: boolean }
  | { kind: 'attention'; code: ErrorCode; resumed: boolean };

export async function ingestMessage(ctx: MessageContext, uid: number): Promise<MessageOutcome> {
  const { deps, ops } = ctx;
  const meta = await ops.fetchMeta(uid);
  if (!meta) return { kind: 'gone' };

  const midKey = meta.messageId ? `mid:${sha256Text(meta.messageId)}` : null;
  if (midKey) {
    const resumed = await resumeKnown(ctx, uid, midKey);
    if (resumed) return resumed;
  }

  if (meta.size > ctx.limits.maxMessageBytes) {
    const key = midKey ?? `uid:${ctx.uidValidity}:${uid}:${meta.size}`;
    return attention(ctx, uid, key, 'ATTACHMENT_TOO_LARGE', []);
  }

  const { source, parsed, shortParts } = await downloadComplete(ctx, uid, meta);
  const messageKey = midKey ?? `raw:${sha256Text(source.toString('latin1'))}`;
  if (!midKey) {
    const resumed = await resumeKnown(ctx, uid, messageKey);
    if (resumed) return resumed;
  }
  if (!parsed) return attention(ctx, uid, messageKey, 'MESSAGE_MALFORMED', []);

  const documentIds: string[] = [];
  let tooLarge = 0;
  let truncated = 0;
  let index = 0;
  for (const part of parsed.parts) {
    index += 1;
    if (part.kind === 'other') continue;
    if (part.partId && shortParts.has(part.partId)) {
      truncated += 1;
      continue;
    }
    if (part.bytes.length > ctx.limits.maxAttachmentBytes || part.bytes.length > deps.maxDocumentBytes) {
      tooLarge += 1;
      continue;
    }
    const result = await receiveDocument(
      { store: deps.store, blobs: deps.blobs, maxBytes: deps.maxDocumentBytes, events: deps.events },
      {
        bytes: part.bytes,
        source: 'imap',
        sourceRef: {
          mailbox: ctx.mailboxKey,
          uidValidity: ctx.uidValidity,
          uid,
          messageIdHash: parsed.messageIdHash,
          senderHash: parsed.senderHash,
          subjectHash: parsed.subjectHash,
          attachmentIndex: index,
          partId: part.partId,
        },
      },
    );
    if (!documentIds.includes(result.documentId)) documentIds.push(result.documentId);
  }
  // Some parts stored, some not: staff still hear about the ones left behind.
  if (tooLarge > 0 && documentIds.length > 0) {
    deps.events.emit('source.unusable', { source: ctx.sourceName, code: 'ATTACHMENT_TOO_LARGE', ref: refOf(ctx, uid, messageKey) });
  }
  if (truncated > 0 && documentIds.length > 0) {
    deps.events.emit('source.unusable', { source: ctx.sourceName, code: 'ATTACHMENT_TRUNCATED', ref: refOf(ctx, uid, messageKey) });
  }
  if (documentIds.length === 0) {
    const code = truncated > 0 ? 'ATTACHMENT_TRUNCATED' : tooLarge > 0 ? 'ATTACHMENT_TOO_LARGE' : 'NO_USABLE_ATTACHMENT';
    return attention(ctx, uid, messageKey, code, []);
  }
  await recordMessage(deps.store, {
    mailboxKey: ctx.mailboxKey,
    messageKey,
    uidValidity: ctx.uidValidity,
    uid,
    status: 'stored',
    documentIds,
    errorCode: null,
  });
  await ops.moveTo(uid, 'processed');
  await markMoved(deps.store, ctx.mailboxKey, messageKey);
  deps.logger.info({ mailbox: ctx.mailboxKey, uid, documents: documentIds.length }, 'imap message ingested');
  return { kind: 'processed', documentIds, resumed: false };
}

/**
 * Gives up on a message that keeps failing transiently (e.g. a download that never
 * arrives whole): it goes to the attention folder so it stops blocking the mailbox.
 */
export async function giveUpOnMessage(ctx: MessageContext, uid: number, code: ErrorCode): Promise<MessageOutcome> {
  const meta = await ctx.ops.fetchMeta(uid);
  if (!meta) return { kind: 'gone' };
  const key = meta.messageId ? `mid:${sha256Text(meta.messageId)}` : `uid:${ctx.uidValidity}:${uid}:${meta.size}`;
  return attention(ctx, uid, key, code, []);
}

/** A message seen before (crash between store and move, or a UIDVALIDITY re-scan): finish its move only. */
async function resumeKnown(ctx: MessageContext, uid: number, messageKey: string): Promise<MessageOutcome | null> {
  const known = await findMessage(ctx.deps.store, ctx.mailboxKey, messageKey);
  if (!known) return null;
  const target = known.status === 'attention' || (known.status === 'moved' && known.documentIds.length === 0) ? 'attention' : 'processed';
  await ctx.ops.moveTo(uid, target);
  await markMoved(ctx.deps.store, ctx.mailboxKey, messageKey);
  ctx.deps.logger.info({ mailbox: ctx.mailboxKey, uid, target }, 'imap message already ingested; moved');
  return target === 'processed'
    ? { kind: 'processed', documentIds: known.documentIds, resumed: true }
    : { kind: 'attention', code: (known.errorCode ?? 'NO_USABLE_ATTACHMENT') as ErrorCode, resumed: true };
}

async function attention(ctx: MessageContext, uid: number, messageKey: string, code: ErrorCode, documentIds: string[]): Promise<MessageOutcome> {
  ctx.deps.events.emit('source.unusable', { source: ctx.sourceName, code, ref: refOf(ctx, uid, messageKey) });
  await recordMessage(ctx.deps.store, {
    mailboxKey: ctx.mailboxKey,
    messageKey,
    uidValidity: ctx.uidValidity,
    uid,
    status: 'attention',
    documentIds,
    errorCode: code,
  });
  await ctx.ops.moveTo(uid, 'attention');
  await markMoved(ctx.deps.store, ctx.mailboxKey, messageKey);
  ctx.deps.logger.warn({ mailbox: ctx.mailboxKey, uid, code }, 'imap message needs attention');
  return { kind: 'attention', code, resumed: false };
}

/** A non-PHI reference staff can use to find the message: mailbox key, UIDVALIDITY/UID, key prefix. */
function refOf(ctx: MessageContext, uid: number, messageKey: string): string {
  return `${ctx.mailboxKey}/${ctx.uidValidity}/${uid}/${messageKey.slice(0, 20)}`;
}

async function downloadComplete(
  ctx: MessageContext,
  uid: number,
  meta: { size: number; bodyStructure: StructureNode | undefined },
): Promise<{ source: Buffer; parsed: ParsedMessage | null; shortParts: Set<string> }> {
  for (let attempt = 1; ; attempt++) {
    const source = await ctx.ops.fetchSource(uid);
    if (!source) throw new IntakeError('SOURCE_UNAVAILABLE', 'message disappeared while downloading', { details: { uid } });
    let parsed: ParsedMessage | null;
    try {
      parsed = await parseMessage(source);
    } catch (err) {
      const e = toIntakeError(err);
      if (e.code !== 'MESSAGE_MALFORMED') throw e;
      parsed = null;
    }
    const sizes = (parsed?.parts ?? []).map((p) => ({ partId: p.partId, decodedBytes: p.bytes.length }));
    const problem = findTruncation(meta.size, source.length, meta.bodyStructure, sizes);
    if (!problem) return { source, parsed, shortParts: new Set() };
    ctx.deps.logger.warn(
      { mailbox: ctx.mailboxKey, uid, attempt, messageShort: problem.message, shortParts: problem.parts.length },
      'imap download was short; fetching again',
    );
    if (attempt >= ctx.limits.fetchAttempts) {
      // A source that keeps arriving short is a transport problem: retry the message later.
      if (problem.message) {
        throw new IntakeError('ATTACHMENT_TRUNCATED', 'message download kept arriving short', { details: { uid, attempts: attempt } });
      }
      // The whole message arrived, yet a part is shorter than the server says: the part itself is
      // broken (cut off by the sender, bad encoding). It is never stored as a short file.
      return { source, parsed, shortParts: new Set(problem.parts) };
    }
  }
}
