/**
 * `intake extract --json FILE...` (shared/spec/cli.md): decode, OCR and extract
 * each file on its own, no database; one JSON line per file in the order given. A
 * bad file gets its own `invalid` line and never stops the run; exit 0.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { IntakeError, toIntakeError } from '../../core/errors.ts';
import { invalidExtraction, type Extraction } from '../../extract/extraction.ts';
import { createExtractor } from '../../extract/index.ts';
import { openCliBase } from '../runtime.ts';
import { printTable } from './status.ts';

export interface ExtractLine {
  file: string;
  documentType: Extraction['documentType'];
  confidence: number;
  needsReview: boolean;
  fields: Extraction['fields'];
  pages: number;
  ms: number;
  extractor: Extraction['extractor'];
  error?: Extraction['error'];
}

export function registerExtract(program: Command): void {
  program
    .command('extract')
    .description('extract the referral fields of each file (no database), one JSON line per file with --json')
    .argument('<files...>', 'documents: PDF, TIFF, PNG, JPEG')
    .option('--json', 'JSON Lines output (the stable contract)')
    .action(async (files: string[], opts: { json?: boolean }) => {
      const { config, logger } = openCliBase({ quiet: true });
      const extractor = await createExtractor(config, { logger });
      const summary: string[][] = [];
      try {
        for (const file of files) {
          const line = await extractOne(file, (bytes) => extractor.extract(bytes), config.MAX_DOCUMENT_BYTES);
          if (opts.json) {
            process.stdout.write(`${JSON.stringify(line)}\n`);
          } else {
            summary.push([
              path.basename(file),
              line.documentType,
              line.needsReview ? 'review' : 'ready',
              String(Object.keys(line.fields).length),
              String(line.pages),
              String(line.ms),
              line.error?.code ?? '',
            ]);
          }
        }
      } finally {
        await extractor.close();
      }
      if (!opts.json) printTable(['file', 'type', 'gate', 'fields', 'pages', 'ms', 'error'], summary);
    });
}

export async function extractOne(
  file: string,
  extract: (bytes: Uint8Array) => Promise<Extraction>,
  maxBytes: number,
): Promise<ExtractLine> {
  const started = performance.now();
  let extraction: Extraction;
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) throw new IntakeError('UNSUPPORTED_FORMAT', 'not a regular file');
    if (stat.size > maxBytes) throw new IntakeError('LIMIT_BYTES', `file is larger than the ${maxBytes}-byte limit`);
    extraction = await extract(await fs.readFile(file));
  } catch (err) {
    const e = err instanceof IntakeError ? err : toIntakeError(err, 'UNSUPPORTED_FORMAT', 'file could not be read');
    extraction = invalidExtraction(e.code, e.message);
  }
  const line: ExtractLine = {
    file,
    documentType: extraction.documentType,
    confidence: extraction.confidence,
    needsReview: extraction.needsReview,
    fields: extraction.fields,
    pages: extraction.pages,
    ms: Math.round(performance.now() - started),
    extractor: extraction.extractor,
  };
  if (extraction.error) line.error = extraction.error;
  return line;
}
