/**
 * Builds a fresh imapflow client per connection attempt (a closed ImapFlow cannot
 * be reused) with its `error` listener attached before connect, so a socket error
 * never becomes an unhandled 'error' event that kills the process. Authenticates
 * with a password or an OAuth2 access token (SASL XOAUTH2, RFC 7628 style, as Gmail
 * and Microsoft 365 require), fetching a fresh token from a command when one is set.
 */
import { execFile } from 'node:child_process';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type { Config } from '../../config/config.ts';
import { IntakeError, type ErrorCode } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';

const TOKEN_COMMAND_TIMEOUT_MS = 30_000;

/** Runs IMAP_ACCESS_TOKEN_COMMAND and returns its trimmed stdout (never logged). */
export async function fetchAccessToken(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('/bin/sh', ['-c', command], { timeout: TOKEN_COMMAND_TIMEOUT_MS, maxBuffer: 64 * 1024 }, (err, stdout) => {
      const token = String(stdout ?? '').trim();
      if (err || token.length === 0) {
        reject(new IntakeError('SOURCE_AUTH_FAILED', 'the access token command failed or printed nothing', { cause: err ?? undefined }));
      } else {
        resolve(token);
      }
    });
  });
}

export async function createImapClient(config: Config, logger: Logger): Promise<ImapFlow> {
  if (!config.IMAP_HOST || !config.IMAP_USER) {
    throw new IntakeError('CONFIG_INVALID', 'IMAP_HOST and IMAP_USER are required for the mailbox poller');
  }
  let auth: ImapFlowOptions['auth'];
  if (config.IMAP_ACCESS_TOKEN_COMMAND) {
    auth = { user: config.IMAP_USER, accessToken: await fetchAccessToken(config.IMAP_ACCESS_TOKEN_COMMAND) };
  } else if (config.IMAP_ACCESS_TOKEN) {
    auth = { user: config.IMAP_USER, accessToken: config.IMAP_ACCESS_TOKEN };
  } else if (config.IMAP_PASSWORD) {
    auth = { user: config.IMAP_USER, pass: config.IMAP_PASSWORD };
  } else {
    throw new IntakeError('CONFIG_INVALID', 'set IMAP_PASSWORD, IMAP_ACCESS_TOKEN or IMAP_ACCESS_TOKEN_COMMAND');
  }
  const client = new ImapFlow({
    host: config.IMAP_HOST,
    port: config.IMAP_PORT ?? (config.IMAP_TLS ? 993 : 143),
    secure: config.IMAP_TLS,
    auth,
    // imapflow's own logs carry server lines (subjects, addresses): keep them out.
    logger: false,
    // Enter IDLE promptly after each command so new mail is announced within a second or so.
    autoIdleDelay: 200,
    // Re-issue IDLE periodically: servers drop idle sessions after ~30 min (RFC 2177 §3).
    maxIdleTime: 4 * 60_000,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 5 * 60_000,
  });
  client.on('error', (err: unknown) => {
    const code = (err as { code?: unknown } | null)?.code;
    logger.warn({ code: typeof code === 'string' ? code : undefined }, 'imap connection error');
  });
  return client;
}

/** Maps an imapflow/socket failure onto our closed set of codes. */
export function classifyImapError(err: unknown): { code: ErrorCode; throttled: boolean } {
  if (err instanceof IntakeError) return { code: err.code, throttled: false };
  const e = (err ?? {}) as { code?: unknown; authenticationFailed?: unknown; serverResponseCode?: unknown; responseText?: unknown };
  if (e.authenticationFailed === true || e.serverResponseCode === 'AUTHENTICATIONFAILED') {
    return { code: 'SOURCE_AUTH_FAILED', throttled: false };
  }
  const text = typeof e.responseText === 'string' ? e.responseText : '';
  const throttled = e.code === 'ETHROTTLE' || e.serverResponseCode === 'THROTTLED' || e.serverResponseCode === 'LIMIT' || /throttl|too many|rate limit/i.test(text);
  return { code: 'SOURCE_UNAVAILABLE', throttled };
}
