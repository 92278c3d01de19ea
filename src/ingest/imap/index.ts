/**
 * The mailbox poller (issue 6). One connection per mailbox, run as an explicit
 * loop: connect → open mailbox → catch up → wait → catch up ..., and on any
 * failure back off (exponential, full jitter; longer when throttled) and start
 * over with a fresh client. IDLE EXISTS notifications (RFC 2177) only wake the
 * wait early: the catch-up itself is a UID SEARCH from the last processed UID,
 * so whatever IDLE missed (dead sockets, lost EXISTS under bursts) is found on
 * the next periodic pass. Nothing is marked processed unless its documents are
 * durable; a failure mid-message leaves it in the mailbox for the next pass.
 */
import type { ImapFlow } from 'imapflow';
import type { Config } from '../../config/config.ts';
import { IntakeError, toIntakeError } from '../../core/errors.ts';
import type { IngestDeps, SourceStatus } from '../deps.ts';
import { shortHash } from '../hash.ts';
import { backoffDelayMs, Waker } from '../timing.ts';
import { classifyImapError, createImapClient } from './connection.ts';
import { giveUpOnMessage, ingestMessage, type MailboxOps, type MessageContext } from './process-message.ts';
import { normaliseMessageId } from './parse-message.ts';
import { withReadAhead } from './prefetch.ts';
import { advanceResumePoint, markMoved, resumePoint, storedAbove } from './state.ts';
import type { StructureNode } from './completeness.ts';

export type { SourceStatus } from '../deps.ts';
export { ingestMessage } from './process-message.ts';

/** Keyword set where MOVE is refused, so the message is not taken in twice. */
export const PROCESSED_KEYWORD = '$IntakeProcessed';
export const ATTENTION_KEYWORD = '$IntakeAttention';
const THROTTLE_FACTOR = 8;
const FETCH_ATTEMPTS = 3;
/** Passes in a row a message may fail transiently before it is set aside for staff. */
const MESSAGE_PASSES = 5;

export interface ImapPoller {
  /** Starts the loop; returns once it is running (it connects in the background). */
  start(): Promise<void>;
  /** Stops the loop and waits for it to end (the current message is finished first). */
  stop(): Promise<void>;
  status(): SourceStatus;
  /** Asks for a catch-up pass now (tests, admin). */
  poke(): void;
}

export function mailboxKeyOf(config: Config): string {
  return shortHash(`${config.IMAP_USER ?? ''}@${config.IMAP_HOST ?? ''}:${config.IMAP_PORT ?? ''}/${config.IMAP_MAILBOX}`);
}

