/**
 * A child process running the mailbox poller, for the crash tests: the parent
 * SIGKILLs it mid-run (or it kills itself at the Nth MOVE, i.e. after the
 * documents are stored and recorded but before the message leaves the inbox),
 * then starts it again and checks nothing was lost or duplicated.
 *
 * Environment: the IMAP_* config, DATABASE_URL (postgres) or INTAKE_DATA_DIR
 * (embedded store), INTAKE_ENCRYPTION_KEY, and optionally CRASH_ON_MOVE=N.
 * SIGTERM stops the poller cleanly and exits 0.
 */
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { createBlobStore } from '../../src/blobs/blob-store.ts';
import { parseKey } from '../../src/blobs/encryption-key.ts';
import { loadConfig } from '../../src/config/config.ts';
import { EventBus } from '../../src/core/events.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { createImapPoller } from '../../src/ingest/imap/index.ts';
import { openStore } from '../../src/store/store.ts';

const config = loadConfig();
const crashOnMove = Number(process.env.CRASH_ON_MOVE ?? 0);
if (crashOnMove > 0) {
  let moves = 0;
  const original = ImapFlow.prototype.messageMove;
  ImapFlow.prototype.messageMove = function (this: ImapFlow, ...args: Parameters<ImapFlow['messageMove']>) {
    moves += 1;
    if (moves >= crashOnMove) process.kill(process.pid, 'SIGKILL');
    return original.apply(this, args);
  } as ImapFlow['messageMove'];
}

const store = await openStore({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir, command: 'imap-poller-child' });
const poller = createImapPoller(
  {
    store,
    blobs: createBlobStore(path.join(config.dataDir, 'blobs'), parseKey(config.INTAKE_ENCRYPTION_KEY ?? '')),
    events: new EventBus(),
    logger: silentLogger(),
    maxDocumentBytes: config.MAX_DOCUMENT_BYTES,
  },
  config,
);
process.once('SIGTERM', () => {
  void (async () => {
    await poller.stop();
    await store.close();
    process.exit(0);
  })();
});
await poller.start();
process.stdout.write('started\n');
