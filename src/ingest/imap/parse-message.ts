/**
 * Turns a raw RFC 5322 message into the documents it carries: every attachment and
 * inline part (RFC 2183 dispositions alike), including the parts of forwarded
 * message/rfc822 bodies, which mailparser walks into. Subject, sender and file
 * names stay in memory: only their hashes leave this module.
 */
import { simpleParser, type Attachment } from 'mailparser';
import { IntakeError } from '../../core/errors.ts';
import { classifyDocument, type DocumentKind } from '../document-kind.ts';
import { shortHash, sha256Text } from '../hash.ts';

export interface MessagePart {
  /** MIME part id as IMAP numbers it ("2", "3.1"), when known. */
  partId: string | null;
  bytes: Buffer;
  kind: DocumentKind;
  /** Declared content type (not PHI; used to report problems). */
  contentType: string;
}

export interface ParsedMessage {
  /** Hash of the normalised Message-ID, or null when the message has none. */
  messageIdHash: string | null;
  senderHash: string | null;
  subjectHash: string | null;
  parts: MessagePart[];
}

const MAX_NESTED_MESSAGES = 3;

export function normaliseMessageId(raw: string | undefined | null): string | null {
  if (!raw) return null;
  const trimmed = raw.trim().replace(/^<|>$/g, '').trim().toLowerCase();
  return trimmed.length > 0 ? trimmed : null;
}

export async function parseMessage(source: Buffer): Promise<ParsedMessage> {
  let parsed;
  try {
    parsed = await simpleParser(source, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
  } catch (err) {
    throw new IntakeError('MESSAGE_MALFORMED', 'the message could not be parsed as MIME', { cause: err });
  }
  const messageId = normaliseMessageId(parsed.messageId);
  const sender = parsed.from?.value?.[0]?.address?.toLowerCase() ?? null;
  const parts: MessagePart[] = [];
  await collect(parsed.attachments ?? [], parts, 0);
  return {
    messageIdHash: messageId ? sha256Text(messageId) : null,
    senderHash: sender ? shortHash(sender) : null,
    subjectHash: parsed.subject ? shortHash(parsed.subject) : null,
    parts,
  };
}

async function collect(attachments: Attachment[], into: MessagePart[], depth: number): Promise<void> {
  for (const attachment of attachments) {
    const contentType = (attachment.contentType ?? 'application/octet-stream').toLowerCase();
    const bytes = Buffer.isBuffer(attachment.content) ? attachment.content : Buffer.from(attachment.content ?? []);
    // A forwarded message kept as an opaque attachment: take what it carries.
    if (contentType === 'message/rfc822' && depth < MAX_NESTED_MESSAGES) {
      try {
        const inner = await simpleParser(bytes, { skipHtmlToText: true, skipTextToHtml: true });
        await collect(inner.attachments ?? [], into, depth + 1);
      } catch {
        // An unreadable forwarded message carries nothing usable; the caller decides.
      }
      continue;
    }
    const partId = (attachment as Attachment & { partId?: string }).partId ?? null;
    into.push({ partId, bytes, kind: classifyDocument(bytes, contentType, attachment.filename), contentType });
  }
}
