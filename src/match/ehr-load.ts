/**
 * `intake ehr load FILE.csv`: bulk-loads the practice's patients into the
 * service's own `ehr_patients` table, upserting by MRN. Blocking keys (Double
 * Metaphone of the surname, suffix) are computed here in JS so no database
 * extension is needed. A bad row is skipped and counted, never printed: it holds
 * patient data.
 *
 * On PostgreSQL the rows are streamed with COPY into a temporary table and
 * upserted in one statement, all in one transaction; for a large load the
 * secondary indexes are dropped and rebuilt afterwards (a sorted build is far
 * cheaper than a million index insertions; DDL is transactional, so a failure
 * leaves the table as it was). PGlite gets batches passed as arrays to unnest().
 */
import { Writable } from 'node:stream';
import type { Sql } from 'postgres';
import { IntakeError } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import { readCsvRecords } from './csv.ts';
import { nameWords, normalizeDob, normalizeLastName, normalizePhone, normalizePostal, normalizeSex, splitSuffix } from './normalize.ts';
import { rawQueryOf, sanitizeDbError } from './raw-sql.ts';
import { doubleMetaphone } from './strings.ts';

export interface EhrLoadResult {
  rows: number;
  inserted: number;
  updated: number;
  /** Rows without an MRN, first or last name. */
  skipped: number;
  seconds: number;
}

const COLUMNS = ['mrn', 'first_name', 'middle_name', 'last_name', 'dob', 'sex', 'phone', 'address_line1', 'city', 'state', 'postal_code', 'member_id', 'suffix', 'last_name_key', 'last_name_dm'] as const;
type Column = (typeof COLUMNS)[number];
type Row = Record<Column, string | null>;

const BATCH_ROWS = 5_000;
/** Above this many rows per load (PostgreSQL), rebuild secondary indexes instead of maintaining them. */
const REBUILD_INDEXES_ROWS = 50_000;

const SET_CLAUSE = `${COLUMNS.filter((c) => c !== 'mrn').map((c) => `${c} = excluded.${c}`).join(', ')}, updated_at = now()`;

const UNNEST_UPSERT_SQL = `
with ins as (
  insert into ehr_patients (${COLUMNS.join(', ')}, updated_at)
  select u.*, now() from unnest(${COLUMNS.map((c, i) => `$${i + 1}::${c === 'dob' ? 'date' : 'text'}[]`).join(', ')}) as u
  on conflict (mrn) do update set ${SET_CLAUSE}
  returning (xmax = 0) as inserted
)
select count(*) filter (where inserted)::int as inserted, count(*)::int as total from ins`;

function blank(v: string | undefined): string | null {
  const t = v?.trim();
  return t ? t : null;
}

interface Parsed {
  row?: Row;
  skipped?: true;
}

/** Validated, normalised rows of the CSV (header by name; extra columns ignored). */
async function* parseRows(file: string): AsyncGenerator<Parsed> {
  let index: Record<string, number> | null = null;
  for await (const record of readCsvRecords(file)) {
    if (!index) {
      const header = record.map((h) => h.trim().toLowerCase());
      index = Object.fromEntries(header.map((h, i) => [h, i]));
      const missing = ['mrn', 'first_name', 'last_name', 'dob'].filter((c) => !(c in index!));
      if (missing.length > 0) throw new IntakeError('BAD_REQUEST', `the CSV header lacks required columns: ${missing.join(', ')}`);
      continue;
    }
    const at = index;
    const get = (c: string) => (c in at ? blank(record[at[c] as number]) : null);
    const mrn = get('mrn');
    const first = get('first_name');
    const last = get('last_name');
    if (!mrn || !first || !last) {
      yield { skipped: true };
      continue;
    }
    const lastName = normalizeLastName(last);
    yield {
      row: {
        mrn,
        first_name: first,
        middle_name: get('middle_name'),
        last_name: last,
        dob: normalizeDob(get('dob')),
        sex: normalizeSex(get('sex')) ?? get('sex'),
        phone: normalizePhone(get('phone')),
        address_line1: get('address_line1'),
        city: get('city'),
        state: get('state'),
        postal_code: normalizePostal(get('postal_code')) ?? get('postal_code'),
        member_id: get('member_id')?.toUpperCase().replace(/\s+/g, '') ?? null,
        suffix: get('suffix') ?? lastName.suffix ?? splitSuffix(nameWords(first)).suffix,
        last_name_key: lastName.last,
        last_name_dm: lastName.last ? doubleMetaphone(lastName.last)[0] || null : null,
      },
    };
  }
  if (!index) throw new IntakeError('BAD_REQUEST', 'the CSV file is empty');
}

interface Counts {
  rows: number;
  inserted: number;
  updated: number;
  skipped: number;
}

