// The `intake ehr load` / `intake match --json` contract (shared/spec/cli.md),
// through the real executable: one output line per input line, in order, and a
// bad line answered rather than fatal.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/db.ts';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/intake.js');
const dataDir = tempDir('intake-cli-match-');

function intake(args: string[], input = '') {
  const env: NodeJS.ProcessEnv = { ...process.env, INTAKE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  delete env.EHR_DATABASE_URL;
  return spawnSync(process.execPath, [BIN, ...args], { input, env, encoding: 'utf8', timeout: 120_000 });
}

describe('intake ehr load / match --json', () => {
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('loads a CSV and answers one JSON line per input line', () => {
    const csv = path.join(dataDir, 'ehr.csv');
    fs.writeFileSync(
      csv,
      'mrn,first_name,middle_name,last_name,dob,sex,phone,address_line1,city,state,postal_code\n' +
        'MRN1,Robert,Allen,Quillfeather,1961-04-09,M,5125550101,12 Oak St,Austin,TX,78701\n' +
        'MRN2,Anna,,Brightwater,1990-06-15,F,5125550202,5 Elm St,Austin,TX,78702\n',
    );
    const load = intake(['ehr', 'load', csv]);
    expect(load.status).toBe(0);
    expect(load.stdout).toMatch(/^loaded 2 rows \(2 inserted, 0 updated\) in \d+\.\d\d s\n$/);

    const input = [
      JSON.stringify({ firstName: 'Robert', lastName: 'Quillfeather', dob: '1961-04-09', sex: 'M', phone: '5125550101' }),
      'this is not json',
      JSON.stringify({ firstName: 'Zed', lastName: 'Nobody', dob: '1950-01-01' }),
    ].join('\n');
    const match = intake(['match', '--json'], `${input}\n`);
    expect(match.status).toBe(0);
    const lines = match.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ decision: 'match', mrn: 'MRN1' });
    expect(typeof lines[0]!.score).toBe('number');
    expect(lines[0]!.candidates).toEqual([expect.objectContaining({ mrn: 'MRN1', score: expect.any(Number) })]);
    expect(lines[1]).toMatchObject({ decision: 'review', mrn: null, error: 'BAD_REQUEST' });
    expect(lines[2]).toMatchObject({ decision: 'new', mrn: null });
    // No patient data on stderr.
    expect(match.stderr).not.toMatch(/Quillfeather|1961/);
  });
});
