/**
 * Builds Slack messages from events. Only ids, codes, sources, counts and links
 * go out: every value is reduced to a safe token (letters, digits and a few
 * separators), so even a caller that put a name into an event field could not
 * push patient data to Slack through here. Slack mrkdwn: &, < and > would be
 * control characters, and the token alphabet excludes them.
 */
import type { IntakeEventName, IntakeEvents } from '../core/events.ts';
import type { SlackPayload } from './slack-client.ts';

export interface Alert {
  /** Dedupe key: the same problem from the same place. */
  key: string;
  event: IntakeEventName | 'source.recovered';
  title: string;
  code: string;
  source?: string;
  documentId?: string;
  ref?: string;
  /** Extra figures: attempts, age, queue length. */
  figures?: Record<string, number>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function safeToken(value: unknown, max = 80): string {
  return String(value ?? '')
    .replace(/[^A-Za-z0-9_.:/#-]/g, '_')
    .slice(0, max);
}

const CODE_TEXT: Record<string, string> = {
  UNSUPPORTED_FORMAT: 'not a PDF, TIFF, PNG or JPEG',
  EMPTY_DOCUMENT: 'empty file',
  PDF_ENCRYPTED: 'password-protected PDF',
  PDF_CORRUPT: 'damaged PDF',
  TIFF_CORRUPT: 'damaged TIFF',
  IMAGE_CORRUPT: 'damaged image',
  LIMIT_BYTES: 'larger than the size limit',
  LIMIT_PAGES: 'more pages than the limit',
  LIMIT_PIXELS: 'page image too large',
  NO_USABLE_ATTACHMENT: 'no PDF, TIFF or image attached',
  ATTACHMENT_TOO_LARGE: 'attachment over the size limit',
  ATTACHMENT_TRUNCATED: 'attachment cut off',
  MESSAGE_MALFORMED: 'message could not be parsed',
  SOURCE_UNAVAILABLE: 'cannot connect',
  SOURCE_AUTH_FAILED: 'login refused',
};

function minutes(ms: number): string {
  if (ms >= 90 * 60_000) return `${Math.round(ms / 3_600_000)} h`;
  if (ms >= 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.max(1, Math.round(ms / 1_000))} s`;
}

/** Maps an event to an alert, or null when it is not worth one (e.g. a short outage). */
export function alertFor<K extends IntakeEventName>(
  name: K,
  payload: IntakeEvents[K],
  thresholds: { sourceDownMs: number },
): Alert | null {
  switch (name) {
    case 'document.invalid': {
      const p = payload as IntakeEvents['document.invalid'];
      return { key: `invalid:${p.code}:${p.source}`, event: name, title: 'Document cannot be read', code: p.code, source: p.source, documentId: p.documentId };
    }
    case 'document.dead_lettered': {
      const p = payload as IntakeEvents['document.dead_lettered'];
      return {
        key: `dead:${p.stage}:${p.code}`,
        event: name,
        title: `Document failed for good at ${safeToken(p.stage)}`,
        code: p.code,
        documentId: p.documentId,
        figures: { attempts: p.attempts },
      };
    }
    case 'source.failing': {
      const p = payload as IntakeEvents['source.failing'];
      if (p.sinceMs < thresholds.sourceDownMs) return null;
      const title = p.code === 'SOURCE_AUTH_FAILED' ? 'Source login failing' : 'Source down';
      return { key: `failing:${p.source}:${p.code}`, event: name, title, code: p.code, source: p.source, figures: { downForMs: p.sinceMs } };
    }
    case 'source.unusable': {
      const p = payload as IntakeEvents['source.unusable'];
      return { key: `unusable:${p.source}:${p.code}`, event: name, title: 'Nothing readable arrived', code: p.code, source: p.source, ref: p.ref };
    }
    case 'review.queue_stale': {
      const p = payload as IntakeEvents['review.queue_stale'];
      return {
        key: 'queue_stale',
        event: name,
        title: 'Review queue is waiting',
        code: 'REVIEW_QUEUE_STALE',
        figures: { oldestAgeMs: p.oldestAgeMs, waiting: p.count },
      };
    }
    case 'delivery.dead_lettered': {
      const p = payload as IntakeEvents['delivery.dead_lettered'];
      return { key: `delivery:${p.code}`, event: name, title: 'Hand-off to the EHR failed for good', code: p.code, documentId: p.documentId, figures: { attempts: p.attempts } };
    }
    default:
      return null;
  }
}

export function recoveredAlert(source: string): Alert {
  return { key: `recovered:${source}`, event: 'source.recovered', title: 'Source working again', code: 'SOURCE_RECOVERED', source };
}

export function reviewLink(baseUrl: string | undefined, documentId: string | undefined): string | null {
  if (!baseUrl) return null;
  const base = baseUrl.replace(/\/+$/, '');
  // The reviewer page routes items as #/item/<uuid> (src/review/web/client/app.ts).
  return documentId && UUID.test(documentId) ? `${base}/#/item/${documentId.toLowerCase()}` : `${base}/`;
}

/** The Slack message: one line of text (for notifications) plus a section block. */
export function slackMessage(alert: Alert, repeats: number, windowMs: number, baseUrl: string | undefined): SlackPayload {
  const parts: string[] = [`code ${safeToken(alert.code)}`];
  const meaning = CODE_TEXT[alert.code];
  if (meaning) parts.push(meaning);
  if (alert.source) parts.push(`source ${safeToken(alert.source)}`);
  if (alert.ref) parts.push(`ref ${safeToken(alert.ref, 120)}`);
  for (const [name, value] of Object.entries(alert.figures ?? {})) {
    parts.push(name.endsWith('Ms') ? `${safeToken(name.slice(0, -2))} ${minutes(value)}` : `${safeToken(name)} ${Math.round(value)}`);
  }
  const documentId = alert.documentId && UUID.test(alert.documentId) ? alert.documentId.toLowerCase() : undefined;
  const link = reviewLink(baseUrl, documentId);
  let text: string;
  if (repeats > 0) {
    text = `:repeat: ${alert.title}: ${repeats} more in the last ${minutes(windowMs)} (${parts.join(', ')})`;
    if (link) text += ` <${baseUrl ? reviewLink(baseUrl, undefined) : link}|review queue>`;
  } else {
    const icon = alert.event === 'source.recovered' ? ':white_check_mark:' : ':warning:';
    text = `${icon} ${alert.title} (${parts.join(', ')})`;
    if (documentId) text += link ? ` document <${link}|${documentId}>` : ` document ${documentId}`;
    else if (link) text += ` <${link}|review queue>`;
  }
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