async function loadWithUnnest(store: Store, file: string): Promise<Counts> {
  const q = rawQueryOf(store);
  const counts: Counts = { rows: 0, inserted: 0, updated: 0, skipped: 0 };
  const batch: Array<Array<string | null>> = COLUMNS.map(() => []);
  let size = 0;
  const seen = new Set<string>();
  const flush = async () => {
    if (size === 0) return;
    const result = await q<{ inserted: number; total: number }>(UNNEST_UPSERT_SQL, batch);
    const ins = Number(result[0]?.inserted ?? 0);
    counts.inserted += ins;
    counts.updated += Number(result[0]?.total ?? 0) - ins;
    for (const col of batch) col.length = 0;
    size = 0;
    seen.clear();
  };
  for await (const parsed of parseRows(file)) {
    if (!parsed.row) {
      counts.skipped++;
      continue;
    }
    // One statement cannot upsert the same MRN twice: flush first.
    const mrn = parsed.row.mrn as string;
    if (seen.has(mrn)) await flush();
    seen.add(mrn);
    counts.rows++;
    COLUMNS.forEach((c, i) => (batch[i] as Array<string | null>).push(parsed.row![c]));
    size++;
    if (size >= BATCH_ROWS) await flush();
  }
  await flush();
  return counts;
}

/** COPY text format: tab-separated, \N for null, backslash escapes. */
function copyField(v: string | null): string {
  if (v === null) return '\\N';
  return v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

async function loadWithCopy(store: Store, file: string): Promise<Counts> {
  const client = (store.db as unknown as { $client: Sql }).$client;
  const counts: Counts = { rows: 0, inserted: 0, updated: 0, skipped: 0 };
  await client.begin(async (tx) => {
    // Sorting for DISTINCT ON and index builds in memory rather than in temp files.
    await tx.unsafe("set local work_mem = '128MB'; set local maintenance_work_mem = '256MB'");
    await tx.unsafe(
      `create temp table ehr_stage (seq bigint, ${COLUMNS.map((c) => `${c} ${c === 'dob' ? 'date' : 'text'}`).join(', ')}) on commit drop`,
    );
    const stream = (await tx.unsafe(`copy ehr_stage (seq, ${COLUMNS.join(', ')}) from stdin`).writable()) as Writable;
    const done = new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', reject);
    });
    let buffer = '';
    for await (const parsed of parseRows(file)) {
      if (!parsed.row) {
        counts.skipped++;
        continue;
      }
      counts.rows++;
      buffer += `${counts.rows}\t${COLUMNS.map((c) => copyField(parsed.row![c])).join('\t')}\n`;
      if (buffer.length >= 1 << 20) {
        if (!stream.write(buffer)) await new Promise<void>((r) => stream.once('drain', () => r()));
        buffer = '';
      }
    }
    stream.end(buffer);
    await done;

    const existing = await tx.unsafe<Array<{ n: number }>>('select count(*)::int as n from ehr_patients');
    const rebuild = counts.rows >= REBUILD_INDEXES_ROWS && counts.rows >= Number(existing[0]?.n ?? 0);
    const indexes = rebuild
      ? await tx.unsafe<Array<{ indexname: string; indexdef: string }>>(
          `select i.indexname, i.indexdef from pg_indexes i
           join pg_class c on c.relname = i.indexname and c.relnamespace = to_regnamespace(i.schemaname)
           where i.tablename = 'ehr_patients' and i.schemaname = current_schema()
             and not exists (select 1 from pg_constraint k where k.conindid = c.oid)`,
        )
      : [];
    for (const ix of indexes) await tx.unsafe(`drop index "${ix.indexname.replace(/"/g, '""')}"`);
    // The last occurrence of an MRN in the file wins.
    const result = await tx.unsafe<Array<{ inserted: number; total: number }>>(`
      with ins as (
        insert into ehr_patients (${COLUMNS.join(', ')}, updated_at)
        select distinct on (mrn) ${COLUMNS.join(', ')}, now() from ehr_stage order by mrn, seq desc
        on conflict (mrn) do update set ${SET_CLAUSE}
        returning (xmax = 0) as inserted
      )
      select count(*) filter (where inserted)::int as inserted, count(*)::int as total from ins`);
    for (const ix of indexes) await tx.unsafe(ix.indexdef);
    if (indexes.length > 0) await tx.unsafe('analyze ehr_patients');
    counts.inserted = Number(result[0]?.inserted ?? 0);
    counts.updated = Number(result[0]?.total ?? 0) - counts.inserted;
  });
  return counts;
}

export async function loadEhrCsv(store: Store, file: string): Promise<EhrLoadResult> {
  const started = performance.now();
  let counts: Counts;
  try {
    counts = store.kind === 'postgres' ? await loadWithCopy(store, file) : await loadWithUnnest(store, file);
  } catch (err) {
    if (err instanceof IntakeError) throw err;
    const code = (err as NodeJS.ErrnoException)?.code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') {
      throw new IntakeError('BAD_REQUEST', `cannot read the CSV file (${code})`, { cause: sanitizeDbError(err) });
    }
    throw new IntakeError('STORE_UNAVAILABLE', 'loading EHR patients failed', { cause: sanitizeDbError(err) });
  }
  return { ...counts, seconds: Math.round((performance.now() - started) / 10) / 100 };
}
