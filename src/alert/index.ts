/**
 * Staff alerts on Slack (issue 6). Subscribes to the event bus, turns events into
 * patient-data-free messages (format.ts), folds repeats of the same problem into
 * one follow-up with a count (dedupe.ts), and posts them one at a time with
 * retries (slack-client.ts). It also watches the review queue: when the oldest
 * item waits longer than ALERT_QUEUE_AGE_MS it raises review.queue_stale.
 * Without SLACK_WEBHOOK_URL alerts are only logged.
 */
import { sql } from 'drizzle-orm';
import type { Config } from '../config/config.ts';
import { toIntakeError } from '../core/errors.ts';
import type { EventBus, IntakeEventName } from '../core/events.ts';
import type { Logger } from '../core/logger.ts';
import type { Store } from '../store/store.ts';
import { AlertDeduper } from './dedupe.ts';
import { alertFor, recoveredAlert, slackMessage, type Alert } from './format.ts';
import { DEFAULT_SLACK_POST_OPTIONS, postToSlack, type SlackPayload, type SlackPostOptions } from './slack-client.ts';

export { slackMessage, alertFor, safeToken } from './format.ts';
export { postToSlack } from './slack-client.ts';

export interface AlerterDeps {
  events: EventBus;
  logger: Logger;
  store?: Store;
}

export interface AlerterStats {
  sent: number;
  failed: number;
  suppressed: number;
}

export interface Alerter {
  start(): Promise<void>;
  /** Unsubscribes, sends pending repeat counts, and waits for posts in flight. */
  stop(): Promise<void>;
  /** Runs the review-queue check now (also run every ALERT_CHECK_INTERVAL_MS). */
  checkReviewQueue(): Promise<void>;
  stats(): AlerterStats;
}

const SUBSCRIBED: IntakeEventName[] = [
  'document.invalid',
  'document.dead_lettered',
  'source.failing',
  'source.unusable',
  'review.queue_stale',
  'delivery.dead_lettered',
];

export function createAlerter(config: Config, deps: AlerterDeps, postOptions: Partial<SlackPostOptions> = {}): Alerter {
  const logger = deps.logger.child({ component: 'alert' });
  const stats: AlerterStats = { sent: 0, failed: 0, suppressed: 0 };
  const unsubscribe: Array<() => void> = [];
  /** Sources with an outage alert out: they get a "working again" message. */
  const sourcesDown = new Set<string>();
  let abort = new AbortController();
  let chain: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  let checking: Promise<void> | null = null;
  let started = false;

  function send(payload: SlackPayload, alert: Alert): void {
    logger.warn({ alert: alert.key, code: alert.code }, 'alert');
    const url = config.SLACK_WEBHOOK_URL;
    if (!url) return;
    const signal = abort.signal;
    // One post at a time, in order: keeps within Slack's per-webhook rate limit.
    chain = chain.then(async () => {
      try {
        await postToSlack(url, payload, { ...DEFAULT_SLACK_POST_OPTIONS, ...postOptions, signal });
        stats.sent += 1;
      } catch (err) {
        stats.failed += 1;
        const e = toIntakeError(err, 'DELIVERY_FAILED');
        logger.error({ alert: alert.key, code: e.code, status: e.details?.status }, 'alert could not be delivered');
      }
    });
  }

  const deduper = new AlertDeduper<Alert>(config.ALERT_DEDUP_WINDOW_MS, (alert, repeats, windowMs) => {
    send(slackMessage(alert, repeats, windowMs, config.PUBLIC_BASE_URL), alert);
  });

  function handle(name: IntakeEventName, payload: unknown): void {
    try {
      const alert = alertFor(name, payload as never, { sourceDownMs: config.ALERT_SOURCE_DOWN_MS });
      if (!alert) return;
      if (alert.event === 'source.failing' && alert.source) sourcesDown.add(alert.source);
      if (deduper.offer(alert.key, alert) === 'counted') stats.suppressed += 1;
    } catch (err) {
      // An alert bug must never break the code that emitted the event.
      logger.error({ code: toIntakeError(err).code, event: name }, 'could not build an alert');
    }
  }

  async function checkReviewQueue(): Promise<void> {
    if (!deps.store) return;
    try {
      const rows = await deps.store.query<{ n: number; oldest_ms: number | null }>(sql`
        select count(*)::int as n,
               (extract(epoch from (now() - min(state_changed_at))) * 1000)::float8 as oldest_ms
        from documents where state = 'in_review'`);
      const row = rows[0];
      const oldest = row?.oldest_ms === null || row?.oldest_ms === undefined ? null : Number(row.oldest_ms);
      if (oldest !== null && oldest >= config.ALERT_QUEUE_AGE_MS) {
        deps.events.emit('review.queue_stale', { oldestAgeMs: Math.round(oldest), count: Number(row?.n ?? 0) });
      }
    } catch (err) {
      logger.warn({ code: toIntakeError(err, 'STORE_UNAVAILABLE').code }, 'review queue check failed');
    }
  }

  function scheduleCheck(): void {
    timer = setTimeout(() => {
      checking = checkReviewQueue().finally(() => {
        checking = null;
        if (started) scheduleCheck();
      });
    }, config.ALERT_CHECK_INTERVAL_MS);
    timer.unref();
  }

  return {
    async start() {
      if (started) return;
      started = true;
      abort = new AbortController();
      for (const name of SUBSCRIBED) unsubscribe.push(deps.events.on(name, (payload) => handle(name, payload)));
      unsubscribe.push(
        deps.events.on('source.recovered', ({ source }) => {
          if (!sourcesDown.delete(source)) return;
          const alert = recoveredAlert(source);
          send(slackMessage(alert, 0, 0, config.PUBLIC_BASE_URL), alert);
        }),
      );
      if (deps.store) scheduleCheck();
    },
    async stop() {
      if (!started) return;
      started = false;
      for (const off of unsubscribe.splice(0)) off();
      if (timer) clearTimeout(timer);
      await checking;
      deduper.flush();
      // Give the last posts a moment, then cut retries short.
      const giveUp = setTimeout(() => abort.abort(), 5_000);
      await chain;
      clearTimeout(giveUp);
    },
    checkReviewQueue,
    stats: () => ({ ...stats }),
  };
}
