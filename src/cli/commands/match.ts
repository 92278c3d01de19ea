/**
 * `intake match --json` (shared/spec/cli.md): JSON Lines of demographics on stdin,
 * one decision per input line on stdout, in order. A line that is not a JSON
 * object still gets its own output line (decision "review", with an error code),
 * so a caller can always pair inputs with outputs.
 */
import readline from 'node:readline';
import type { Command } from 'commander';
import { IntakeError } from '../../core/errors.ts';
import type { Demographics, MatchDecision } from '../../match/demographics.ts';
import { createMatcher } from '../../match/index.ts';
import { openCliRuntime } from '../runtime.ts';

const FIELDS = ['firstName', 'middleName', 'lastName', 'dob', 'sex', 'phone', 'postalCode', 'memberId', 'mrn', 'addressLine1', 'suffix'] as const;

function toDemographics(value: unknown): Demographics | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const source = value as Record<string, unknown>;
  const out: Demographics = {};
  for (const key of FIELDS) {
    const v = source[key];
    if (typeof v === 'string') out[key] = v;
    else if (typeof v === 'number') out[key] = String(v);
  }
  return out;
}

function outputOf(d: MatchDecision, explain: boolean): Record<string, unknown> {
  return {
    decision: d.decision,
    mrn: d.mrn,
    score: d.score,
    candidates: d.candidates.map((c) =>
      explain ? c : { mrn: c.mrn, score: c.score, probability: c.probability, ...(c.vetoes?.length ? { vetoes: c.vetoes } : {}) },
    ),
    ...(d.vetoes?.length ? { vetoes: d.vetoes } : {}),
    reason: d.reason,
  };
}

export function registerMatch(program: Command): void {
  program
    .command('match')
    .description('match JSON Lines of demographics (stdin) against the EHR; one decision per line (stdout)')
    .option('--json', 'JSON Lines in and out (the only format)')
    .option('--explain', 'include every comparison level and weight per candidate')
    .action(async (opts: { json?: boolean; explain?: boolean }) => {
      if (!opts.json) throw new IntakeError('BAD_REQUEST', 'match reads and writes JSON Lines: use `intake match --json`');
      const runtime = await openCliRuntime('match', { quiet: true });
      try {
        const matcher = await createMatcher({ store: runtime.store, config: runtime.config, logger: runtime.logger });
        try {
          const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
          for await (const line of lines) {
            if (line.trim() === '') continue;
            let out: Record<string, unknown>;
            let parsed: unknown;
            try {
              parsed = JSON.parse(line);
            } catch {
              parsed = undefined;
            }
            const demographics = toDemographics(parsed);
            if (!demographics) {
              out = { decision: 'review', mrn: null, score: 0, candidates: [], error: 'BAD_REQUEST' };
            } else {
              try {
                out = outputOf(await matcher.match(demographics), Boolean(opts.explain));
              } catch (err) {
                const code = err instanceof IntakeError ? err.code : 'INTERNAL';
                out = { decision: 'review', mrn: null, score: 0, candidates: [], error: code };
              }
            }
            if (!process.stdout.write(`${JSON.stringify(out)}\n`)) {
              await new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
            }
          }
        } finally {
          await matcher.close();
        }
      } finally {
        await runtime.close();
      }
    });
}
