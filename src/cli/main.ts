/**
 * The `intake` command line (shared/spec/cli.md). Each command lives in
 * src/cli/commands/ and registers itself here. Failures print one plain line on
 * stderr and exit 1; misuse exits 2.
 */
import { Command, CommanderError } from 'commander';
import { IntakeError } from '../core/errors.ts';
import { registerEhr } from './commands/ehr.ts';
import { registerExtract } from './commands/extract.ts';
import { registerMatch } from './commands/match.ts';
import { registerIngest } from './commands/ingest.ts';
import { registerServe } from './commands/serve.ts';
import { registerStatus } from './commands/status.ts';
import { registerUsers } from './commands/users.ts';
import { registerAudit } from './commands/audit.ts';

const program = new Command('intake')
  .description('Turns referral faxes into matched, reviewable patient referrals')
  .showHelpAfterError()
  .exitOverride();

registerServe(program);
registerIngest(program);
registerExtract(program);
registerStatus(program);
registerEhr(program);
registerMatch(program);
registerUsers(program);
registerAudit(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else if (err instanceof IntakeError) {
    process.stderr.write(`intake: ${err.message}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`intake: unexpected failure: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
