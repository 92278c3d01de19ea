/**
 * What CLI commands share: configuration from the environment, a logger on stderr
 * (stdout stays clean for JSON output), and, for commands that need it, the store
 * and the blob store. A locked embedded store becomes a plain message, never a raw
 * lock error.
 */
import path from 'node:path';
import { pino } from 'pino';
import { createBlobStore, type BlobStore } from '../blobs/blob-store.ts';
import { loadEncryptionKey } from '../blobs/encryption-key.ts';
import { loadConfig, type Config } from '../config/config.ts';
import { EventBus } from '../core/events.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import { openStore, type Store } from '../store/store.ts';

export interface CliBase {
  config: Config;
  logger: Logger;
}

export interface CliRuntime extends CliBase {
  store: Store;
  blobs: BlobStore;
  events: EventBus;
  close(): Promise<void>;
}

/** Config and a stderr logger; for commands that need no store. */
export function openCliBase(options: { quiet?: boolean } = {}): CliBase {
  const config = loadConfig();
  const logger = createLogger({
    level: options.quiet ? 'warn' : config.LOG_LEVEL,
    destination: pino.destination({ dest: 2, sync: true }),
  });
  return { config, logger };
}

export function blobStoreFor(config: Config, logger?: Logger): BlobStore {
  return createBlobStore(
    path.join(config.dataDir, 'blobs'),
    loadEncryptionKey(config.INTAKE_ENCRYPTION_KEY, config.dataDir, logger),
  );
}

/** Opens the store (embedded, or DATABASE_URL) for a command. */
export async function openCliRuntime(command: string, options: { quiet?: boolean } = {}): Promise<CliRuntime> {
  const base = openCliBase(options);
  const { config, logger } = base;
  const store = await openStore({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.dataDir,
    poolSize: config.DATABASE_POOL_SIZE,
    command,
  });
  return {
    ...base,
    store,
    blobs: blobStoreFor(config, logger),
    events: new EventBus(),
    close: () => store.close(),
  };
}
