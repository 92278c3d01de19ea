/**
 * bench:claude-combine — what combining Claude with the offline extractor does to
 * the review gate, WITHOUT an API key: Claude is SIMULATED from the dev corpus
 * labels (a perfect reader, then readers that misread, swap or omit a share of
 * fields, or call non-referrals referrals). The simulated values go through the
 * real citation check, our confidence (read-fields.ts) and the real combination
 * (combine.ts) with the real offline extractor, so the figures show whether the
 * combination rule keeps the gate honest under a given model error rate. They
 * say nothing about how often a real model errs: only a run with a key can, so
 * with ANTHROPIC_API_KEY set (and ANTHROPIC_BASE_URL / ANTHROPIC_MODEL as the
 * service reads them) a "claude-live" row runs the real extractor as well, with
 * a reliability table of Claude's fields alone (to calibrate read-fields.ts)
 * and the tokens and dollars spent.
 *
 *   npm run bench:claude-combine
 *
 * Decoded layouts are cached under bench/out/claude-combine-layouts/ (OCR is
 * the slow part). Ends with one JSON line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, testConfig } from '../src/config/config.ts';
import { claudeOptionsFromConfig, createClaudeExtractor } from '../src/extract/claude/index.ts';
import { evidenceFor } from '../src/extract/claude/evidence.ts';
import { combineExtractions } from '../src/extract/claude/combine.ts';
import { renderDocument, type NumberedLine } from '../src/extract/claude/prompt.ts';
import { readFields } from '../src/extract/claude/read-fields.ts';
import type { FieldItem } from '../src/extract/claude/schema.ts';
import { decodeDocument, decodeOptionsFromConfig } from '../src/extract/decode/index.ts';
import type { Extraction } from '../src/extract/extraction.ts';
import { isFieldKey, type FieldKey, type FieldValue } from '../src/extract/fields.ts';
import type { DocumentLayout } from '../src/extract/layout.ts';
import { createOcrEngine } from '../src/extract/ocr/index.ts';
import { extractOffline } from '../src/extract/offline/index.ts';
import { tokens } from '../src/extract/claude/evidence.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const CORPUS = process.env['CORPUS_DIR'] ?? path.resolve(ROOT, '../shared/corpus/dev');
const CACHE = path.join(ROOT, 'bench/out/claude-combine-layouts');
const THRESHOLD = 0.95;

interface Truth {
  documentType: 'referral' | 'other' | 'invalid';
  fields?: Partial<Record<FieldKey, FieldValue>>;
}
interface Doc {
  name: string;
  format: string;
  truth: Truth;
  layout: DocumentLayout;
}

/** Deterministic PRNG (mulberry32) so runs compare. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function loadDocs(): Promise<Doc[]> {
  fs.mkdirSync(CACHE, { recursive: true });
  const config = testConfig({ OCR_WORKERS: '2' });
  let ocr: Awaited<ReturnType<typeof createOcrEngine>> | null = null;
  const docs: Doc[] = [];
  const names = fs.readdirSync(CORPUS).filter((f) => /\.(pdf|tif|png|jpg)$/.test(f)).sort();
  for (const file of names) {
    const base = file.replace(/\.[^.]+$/, '');
    const truth = JSON.parse(fs.readFileSync(path.join(CORPUS, `${base}.truth.json`), 'utf8')) as Truth;
    if (truth.documentType === 'invalid') continue;
    const cached = path.join(CACHE, `${file}.json`);
    let layout: DocumentLayout;
    if (fs.existsSync(cached)) {
      layout = JSON.parse(fs.readFileSync(cached, 'utf8')) as DocumentLayout;
    } else {
      ocr ??= await createOcrEngine(config);
      try {
        layout = await decodeDocument(fs.readFileSync(path.join(CORPUS, file)), decodeOptionsFromConfig(config), { ocr });
      } catch {
        continue;
      }
      fs.writeFileSync(cached, JSON.stringify(layout));
    }
    docs.push({ name: file, format: file.split('.').pop()!, truth, layout });
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  await ocr?.close();
  return docs;
}

function agree(key: FieldKey, a: FieldValue, b: FieldValue): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    const sa = new Set((Array.isArray(a) ? a : [a]).map((s) => s.toUpperCase()));
    const sb = new Set((Array.isArray(b) ? b : [b]).map((s) => s.toUpperCase()));
    return sa.size === sb.size && [...sa].every((s) => sb.has(s));
  }
  if (key === 'referral.reason') {
    const ta = new Set(tokens(a));
    const tb = tokens(b);
    return tb.filter((t) => ta.has(t)).length / Math.max(ta.size, tb.length, 1) >= 0.5;
  }
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** The line(s) a careful reader would cite for a value: the best-supported one. */
function cite(key: FieldKey, value: FieldValue, lines: readonly NumberedLine[]): number[] {
  let best = 0;
  let bestSupport = 0;
  for (const l of lines) {
    const s = evidenceFor(key, value, value, [l.number], lines).support;
    if (s > bestSupport) [best, bestSupport] = [l.number, s];
    if (s === 1) break;
  }
  return best ? [best] : [];
}

