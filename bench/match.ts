/**
 * `npm run bench:match` (issue 5): patient-matching quality and speed.
 *
 * Quality goes through the `intake ehr load` / `intake match --json` contract
 * (shared/spec/cli.md): on the dev corpus (../shared/corpus/dev/match_queries.jsonl
 * against its ehr_patients.csv), and on generated populations and queries that
 * share nothing with it (generalisation). Speed: 1,000,000 generated rows loaded
 * into a throwaway database on the real PostgreSQL and per-query match latency in
 * process; the same at 100,000 rows on the embedded PGlite.
 *
 * Options: --skip-speed, --rows=N (PostgreSQL rows, default 1,000,000),
 * --pglite-rows=N (default 100,000). Env: INTAKE_BIN (default bin/intake.js),
 * BENCH_DATABASE_URL (admin URL, default postgres://postgres@127.0.0.1:5432/postgres).
 * The last line printed is one JSON object of headline numbers.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { testConfig } from '../src/config/config.ts';
import { readCsvRecords } from '../src/match/csv.ts';
import { createMatcher, loadEhrCsv } from '../src/match/index.ts';
import { normalizeDemographics } from '../src/match/normalize.ts';
import { openStore } from '../src/store/store.ts';
import { generateQueries, writePopulationCsv, type SynthQuery } from './match-synth.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEV = path.resolve(ROOT, '../shared/corpus/dev');
const INTAKE_BIN = path.resolve(ROOT, process.env.INTAKE_BIN ?? 'bin/intake.js');
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const args = process.argv.slice(2);
const argNum = (name: string, def: number) => {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.split('=')[1]) : def;
};
const SKIP_SPEED = args.includes('--skip-speed');
const PG_ROWS = argNum('rows', 1_000_000);
const PGLITE_ROWS = argNum('pglite-rows', 100_000);

interface Labelled {
  query: Record<string, unknown>;
  mrn: string | null;
  variation: string;
}

interface Quality {
  queries: number;
  autoLinks: number;
  autoLinkPrecision: number;
  autoLinkRecall: number;
  reviewRate: number;
  falseLinks: number;
  falseNew: number;
  newWhenExactAgree: number;
  byVariation: Record<string, { n: number; match: number; wrong: number; review: number; new: number }>;
}

function run(cmd: string, argv: string[], env: NodeJS.ProcessEnv, input?: string): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), code: code ?? 1 }));
    child.stdin.end(input ?? '');
  });
}

async function cli(argv: string[], env: NodeJS.ProcessEnv, input?: string): Promise<string> {
  const r = await run(process.execPath, [INTAKE_BIN, ...argv], env, input);
  if (r.code !== 0) throw new Error(`intake ${argv.join(' ')} exited ${r.code}: ${r.stderr.slice(-500)}`);
  return r.stdout;
}

async function ehrKeys(csvFile: string): Promise<Map<string, string>> {
  // mrn → normalised first|last|dob, to count "new" decisions for exact agreements.
  const keys = new Map<string, string>();
  let header: string[] | null = null;
  for await (const rec of readCsvRecords(csvFile)) {
    if (!header) {
      header = rec;
      continue;
    }
    const get = (c: string) => rec[header!.indexOf(c)] ?? null;
    const n = normalizeDemographics({ firstName: get('first_name'), lastName: get('last_name'), dob: get('dob') });
    keys.set(String(get('mrn')), `${n.first}|${n.last}|${n.dob}`);
  }
  return keys;
}

function score(labelled: Labelled[], outputs: Array<{ decision: string; mrn: string | null }>, keys: Map<string, string>): Quality {
  let autoLinks = 0;
  let correct = 0;
  let falseLinks = 0;
  let review = 0;
  let falseNew = 0;
  let newWhenExact = 0;
  let existing = 0;
  const byVariation: Quality['byVariation'] = {};
  labelled.forEach((l, i) => {
    const o = outputs[i] ?? { decision: 'review', mrn: null };
    const v = (byVariation[l.variation] ??= { n: 0, match: 0, wrong: 0, review: 0, new: 0 });
    v.n++;
    if (l.mrn) existing++;
    if (o.decision === 'match') {
      autoLinks++;
      if (o.mrn === l.mrn) {
        correct++;
        v.match++;
      } else {
        falseLinks++;
        v.wrong++;
      }
    } else if (o.decision === 'review') {
      review++;
      v.review++;
    } else {
      v.new++;
      if (l.mrn) {
        falseNew++;
        const n = normalizeDemographics(l.query as never);
        if (keys.get(l.mrn) === `${n.first}|${n.last}|${n.dob}` || n.mrn === l.mrn) newWhenExact++;
      }
    }
  });
  const r4 = (x: number) => Math.round(x * 10000) / 10000;
  return {
    queries: labelled.length,
    autoLinks,
    autoLinkPrecision: autoLinks ? r4(correct / autoLinks) : 1,
    autoLinkRecall: existing ? r4(correct / existing) : 1,
    reviewRate: r4(review / labelled.length),
    falseLinks,
    falseNew,
    newWhenExactAgree: newWhenExact,
    byVariation,
  };
}

async function qualityViaCli(name: string, csvFile: string, labelled: Labelled[]): Promise<Quality> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-match-${name}-`));
  try {
    const env = { INTAKE_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn' };
    const loaded = (await cli(['ehr', 'load', csvFile], env)).trim();
    console.log(`[${name}] ${loaded}`);
    const input = labelled.map((l) => JSON.stringify(l.query)).join('\n') + '\n';
    const started = performance.now();
    const out = (await cli(['match', '--json'], env, input)).trim().split('\n');
    console.log(`[${name}] matched ${labelled.length} queries through the CLI in ${((performance.now() - started) / 1000).toFixed(1)} s (one process, including start-up)`);
    const outputs = out.map((line) => JSON.parse(line) as { decision: string; mrn: string | null });
    if (outputs.length !== labelled.length) throw new Error(`expected ${labelled.length} output lines, got ${outputs.length}`);
    const q = score(labelled, outputs, await ehrKeys(csvFile));
    console.log(`[${name}] precision ${q.autoLinkPrecision}, recall ${q.autoLinkRecall}, review rate ${q.reviewRate}, false links ${q.falseLinks}, false new ${q.falseNew} (with exact MRN or name+DOB: ${q.newWhenExactAgree})`);
    for (const [v, c] of Object.entries(q.byVariation).sort()) {
      console.log(`    ${v.padEnd(34)} n=${String(c.n).padStart(4)} match=${String(c.match).padStart(4)} wrong=${c.wrong} review=${String(c.review).padStart(3)} new=${String(c.new).padStart(4)}`);
    }
    return q;
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function latency(store: Awaited<ReturnType<typeof openStore>>, queries: SynthQuery[]) {
  const startedStats = performance.now();
  const matcher = await createMatcher({ store, config: testConfig() });
  const statsSeconds = (performance.now() - startedStats) / 1000;
  try {
    for (const q of queries.slice(0, 50)) await matcher.match(q.query); // warm-up
    const times: number[] = [];
    const decisions: Record<string, number> = {};
    let truncated = 0;
    let wrong = 0;
    for (const q of queries) {
      const t = performance.now();
      const d = await matcher.match(q.query);
      times.push(performance.now() - t);
      decisions[d.decision] = (decisions[d.decision] ?? 0) + 1;
      if (d.vetoes?.includes('candidate_search_truncated')) truncated++;
      if (d.decision === 'match' && d.mrn !== q.mrn) wrong++;
    }
    console.log(`    decisions ${JSON.stringify(decisions)}, searches cut off by the cap ${truncated}, wrong links ${wrong} (queries drawn from a sample of the population)`);
    times.sort((a, b) => a - b);
    const r2 = (x: number) => Math.round(x * 100) / 100;
    return { p50: r2(percentile(times, 50)), p95: r2(percentile(times, 95)), p99: r2(percentile(times, 99)), statsSeconds: r2(statsSeconds) };
  } finally {
    await matcher.close();
  }
}

async function speedPostgres(rows: number) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-match-pg-'));
  const name = `bench_match_${crypto.randomBytes(4).toString('hex')}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  try {
    const csv = path.join(tmp, 'ehr.csv');
    let t = performance.now();
    const sample = await writePopulationCsv(csv, rows, 1001, 500);
    console.log(`[pg ${rows}] generated CSV in ${((performance.now() - t) / 1000).toFixed(1)} s (${(fs.statSync(csv).size / 1e6).toFixed(0)} MB)`);
    await admin.unsafe(`create database ${name}`);
    const env = { INTAKE_DATA_DIR: tmp, DATABASE_URL: url.toString(), LOG_LEVEL: 'warn' };
    t = performance.now();
    const loaded = JSON.parse((await cli(['ehr', 'load', '--json', csv], env)).trim()) as { rows: number; seconds: number };
    const wall = (performance.now() - t) / 1000;
    console.log(`[pg ${rows}] intake ehr load: ${loaded.rows} rows in ${loaded.seconds.toFixed(1)} s (process wall ${wall.toFixed(1)} s)`);
    const store = await openStore({ databaseUrl: url.toString(), dataDir: tmp, poolSize: 4 });
    try {
      const queries = generateQueries(sample, 2000, 77);
      const l = await latency(store, queries);
      console.log(`[pg ${rows}] matcher start (EHR statistics) ${l.statsSeconds} s; match latency p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms over ${queries.length} queries`);
      return { loadSeconds: loaded.seconds, loadWallSeconds: Math.round(wall * 10) / 10, ...l };
    } finally {
      await store.close();
    }
  } finally {
    await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
    await admin.end();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function speedPglite(rows: number) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-match-pglite-'));
  try {
    const csv = path.join(tmp, 'ehr.csv');
    const sample = await writePopulationCsv(csv, rows, 2002, 50);
    const store = await openStore({ dataDir: path.join(tmp, 'data'), command: 'bench:match' });
    try {
      const loaded = await loadEhrCsv(store, csv);
      console.log(`[pglite ${rows}] loaded ${loaded.rows} rows in ${loaded.seconds.toFixed(1)} s`);
      const queries = generateQueries(sample, 1000, 78);
      const l = await latency(store, queries);
      console.log(`[pglite ${rows}] matcher start ${l.statsSeconds} s; match latency p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms over ${queries.length} queries`);
      return { loadSeconds: loaded.seconds, ...l };
    } finally {
      await store.close();
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function main() {
  console.log(`bench:match on ${os.cpus().length} cores (shared machine: timings are indicative)`);
  // 1. The dev corpus, through the CLI contract.
  const devQueries = fs
    .readFileSync(path.join(DEV, 'match_queries.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { query: Record<string, unknown>; mrn: string | null; variations: string[] })
    .map((q) => ({ query: q.query, mrn: q.mrn, variation: q.variations.join('+') }));
  const dev = await qualityViaCli('dev', path.join(DEV, 'ehr_patients.csv'), devQueries);

  // 2. Generated populations and error patterns (generalisation).
  const synthDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-match-synth-'));
  const synth: Quality[] = [];
  try {
    for (const [i, size] of [[0, 20_000], [1, 50_000]] as const) {
      const csv = path.join(synthDir, `ehr${i}.csv`);
      const patients = await writePopulationCsv(csv, size, 500 + i, 1);
      const queries = generateQueries(patients, 1500, 900 + i);
      synth.push(await qualityViaCli(`synthetic ${size}`, csv, queries));
    }
  } finally {
    fs.rmSync(synthDir, { recursive: true, force: true });
  }

  // 3. Speed.
  let pg: Awaited<ReturnType<typeof speedPostgres>> | null = null;
  let lite: Awaited<ReturnType<typeof speedPglite>> | null = null;
  if (!SKIP_SPEED) {
    pg = await speedPostgres(PG_ROWS);
    lite = await speedPglite(PGLITE_ROWS);
  }
  const synthFalseLinks = synth.reduce((a, q) => a + q.falseLinks, 0);
  const headline = {
    autoLinkPrecision: dev.autoLinkPrecision,
    autoLinkRecall: dev.autoLinkRecall,
    reviewRate: dev.reviewRate,
    falseLinks: dev.falseLinks,
    newWhenExactAgree: dev.newWhenExactAgree,
    synthAutoLinkPrecision: Math.min(...synth.map((q) => q.autoLinkPrecision)),
    synthAutoLinkRecall: Math.min(...synth.map((q) => q.autoLinkRecall)),
    synthReviewRate: Math.max(...synth.map((q) => q.reviewRate)),
    synthFalseLinks,
    synthNewWhenExactAgree: synth.reduce((a, q) => a + q.newWhenExactAgree, 0),
    loadSeconds1M: pg?.loadSeconds ?? null,
    pgRows: SKIP_SPEED ? null : PG_ROWS,
    matchP50Ms: pg?.p50 ?? null,
    matchP95Ms: pg?.p95 ?? null,
    pgliteRows: SKIP_SPEED ? null : PGLITE_ROWS,
    pgliteLoadSeconds: lite?.loadSeconds ?? null,
    pgliteMatchP50Ms: lite?.p50 ?? null,
    pgliteMatchP95Ms: lite?.p95 ?? null,
  };
  console.log(JSON.stringify(headline));
}

await main();
