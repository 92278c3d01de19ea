/**
 * `intake audit verify [--anchor HASH]` recomputes the audit trail's hash chain
 * and exits 1 when any row was edited or removed (or when a head recorded
 * earlier is no longer in the chain: rows cut from the end); `intake audit head`
 * prints the latest chain hash to anchor outside the database (a ticket, a
 * notarised log, another system), since a database superuser can disable the
 * append-only trigger.
 */
import type { Command } from 'commander';
import { auditHead, verifyAuditChain } from '../../audit/index.ts';
import { IntakeError } from '../../core/errors.ts';
import { openCliRuntime } from '../runtime.ts';

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit trail');

  audit
    .command('verify')
    .description('recompute the hash chain; exit 1 if any row was edited or removed')
    .option('--anchor <hash>', 'a head hash recorded earlier that must still be in the chain')
    .option('--json', 'one JSON object')
    .action(async (opts: { anchor?: string; json?: boolean }) => {
      if (opts.anchor !== undefined && !/^[0-9a-f]{64}$/.test(opts.anchor)) {
        throw new IntakeError('BAD_REQUEST', '--anchor must be a 64-character hex hash');
      }
      const rt = await openCliRuntime('audit verify', { quiet: true });
      try {
        const result = await verifyAuditChain(rt.store, opts.anchor ? { anchor: opts.anchor } : {});
        if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
        else if (result.ok) process.stdout.write(`audit chain ok: ${result.count} events, head ${result.head}\n`);
        if (!result.ok) {
          throw new IntakeError(
            'AUDIT_CHAIN_BROKEN',
            result.problem === 'anchor_missing'
              ? `audit chain broken: the anchored head is missing (events removed from the end); ${result.count} events remain`
              : `audit chain broken at event ${result.brokenAtId} (${result.problem}) after ${result.count} good events`,
          );
        }
      } finally {
        await rt.close();
      }
    });

  audit
    .command('head')
    .description('print the latest chain hash, to record outside the database')
    .option('--json', 'one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const rt = await openCliRuntime('audit head', { quiet: true });
      try {
        const head = await auditHead(rt.store);
        process.stdout.write(opts.json ? `${JSON.stringify(head)}\n` : `${head.hash}\n`);
      } finally {
        await rt.close();
      }
    });
}
