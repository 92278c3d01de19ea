/**
 * A throwaway Dovecot IMAP server for tests and the ingest benchmark: its own
 * config, static passdb and maildir in a temp dir, on a free loopback port
 * (STACK.md has the notes: runs as root here, so login and internal users are
 * `nobody`, chroot emptied, a line break after every `{`).
 * Requires Debian `dovecot-imapd`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const DOVECOT_USER = 'intake';
export const DOVECOT_PASSWORD = 'intake-test-password';

export interface Dovecot {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly dir: string;
  /** Environment overrides for testConfig() pointing the poller here. */
  configEnv(): Record<string, string>;
  /** Stops the server (SIGTERM, then SIGKILL), keeping the maildir. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same maildir. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  destroy(): Promise<void>;
}

const NOBODY_UID = 65534;
const NOBODY_GID = 65534;

export function dovecotBinary(): string | null {
  for (const candidate of ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot']) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('data', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      socket.setTimeout(500, () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`dovecot did not answer on port ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface DovecotOptions {
  /** Also accept OAuth2 bearer tokens (SASL XOAUTH2/OAUTHBEARER), checked by POSTing them here (RFC 7662 introspection). */
  oauth2IntrospectionUrl?: string;
}

function configText(dir: string, port: number, options: DovecotOptions): string {
  const runAsRoot = process.getuid?.() === 0;
  const users = runAsRoot
    ? `default_internal_user = nobody\ndefault_login_user = nobody\n`
    : `default_internal_user = ${os.userInfo().username}\ndefault_login_user = ${os.userInfo().username}\n`;
  // Dovecot refuses to run a mail process as root: as root, mail belongs to nobody.
  const uid = runAsRoot ? NOBODY_UID : (process.getuid?.() ?? 0);
  const gid = runAsRoot ? NOBODY_GID : (process.getgid?.() ?? 0);
  return `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
info_log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login${options.oauth2IntrospectionUrl ? ' xoauth2 oauthbearer' : ''}
mail_location = maildir:${dir}/mail/%n
mailbox_idle_check_interval = 1 secs
auth_failure_delay = 0
first_valid_uid = 0
first_valid_gid = 0
${users}${
    options.oauth2IntrospectionUrl
      ? `passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = ${dir}/oauth2.conf.ext
}
`
      : ''
  }passdb {
  driver = static
${options.oauth2IntrospectionUrl ? '  mechanisms = plain login\n' : ''}  args = password=${DOVECOT_PASSWORD}
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/home/%n
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service stats {
  chroot =
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
}
protocol imap {
  mail_max_userip_connections = 50
}
namespace inbox {
  inbox = yes
  separator = /
}
`;
}

/** Starts a fresh Dovecot on a free loopback port. */
export async function startDovecot(options: DovecotOptions = {}): Promise<Dovecot> {
  const binary = dovecotBinary();
  if (!binary) throw new Error('dovecot is not installed (apt-get install -y dovecot-imapd)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-dovecot-'));
  // The login and internal processes run as `nobody`: they must reach the config and run dirs.
  fs.chmodSync(dir, 0o755);
  for (const sub of ['run', 'state', 'mail', 'home']) fs.mkdirSync(path.join(dir, sub), { recursive: true, mode: 0o755 });
  if (process.getuid?.() === 0) {
    for (const sub of ['mail', 'home']) fs.chownSync(path.join(dir, sub), NOBODY_UID, NOBODY_GID);
  }
  const port = await freePort();
  const confPath = path.join(dir, 'dovecot.conf');
  fs.writeFileSync(confPath, configText(dir, port, options), { mode: 0o644 });
  if (options.oauth2IntrospectionUrl) {
    fs.writeFileSync(
      path.join(dir, 'oauth2.conf.ext'),
      `introspection_mode = post\nintrospection_url = ${options.oauth2IntrospectionUrl}\nusername_attribute = username\nactive_attribute = active\nactive_value = true\ntokeninfo_url =\n`,
      { mode: 0o644 },
    );
  }
  let child: ChildProcess | null = null;

  const start = async () => {
    // Its own process group: stopping kills the imap session processes too, which
    // otherwise outlive the master and keep serving open connections.
    const proc = spawn(binary, ['-F', '-c', confPath], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child = proc;
    // Never leave a server behind when the test process exits without afterAll.
    const onExit = () => {
      try {
        if (proc.pid && proc.exitCode === null) process.kill(-proc.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    process.once('exit', onExit);
    proc.once('exit', () => process.off('exit', onExit));
    try {
      await waitForPort(port, 10_000);
    } catch (err) {
      proc.kill('SIGKILL');
      const log = fs.existsSync(path.join(dir, 'dovecot.log')) ? fs.readFileSync(path.join(dir, 'dovecot.log'), 'utf8') : '';
      throw new Error(`${(err as Error).message}\n${stderr}\n${log.slice(-2000)}`);
    }
  };

  const stop = async () => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        if (proc.pid) process.kill(-proc.pid, signal);
      } catch {
        // already gone
      }
    };
    signalGroup('SIGTERM');
    const timer = setTimeout(() => signalGroup('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
    // Session processes that were still finishing get no grace.
    signalGroup('SIGKILL');
    // Wait until the port is closed, so a restart does not race the old listener.
    for (let i = 0; i < 100; i++) {
      const open = await new Promise<boolean>((resolve) => {
        const s = net.connect(port, '127.0.0.1');
        s.once('connect', () => {
          s.destroy();
          resolve(true);
        });
        s.once('error', () => resolve(false));
      });
      if (!open) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  await start();
  return {
    host: '127.0.0.1',
    port,
    user: DOVECOT_USER,
    password: DOVECOT_PASSWORD,
    dir,
    configEnv: () => ({
      IMAP_HOST: '127.0.0.1',
      IMAP_PORT: String(port),
      IMAP_TLS: 'false',
      IMAP_USER: DOVECOT_USER,
      IMAP_PASSWORD: DOVECOT_PASSWORD,
    }),
    stop,
    start,
    async destroy() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
