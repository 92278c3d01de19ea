/**
 * `intake serve`: workers and HTTP in one process, until SIGINT/SIGTERM.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { REPO_ROOT } from '../paths.ts';
import { createLogger } from '../../core/logger.ts';
import { loadConfig } from '../../config/config.ts';
import { startService } from '../../server/service.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the pipeline workers, the mailbox/drop-folder sources and the HTTP API')
    .option('--samples [dir]', 'on an empty store, load the bundled sample EHR table and documents')
    .action(async (opts: { samples?: string | boolean }) => {
      const config = loadConfig();
      const logger = createLogger({ level: config.LOG_LEVEL });
      const samplesDir =
        opts.samples === true ? path.join(REPO_ROOT, 'samples') : typeof opts.samples === 'string' ? opts.samples : undefined;
      const service = await startService(config, logger, samplesDir ? { samplesDir } : {});
      process.stderr.write(
        `intake: serving on http://localhost:${service.port} (store: ${service.store.kind}); ` +
          `reviewer page at /, API reference at /docs\n`,
      );
      if (service.bootstrapToken) {
        process.stderr.write(
          `intake: no users yet, so an admin "admin" was created. Its token (shown only now, keep it safe):\n` +
            `  ${service.bootstrapToken}\n` +
            `Sign in with it, then add reviewers with POST /v1/users or \`intake users add NAME --role reviewer\` (service stopped, or DATABASE_URL set).\n`,
        );
      }
      await new Promise<void>((resolve) => {
        const shutdown = (signal: string) => {
          logger.info({ signal }, 'shutting down');
          resolve();
        };
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
      });
      await service.stop();
      logger.flush();
    });
}
