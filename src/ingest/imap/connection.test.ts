import { AuthenticationFailure } from 'imapflow';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../../config/config.ts';
import { IntakeError } from '../../core/errors.ts';
import { silentLogger } from '../../core/logger.ts';
import { classifyImapError, createImapClient, fetchAccessToken } from './connection.ts';

describe('classifyImapError', () => {
  it('maps login refusals, throttling and dropped connections onto our codes', () => {
    expect(classifyImapError(Object.assign(new AuthenticationFailure('no'), {}))).toEqual({ code: 'SOURCE_AUTH_FAILED', throttled: false });
    expect(classifyImapError({ serverResponseCode: 'AUTHENTICATIONFAILED' }).code).toBe('SOURCE_AUTH_FAILED');
    expect(classifyImapError({ code: 'ETHROTTLE' })).toEqual({ code: 'SOURCE_UNAVAILABLE', throttled: true });
    expect(classifyImapError({ responseText: 'Too many simultaneous connections' }).throttled).toBe(true);
    expect(classifyImapError({ code: 'ECONNREFUSED' })).toEqual({ code: 'SOURCE_UNAVAILABLE', throttled: false });
    expect(classifyImapError(new IntakeError('ATTACHMENT_TRUNCATED', 'x')).code).toBe('ATTACHMENT_TRUNCATED');
    expect(classifyImapError(undefined).code).toBe('SOURCE_UNAVAILABLE');
  });
});

describe('access tokens', () => {
  it('runs the token command for a fresh token, and fails clearly when it prints nothing', async () => {
    expect(await fetchAccessToken("printf ' ya29.token-abc \\n'")).toBe('ya29.token-abc');
    await expect(fetchAccessToken('true')).rejects.toMatchObject({ code: 'SOURCE_AUTH_FAILED' });
    await expect(fetchAccessToken('exit 3')).rejects.toMatchObject({ code: 'SOURCE_AUTH_FAILED' });
  });

  it('prefers the token command, then a static token, then a password', async () => {
    const base = { IMAP_HOST: '127.0.0.1', IMAP_USER: 'u', IMAP_TLS: 'false' };
    const viaCommand = await createImapClient(testConfig({ ...base, IMAP_PASSWORD: 'p', IMAP_ACCESS_TOKEN_COMMAND: 'echo fresh' }), silentLogger());
    expect(viaCommand.options.auth).toEqual({ user: 'u', accessToken: 'fresh' });
    const viaToken = await createImapClient(testConfig({ ...base, IMAP_PASSWORD: 'p', IMAP_ACCESS_TOKEN: 'static' }), silentLogger());
    expect(viaToken.options.auth).toEqual({ user: 'u', accessToken: 'static' });
    const viaPassword = await createImapClient(testConfig({ ...base, IMAP_PASSWORD: 'p' }), silentLogger());
    expect(viaPassword.options.auth).toEqual({ user: 'u', pass: 'p' });
    expect(viaPassword.port).toBe(143);
    // Its error listener is attached before any connect: an 'error' event does not throw.
    expect(() => viaPassword.emit('error', Object.assign(new Error('boom'), { code: 'ECONNRESET' }))).not.toThrow();
    await expect(createImapClient(testConfig(base), silentLogger())).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
