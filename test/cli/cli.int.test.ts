/**
 * The `intake` command-line contract (shared/spec/cli.md) through the real
 * executable: extract on a text PDF and on broken files, ingest through the whole
 * pipeline, status, and the plain message when another process holds the store.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/cli/paths.ts';
import { spawnTs } from '../helpers/child.ts';
import { tempDir } from '../helpers/db.ts';
import { runCli } from '../helpers/run-cli.ts';

const SAMPLE_PDF = path.join(REPO_ROOT, 'samples/d005.pdf');

describe('intake extract --json', () => {
  it('gives the fields of a text PDF, a line per file in order, and invalid lines for bad files with exit 0', async () => {
    const dir = tempDir();
    const empty = path.join(dir, 'empty.pdf');
    fs.writeFileSync(empty, '');
    const fakeDocx = path.join(dir, 'letter.pdf');
    fs.writeFileSync(fakeDocx, Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(200, 1)]));
    const missing = path.join(dir, 'missing.pdf');

    const result = await runCli(['extract', '--json', SAMPLE_PDF, empty, fakeDocx, missing], { INTAKE_DATA_DIR: dir });
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.file)).toEqual([SAMPLE_PDF, empty, fakeDocx, missing]);

    const [pdf, emptyLine, docxLine, missingLine] = lines;
    expect(pdf.documentType).toBe('referral');
    expect(pdf.pages).toBeGreaterThanOrEqual(1);
    expect(typeof pdf.ms).toBe('number');
    // samples/d005.pdf is synthetic; its labelled values:
    const truth = { 'patient.firstName': 'Donald', 'patient.lastName': 'King', 'patient.dob': '1999-11-01', 'referringProvider.npi': '1101815425' };
    for (const [key, value] of Object.entries(truth)) expect(pdf.fields[key]?.value).toBe(value);
    for (const field of Object.values(pdf.fields) as Array<{ confidence: number; page: number; bbox: number[] }>) {
      expect(field.confidence).toBeGreaterThanOrEqual(0);
      expect(field.confidence).toBeLessThanOrEqual(1);
      expect(field.page).toBeGreaterThanOrEqual(1);
      expect(field.bbox).toHaveLength(4);
    }

    expect(emptyLine).toMatchObject({ documentType: 'invalid', error: { code: 'EMPTY_DOCUMENT' } });
    expect(docxLine).toMatchObject({ documentType: 'invalid', error: { code: 'UNSUPPORTED_FORMAT' } });
    expect(missingLine.documentType).toBe('invalid');
    expect(missingLine.error.code).toBeTruthy();
  });

  it('exits 2 on misuse', async () => {
    const result = await runCli(['extract', '--json'], { INTAKE_DATA_DIR: tempDir() });
    expect(result.code).toBe(2);
  });
});

describe('intake ingest and status', () => {
  it('runs files through the pipeline, prints the summary, and reports states', async () => {
    const dataDir = tempDir();
    const dir = tempDir();
    fs.copyFileSync(SAMPLE_PDF, path.join(dir, 'a.pdf'));
    fs.writeFileSync(path.join(dir, 'broken.pdf'), '%PDF-1.7\n1 0 obj <<');
    const env = { INTAKE_DATA_DIR: dataDir };
    const loaded = await runCli(['ehr', 'load', path.join(REPO_ROOT, 'samples/ehr_patients.csv')], env);
    expect(loaded.code).toBe(0);
    const ingest = await runCli(['ingest', '--json', dir], env);
    expect(ingest.code, ingest.stderr).toBe(0);
    const rows = ingest.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const byFile = Object.fromEntries(rows.map((r) => [path.basename(r.file), r]));
    expect(['accepted', 'in_review']).toContain(byFile['a.pdf'].state);
    expect(byFile['a.pdf'].documentType).toBe('referral');
    expect(byFile['broken.pdf']).toMatchObject({ state: 'failed', documentType: 'invalid', error: 'PDF_CORRUPT' });

    const status = await runCli(['status', '--json'], env);
    expect(status.code).toBe(0);
    const states = JSON.parse(status.stdout).states as Array<{ state: string; count: number; oldest: string }>;
    expect(states.reduce((n, s) => n + s.count, 0)).toBe(2);
    expect(states.find((s) => s.state === 'failed')?.count).toBe(1);
    // Re-ingesting the same bytes adds no document.
    await runCli(['ingest', '--json', path.join(dir, 'a.pdf')], env);
    const again = JSON.parse((await runCli(['status', '--json'], env)).stdout).states as Array<{ count: number }>;
    expect(again.reduce((n, s) => n + s.count, 0)).toBe(2);
  }, 240_000);

  it('says plainly what to do when another process holds the embedded store', async () => {
    const dataDir = tempDir();
    const holder = spawnTs('test/helpers/hold-store.ts', { INTAKE_DATA_DIR: dataDir });
    await holder.waitFor(/^READY/, 60_000);
    try {
      const result = await runCli(['ingest', SAMPLE_PDF], { INTAKE_DATA_DIR: dataDir });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^intake: the embedded store in .* is in use by process \d+/);
      expect(result.stderr).toContain('DATABASE_URL');
      expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
    } finally {
      holder.proc.kill('SIGKILL');
      await holder.exited;
    }
  });
});