export function createImapPoller(deps: IngestDeps, config: Config): ImapPoller {
  const logger = deps.logger.child({ component: 'imap' });
  const sourceName = `imap:${config.IMAP_MAILBOX}`;
  const mailboxKey = mailboxKeyOf(config);
  const waker = new Waker();
  let abort: AbortController | null = null;
  let loop: Promise<void> | null = null;
  const state: SourceStatus = { running: false, connected: false, lastSuccessAt: null, lastErrorCode: null };
  let failingSince: number | null = null;
  /** Transient failures per UID (same UIDVALIDITY), so one bad message cannot block the mailbox for ever. */
  const strikes = new Map<string, number>();

  async function closeClient(c: ImapFlow): Promise<void> {
    c.removeAllListeners('exists');
    c.removeAllListeners('close');
    // LOGOUT on a healthy connection, but never wait long on a dead one.
    const timer = setTimeout(() => c.close(), 2_000);
    try {
      if (c.usable) await c.logout();
    } catch {
      // closing anyway
    } finally {
      clearTimeout(timer);
      c.close();
    }
  }

  async function ensureMailboxes(c: ImapFlow): Promise<void> {
    const existing = new Set((await c.list()).map((m) => m.path));
    for (const name of [config.IMAP_PROCESSED_MAILBOX, config.IMAP_ATTENTION_MAILBOX]) {
      if (existing.has(name)) continue;
      try {
        await c.mailboxCreate(name);
      } catch (err) {
        // Another client may have created it, or creation is not allowed: MOVE then falls back to flags.
        logger.warn({ code: classifyImapError(err).code }, 'could not create an ingest folder');
      }
    }
  }

  function opsFor(c: ImapFlow): MailboxOps {
    const ensureUsable = () => {
      if (!c.usable) throw new IntakeError('SOURCE_UNAVAILABLE', 'the IMAP connection closed');
    };
    return {
      async fetchMeta(uid) {
        ensureUsable();
        const msg = await c.fetchOne(String(uid), { uid: true, size: true, bodyStructure: true, envelope: true }, { uid: true });
        if (!msg) {
          ensureUsable();
          return null;
        }
        return {
          size: msg.size ?? 0,
          messageId: normaliseMessageId(msg.envelope?.messageId),
          bodyStructure: msg.bodyStructure as StructureNode | undefined,
        };
      },
      async fetchSource(uid) {
        ensureUsable();
        const msg = await c.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
        if (!msg || !msg.source) {
          ensureUsable();
          return null;
        }
        return msg.source;
      },
      async moveTo(uid, target) {
        ensureUsable();
        const folder = target === 'processed' ? config.IMAP_PROCESSED_MAILBOX : config.IMAP_ATTENTION_MAILBOX;
        const moved = await c.messageMove(String(uid), folder, { uid: true });
        if (moved) return;
        ensureUsable();
        // MOVE refused (no such folder, no rights): mark it instead, so the catch-up skips it.
        const keyword = target === 'processed' ? PROCESSED_KEYWORD : ATTENTION_KEYWORD;
        const flags = target === 'processed' ? ['\\Seen', keyword] : ['\\Flagged', keyword];
        const flagged = await c.messageFlagsAdd(String(uid), flags, { uid: true });
        ensureUsable();
        if (!flagged) throw new IntakeError('SOURCE_UNAVAILABLE', 'could neither move nor flag a message', { details: { uid } });
        logger.warn({ mailbox: mailboxKey, uid, target }, 'imap MOVE refused; message flagged instead');
      },
    };
  }

  /** One pass: every message above the resume UID, in UID order, stopping at the first transient failure. */
  async function catchUp(c: ImapFlow, uidValidity: number, signal: AbortSignal): Promise<number> {
    const resume = await resumePoint(deps.store, mailboxKey, uidValidity);
    if (resume.reset) logger.warn({ mailbox: mailboxKey }, 'imap UIDVALIDITY changed; re-scanning with dedupe');
    const found = await c.search({ uid: `${resume.lastUid + 1}:*`, unKeyword: PROCESSED_KEYWORD }, { uid: true });
    if (!found) {
      if (!c.usable) throw new IntakeError('SOURCE_UNAVAILABLE', 'the IMAP connection closed');
      throw new IntakeError('SOURCE_UNAVAILABLE', 'UID SEARCH failed');
    }
    // "N:*" always includes the highest UID even when it is below N (RFC 3501 §6.4.8).
    const uids = found.filter((u) => u > resume.lastUid).sort((a, b) => a - b);
    // A message stored and then moved (or flagged) by a worker killed before it could
    // record the move is no longer among the unprocessed: finish its bookkeeping.
    const pending = new Set(uids);
    for (const left of await storedAbove(deps.store, mailboxKey, uidValidity, resume.lastUid)) {
      if (!pending.has(left.uid)) await markMoved(deps.store, mailboxKey, left.messageKey);
    }
    const ops = withReadAhead(opsFor(c), config.MAX_MESSAGE_BYTES);
    const ctx: MessageContext = {
      deps,
      ops,
      limits: {
        maxMessageBytes: config.MAX_MESSAGE_BYTES,
        maxAttachmentBytes: config.MAX_ATTACHMENT_BYTES,
        fetchAttempts: FETCH_ATTEMPTS,
      },
      mailboxKey,
      uidValidity,
      sourceName,
    };
    let done = 0;
    for (const [i, uid] of uids.entries()) {
      if (signal.aborted) break;
      const next = uids[i + 1];
      if (next !== undefined) ops.prefetch(next);
      const strikeKey = `${uidValidity}:${uid}`;
      let outcome;
      try {
        outcome = await ingestMessage(ctx, uid);
      } catch (err) {
        const code = toIntakeError(err).code;
        const n = (strikes.get(strikeKey) ?? 0) + 1;
        strikes.set(strikeKey, n);
        // Only failures of the message itself count; a dropped connection or store says nothing about it.
        if (code !== 'ATTACHMENT_TRUNCATED' || n < MESSAGE_PASSES || !c.usable) throw err;
        outcome = await giveUpOnMessage(ctx, uid, code);
      }
      strikes.delete(strikeKey);
      await advanceResumePoint(deps.store, mailboxKey, uidValidity, uid);
      if (outcome.kind !== 'gone') done += 1;
    }
    return done;
  }

  function markFailure(err: unknown): { throttled: boolean } {
    const { code, throttled } = classifyImapError(err);
    const wrapped = toIntakeError(err, code);
    state.lastErrorCode = wrapped.code;
    failingSince ??= Date.now();
    deps.events.emit('source.failing', { source: sourceName, code: wrapped.code, sinceMs: Date.now() - failingSince });
    logger.warn({ code: wrapped.code, throttled, failingForMs: Date.now() - failingSince }, 'imap poller failure');
    return { throttled };
  }

  function markSuccess(): void {
    state.lastSuccessAt = new Date().toISOString();
    state.lastErrorCode = null;
    if (failingSince !== null) {
      failingSince = null;
      deps.events.emit('source.recovered', { source: sourceName });
      logger.info({}, 'imap poller recovered');
    }
  }

  async function run(signal: AbortSignal): Promise<void> {
    let attempt = 0;
    while (!signal.aborted) {
      let c: ImapFlow | null = null;
      try {
        c = await createImapClient(config, logger);
        c.on('close', () => waker.wake());
        c.on('exists', () => waker.wake());
        await c.connect();
        await ensureMailboxes(c);
        const box = await c.mailboxOpen(config.IMAP_MAILBOX);
        const uidValidity = Number(box.uidValidity);
        state.connected = true;
        logger.info({ mailbox: mailboxKey }, 'imap connected');
        while (!signal.aborted) {
          const n = await catchUp(c, uidValidity, signal);
          markSuccess();
          attempt = 0;
          if (n > 0) continue; // more may have arrived meanwhile
          await waker.sleep(config.IMAP_POLL_INTERVAL_MS, signal);
          if (!c.usable) throw new IntakeError('SOURCE_UNAVAILABLE', 'the IMAP connection closed');
        }
      } catch (err) {
        state.connected = false;
        if (signal.aborted) break;
        const { throttled } = markFailure(err);
        attempt += 1;
        const base = config.IMAP_BACKOFF_BASE_MS * (throttled ? THROTTLE_FACTOR : 1);
        await waker.sleep(backoffDelayMs(attempt, base, config.IMAP_BACKOFF_MAX_MS), signal);
      } finally {
        state.connected = false;
        if (c) await closeClient(c);
      }
    }
  }

  return {
    async start() {
      if (loop) return;
      if (!config.IMAP_HOST) throw new IntakeError('CONFIG_INVALID', 'IMAP_HOST is not set');
      abort = new AbortController();
      state.running = true;
      const signal = abort.signal;
      loop = run(signal)
        .catch((err: unknown) => {
          logger.error({ code: toIntakeError(err).code }, 'imap poller loop ended unexpectedly');
        })
        .finally(() => {
          state.running = false;
        });
    },
    async stop() {
      if (!loop || !abort) return;
      abort.abort();
      waker.wake();
      await loop;
      loop = null;
      abort = null;
    },
    status: () => ({ ...state }),
    poke: () => waker.wake(),
  };
}
