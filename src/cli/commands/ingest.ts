/**
 * `intake ingest PATH...`: runs files (or every file under a folder) through the
 * whole durable pipeline — store, extract, match, review or accept — and prints a
 * summary table. A progress bar shows on a terminal.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { inArray } from 'drizzle-orm';
import { IntakeError } from '../../core/errors.ts';
import { createDefaultStages, workerOptionsFromConfig } from '../../pipeline/default-stages.ts';
import { receiveDocument } from '../../pipeline/receive.ts';
import { createPipelineWorker } from '../../pipeline/worker.ts';
import { documents } from '../../store/schema/documents.ts';
import { openCliRuntime } from '../runtime.ts';
import { printTable } from './status.ts';

const FINAL_STATES = new Set(['in_review', 'accepted', 'failed']);

export async function listFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const stat = await fs.stat(p).catch(() => null);
    if (!stat) throw new IntakeError('BAD_REQUEST', `no such file or folder: ${p}`);
    if (stat.isDirectory()) {
      const entries = await fs.readdir(p, { recursive: true, withFileTypes: true });
      for (const e of entries) {
        if (e.isFile() && !e.name.startsWith('.')) out.push(path.join(e.parentPath, e.name));
      }
    } else {
      out.push(p);
    }
  }
  return out.sort();
}

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('run files (or every file under folders) through the whole pipeline')
    .argument('<paths...>', 'files or folders')
    .option('--json', 'one JSON line per file instead of the table')
    .action(async (paths: string[], opts: { json?: boolean }) => {
      const files = await listFiles(paths);
      const runtime = await openCliRuntime('ingest', { quiet: true });
      const { config, store, blobs, events, logger } = runtime;
      const defaults = await createDefaultStages({ config, store, logger, events }).catch(async (err: unknown) => {
        await runtime.close();
        throw err;
      });
      const bar = process.stderr.isTTY && !opts.json
        ? new SingleBar({ format: 'ingest [{bar}] {value}/{total} {stage}', stream: process.stderr }, Presets.shades_classic)
        : null;
      try {
        const received: Array<{ file: string; id: string | null; error?: string }> = [];
        bar?.start(files.length * 2, 0, { stage: 'storing' });
        for (const file of files) {
          try {
            const bytes = await fs.readFile(file);
            const r = await receiveDocument({ store, blobs, maxBytes: config.MAX_DOCUMENT_BYTES, events }, {
              bytes,
              source: 'cli',
            });
            received.push({ file, id: r.documentId });
          } catch (err) {
            received.push({ file, id: null, error: err instanceof IntakeError ? err.code : 'UNREADABLE' });
          }
          bar?.increment(1, { stage: 'storing' });
        }
        const ids = received.flatMap((r) => (r.id ? [r.id] : []));
        const seen = new Set<string>();
        events.on('document.state_changed', (e) => {
          if (FINAL_STATES.has(e.to) && ids.includes(e.documentId) && !seen.has(e.documentId)) {
            seen.add(e.documentId);
            bar?.increment(1, { stage: 'processing' });
          }
        });
        const worker = createPipelineWorker({ store, blobs, events, logger, stages: defaults.stages, options: workerOptionsFromConfig(config) });
        await worker.drain();
        bar?.stop();
        const rows = ids.length
          ? await store.db
              .select({ id: documents.id, state: documents.state, type: documents.documentType, reasons: documents.reviewReasons, error: documents.errorCode, match: documents.matchDecision })
              .from(documents)
              .where(inArray(documents.id, ids))
          : [];
        const byId = new Map(rows.map((r) => [r.id, r]));
        const table = received.map((r) => {
          const row = r.id ? byId.get(r.id) : undefined;
          const decision = (row?.match as { decision?: string } | null)?.decision ?? '';
          return {
            file: r.file,
            documentId: r.id,
            state: row?.state ?? 'not stored',
            documentType: row?.type ?? null,
            match: decision || null,
            reviewReasons: row?.reasons ?? [],
            error: r.error ?? row?.error ?? null,
          };
        });
        if (opts.json) {
          for (const t of table) process.stdout.write(`${JSON.stringify(t)}\n`);
        } else {
          printTable(
            ['file', 'state', 'type', 'match', 'review reasons', 'error'],
            table.map((t) => [path.basename(t.file), t.state, t.documentType ?? '', t.match ?? '', t.reviewReasons.join(','), t.error ?? '']),
          );
        }
      } finally {
        bar?.stop();
        await defaults.close();
        await runtime.close();
      }
    });
}