const SWAPS: Array<[FieldKey, FieldKey]> = [
  ['patient.dob', 'referral.date'],
  ['patient.firstName', 'patient.lastName'],
  ['patient.phone', 'referringProvider.phone'],
  ['referringProvider.phone', 'referringProvider.fax'],
];

/** A plausible wrong reading: another value of the same kind on the page, else a one-character slip. */
function misread(key: FieldKey, fields: Partial<Record<FieldKey, FieldValue>>, r: () => number): FieldValue {
  for (const [a, b] of SWAPS) {
    const other = key === a ? fields[b] : key === b ? fields[a] : undefined;
    if (other !== undefined) return other;
  }
  const v = fields[key]!;
  const slip = (s: string) => {
    const i = Math.floor(r() * s.length);
    const c = s[i]!;
    const repl = /\d/.test(c) ? String((Number(c) + 1) % 10) : c === 'e' ? 'a' : 'e';
    return s.slice(0, i) + repl + s.slice(i + 1);
  };
  return Array.isArray(v) ? v.map(slip) : slip(v);
}

interface Reader {
  name: string;
  errorRate: number;
  /** Chance of calling a non-referral a referral (and the reverse). */
  typeFlip: number;
}

function simulate(doc: Doc, reader: Reader, lines: readonly NumberedLine[], r: () => number) {
  const truthType = doc.truth.documentType === 'referral' ? 'referral' : 'other';
  const documentType: 'referral' | 'other' = r() < reader.typeFlip ? (truthType === 'referral' ? 'other' : 'referral') : truthType;
  const items: FieldItem[] = [];
  const fields = doc.truth.fields ?? {};
  for (const [k, v] of Object.entries(fields)) {
    if (!isFieldKey(k) || v === undefined) continue;
    const roll = r();
    if (roll < reader.errorRate / 2) continue; // omitted
    const value = roll < reader.errorRate * 1.5 ? misread(k, fields, r) : v;
    items.push({ field: k, value, lines: cite(k, value, lines) });
  }
  return { documentType, items };
}

interface Tally {
  referrals: number;
  autoAccepted: number;
  nonReferralAutoAccepted: number;
  trueFields: number;
  correct: number;
  reported: number;
  autoTrueFields: number;
  autoErrors: number;
  buckets: Map<string, { n: number; right: number }>;
}

function newTally(): Tally {
  return { referrals: 0, autoAccepted: 0, nonReferralAutoAccepted: 0, trueFields: 0, correct: 0, reported: 0, autoTrueFields: 0, autoErrors: 0, buckets: new Map() };
}

function score(t: Tally, doc: Doc, ex: Extraction): void {
  const isReferral = doc.truth.documentType === 'referral';
  if (!isReferral) {
    if (!ex.needsReview) t.nonReferralAutoAccepted++;
    return;
  }
  t.referrals++;
  const truth = doc.truth.fields ?? {};
  let errors = 0;
  const keys = new Set<FieldKey>([...(Object.keys(truth) as FieldKey[]), ...(Object.keys(ex.fields) as FieldKey[])]);
  for (const key of keys) {
    const want = truth[key];
    const got = ex.fields[key];
    if (want !== undefined) t.trueFields++;
    if (got) t.reported++;
    const right = want !== undefined && got !== undefined && agree(key, want, got.value);
    if (right) t.correct++;
    else errors++;
    if (got) {
      const lo = Math.min(0.9, Math.floor(got.confidence * 10) / 10);
      const bucket = got.confidence >= 0.95 ? '≥0.95' : got.confidence >= 0.9 ? '0.90-0.95' : `${lo.toFixed(1)}-${(lo + 0.1).toFixed(1)}`;
      const b = t.buckets.get(bucket) ?? { n: 0, right: 0 };
      b.n++;
      if (right) b.right++;
      t.buckets.set(bucket, b);
    }
  }
  if (!ex.needsReview) {
    t.autoAccepted++;
    t.autoTrueFields += Object.keys(truth).length;
    t.autoErrors += errors;
  }
}

