/**
 * `intake ehr load FILE.csv` (shared/spec/cli.md): loads the practice's patients
 * into the embedded (or DATABASE_URL) store's ehr_patients, upserting by MRN, and
 * prints one summary line. Never prints a row: rows are patient data.
 */
import type { Command } from 'commander';
import { loadEhrCsv } from '../../match/ehr-load.ts';
import { openCliRuntime } from '../runtime.ts';

export function registerEhr(program: Command): void {
  const ehr = program.command('ehr').description('the EHR patient table the matcher reads');
  ehr
    .command('load')
    .description('load patients from a CSV (mrn,first_name,middle_name,last_name,dob,sex,phone,address_line1,city,state,postal_code); re-loading an MRN updates it')
    .argument('<file>', 'CSV file')
    .option('--json', 'print the summary as one JSON object')
    .action(async (file: string, opts: { json?: boolean }) => {
      const runtime = await openCliRuntime('ehr load', { quiet: true });
      try {
        const result = await loadEhrCsv(runtime.store, file);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(result)}\n`);
        } else {
          const skipped = result.skipped > 0 ? `, ${result.skipped} skipped (no MRN or name)` : '';
          process.stdout.write(
            `loaded ${result.rows} rows (${result.inserted} inserted, ${result.updated} updated${skipped}) in ${result.seconds.toFixed(2)} s\n`,
          );
        }
      } finally {
        await runtime.close();
      }
    });
}
