/**
 * The whole service as `intake serve` runs it: a real Dovecot mailbox, a drop
 * folder and the upload API feed one store; the workers carry every document to
 * review or acceptance; health, readiness and metrics report it; stop() shuts
 * everything down and releases the embedded store.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/cli/paths.ts';
import { testConfig } from '../../src/config/config.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { startService, type RunningService } from '../../src/server/service.ts';
import { openStore } from '../../src/store/store.ts';
import { tempDir } from '../helpers/db.ts';
import { startDovecot, type Dovecot } from '../helpers/dovecot.ts';
import { buildMessage, waitFor } from '../helpers/ingest.ts';

const sample = (name: string) => fs.readFileSync(path.join(REPO_ROOT, 'samples', name));

describe('intake serve, end to end', () => {
  let dovecot: Dovecot;
  let service: RunningService;
  let dataDir: string;
  let dropDir: string;
  let base: string;

  beforeAll(async () => {
    dovecot = await startDovecot();
    dataDir = tempDir();
    dropDir = tempDir();
    const config = testConfig({
      ...dovecot.configEnv(),
      INTAKE_DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      DROP_FOLDER: dropDir,
      DROP_FOLDER_POLL_INTERVAL_MS: '200',
      DROP_FOLDER_STABLE_MS: '200',
      WORKER_POLL_INTERVAL_MS: '100',
    });
    service = await startService(config, silentLogger());
    base = `http://127.0.0.1:${service.port}`;
  }, 180_000);

  afterAll(async () => {
    await service?.stop();
    await dovecot?.destroy();
  });

  it('takes documents from the mailbox, the drop folder and an upload through the pipeline', async () => {
    expect(service.bootstrapToken).toMatch(/^rit_/);
    const auth = { authorization: `Bearer ${service.bootstrapToken}` };

    const client = new ImapFlow({
      host: dovecot.host, port: dovecot.port, secure: false, logger: false,
      auth: { user: dovecot.user, pass: dovecot.password },
    });
    client.on('error', () => {});
    await client.connect();
    await client.append('INBOX', await buildMessage({
      from: 'fax@example.test', to: 'intake@example.test', subject: 'Fax received',
      attachments: [{ filename: 'fax.pdf', content: sample('d005.pdf'), contentType: 'application/pdf' }],
    }));
    await client.logout();

    fs.writeFileSync(path.join(dropDir, 'scan.pdf'), sample('d015.pdf'));

    const form = new FormData();
    form.set('file', new Blob([sample('d025.pdf')], { type: 'application/pdf' }), 'upload.pdf');
    const upload = await fetch(`${base}/v1/documents`, { method: 'POST', headers: auth, body: form });
    expect(upload.status).toBeLessThan(300);

    const states = await waitFor(async () => {
      const body = (await (await fetch(`${base}/status`)).json()) as { states: Array<{ state: string; count: number }> };
      const done = body.states.filter((s) => ['in_review', 'accepted', 'failed'].includes(s.state)).reduce((n, s) => n + s.count, 0);
      return done === 3 ? body.states : null;
    }, 150_000, 'three documents processed');
    expect(states.find((s) => s.state === 'failed')).toBeUndefined();

    expect(fs.existsSync(path.join(dropDir, 'processed', 'scan.pdf'))).toBe(true);
    const ready = (await (await fetch(`${base}/readyz`)).json()) as { status: string; sources: Record<string, boolean> };
    expect(ready).toMatchObject({ status: 'ready', sources: { imap: true, 'drop-folder': true } });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/intake_stage_duration_seconds_count\{stage="extract",to="extracted"\} 3/);
    const queue = await fetch(`${base}/v1/queue`, { headers: auth });
    expect(queue.status).toBe(200);
  }, 200_000);

  it('stops cleanly and releases the embedded store', async () => {
    await service.stop();
    const store = await openStore({ dataDir });
    await store.close();
    service = undefined as unknown as RunningService;
  }, 60_000);
});