const pct = (a: number, b: number) => (b === 0 ? 0 : Math.round((1000 * a) / b) / 10);

async function main(): Promise<void> {
  const docs = await loadDocs();
  const live = claudeOptionsFromConfig(loadConfig());
  const readers: Array<Reader | null | 'live'> = [
    null,
    { name: 'perfect', errorRate: 0, typeFlip: 0 },
    { name: 'errs-5%', errorRate: 0.05, typeFlip: 0.05 },
    { name: 'errs-20%', errorRate: 0.2, typeFlip: 0.2 },
    ...(live ? (['live'] as const) : []),
  ];
  const summary: Record<string, unknown> = {};
  for (const reader of readers) {
    const name = reader === 'live' ? 'claude-live' : reader?.name ?? 'offline-only';
    const t = newTally();
    const alone = newTally();
    const spend = { inputTokens: 0, outputTokens: 0, costUsd: 0, fallbacks: 0, ms: 0 };
    const r = rng(42);
    const claude = reader === 'live' && live ? createClaudeExtractor(live) : null;
    for (const doc of docs) {
      const offline = extractOffline(doc.layout, { reviewThreshold: THRESHOLD });
      let ex = offline;
      if (claude) {
        try {
          const res = await claude.extract(doc.layout);
          spend.inputTokens += res.usage.inputTokens;
          spend.outputTokens += res.usage.outputTokens;
          spend.costUsd = Math.round((spend.costUsd + (res.usage.costUsd ?? 0)) * 1e6) / 1e6;
          spend.ms += res.usage.durationMs;
          ex = combineExtractions(offline, res, THRESHOLD).extraction;
          score(alone, doc, { ...ex, fields: res.fields, needsReview: true });
        } catch {
          spend.fallbacks++;
        }
      } else if (reader && reader !== 'live') {
        const { lines } = renderDocument(doc.layout);
        const sim = simulate(doc, reader, lines, r);
        const { fields } = readFields(sim.items, lines);
        ex = combineExtractions(offline, { documentType: sim.documentType, fields }, THRESHOLD).extraction;
      }
      score(t, doc, ex);
    }
    if (claude) {
      console.log(`\n== claude alone (live): fields by our confidence → accuracy; ${JSON.stringify(spend)}`);
      for (const [b, v] of [...alone.buckets.entries()].sort()) console.log(`  ${b.padEnd(10)} ${String(v.n).padStart(4)}  ${pct(v.right, v.n)}%`);
    }
    const fieldsAtGate = t.buckets.get('≥0.95') ?? { n: 0, right: 0 };
    console.log(`\n== ${name} (${docs.length} documents, ${t.referrals} referrals)`);
    console.log(`auto-accept ${pct(t.autoAccepted, t.referrals)}%  non-referrals auto-accepted ${t.nonReferralAutoAccepted}`);
    console.log(`field recall ${pct(t.correct, t.trueFields)}%  precision ${pct(t.correct, t.reported)}%  auto-accepted field error ${pct(t.autoErrors, t.autoTrueFields)}%`);
    console.log('confidence bucket → accuracy (fields)');
    for (const [b, v] of [...t.buckets.entries()].sort()) console.log(`  ${b.padEnd(10)} ${String(v.n).padStart(4)}  ${pct(v.right, v.n)}%`);
    summary[name] = {
      autoAcceptRate: pct(t.autoAccepted, t.referrals),
      autoAcceptedFieldErrorRate: pct(t.autoErrors, t.autoTrueFields),
      nonReferralAutoAccepted: t.nonReferralAutoAccepted,
      fieldRecall: pct(t.correct, t.trueFields),
      accuracyAtGate: pct(fieldsAtGate.right, fieldsAtGate.n),
      fieldsAtGate: fieldsAtGate.n,
      ...(claude ? { spend } : {}),
    };
  }
  console.log(JSON.stringify({ bench: 'claude-combine', simulated: true, documents: docs.length, ...summary }));
}

await main();
