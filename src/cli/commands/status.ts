/**
 * `intake status`: documents by state with the oldest in each. While `serve` holds
 * the embedded store, asks the running service instead of opening the store.
 */
import type { Command } from 'commander';
import { IntakeError } from '../../core/errors.ts';
import { loadConfig } from '../../config/config.ts';
import { readLock } from '../../store/data-dir-lock.ts';
import { documentStatus, type StateSummary } from '../../server/status.ts';
import { openCliRuntime } from '../runtime.ts';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('documents by state, and the oldest in each')
    .option('--json', 'one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const states = await readStatus();
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ states })}\n`);
        return;
      }
      if (states.length === 0) {
        process.stdout.write('no documents yet\n');
        return;
      }
      const rows = states.map((s) => [s.state, String(s.count), s.oldest ?? '-']);
      printTable(['state', 'documents', 'oldest since'], rows);
    });
}

async function readStatus(): Promise<StateSummary[]> {
  try {
    const runtime = await openCliRuntime('status', { quiet: true });
    try {
      return await documentStatus(runtime.store);
    } finally {
      await runtime.close();
    }
  } catch (err) {
    const config = loadConfig();
    const owner = readLock(config.dataDir);
    if (err instanceof IntakeError && err.code === 'STORE_LOCKED' && owner?.port) {
      const res = await fetch(`http://127.0.0.1:${owner.port}/status`);
      if (res.ok) return ((await res.json()) as { states: StateSummary[] }).states;
    }
    throw err;
  }
}

export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  process.stdout.write(`${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
}
