/**
 * Where EHR patients are read from: the service's own `ehr_patients` table
 * (default), or a separate READ-ONLY connection to the EHR's PostgreSQL
 * (EHR_DATABASE_URL) with a table and column mapping (EHR_MAPPING). Both offer
 * the same three things: candidate blocking, the statistics the model's
 * u-probabilities come from, and a random sample. The external database gets
 * plain-column blocking only: it may lack our phonetic column and extensions.
 */
import postgres from 'postgres';
import { z } from 'zod';
import { IntakeError } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import { dobVariants, normalizeDemographics, normalizeLastName, swapDayMonth, type NormalDemographics } from './normalize.ts';
import { rawQueryOf, rawQueryOfPostgres, type RawQuery } from './raw-sql.ts';
import { doubleMetaphone } from './strings.ts';

export interface EhrRecord {
  mrn: string;
  /** Normalised demographics of the row (for comparison). */
  norm: NormalDemographics;
}

export interface BlockResult {
  records: EhrRecord[];
  /** Some blocking key had more rows than the cap: the search is incomplete. */
  truncated: boolean;
  /** Blocking keys that ran. */
  blocks: string[];
}

export interface ColumnFrequencies {
  n: number;
  first: Array<{ k: string; c: number }>;
  last: Array<{ k: string; c: number }>;
  /** Σ count² per column (chance agreement = Σc²/n²). */
  sumSquares: { dob: number; phone: number; postalCode: number; sex: number; address: number; memberId: number; middleName: number };
  /** Rows with a non-null value per column (the denominator for sumSquares). */
  nonNull: { dob: number; phone: number; postalCode: number; sex: number; address: number; memberId: number; middleName: number };
}

export interface EhrSource {
  readonly kind: 'store' | 'external';
  block(q: NormalDemographics, limitPerKey: number): Promise<BlockResult>;
  frequencies(): Promise<ColumnFrequencies>;
  sample(size: number): Promise<NormalDemographics[]>;
  /** Does the MRN exist (reviewer decisions may name a row since deleted)? */
  exists(mrn: string): Promise<boolean>;
  close(): Promise<void>;
}

export const MAPPING_KEYS = [
  'mrn', 'firstName', 'middleName', 'lastName', 'dob', 'sex', 'phone', 'addressLine1', 'postalCode', 'memberId',
] as const;
type MappingKey = (typeof MAPPING_KEYS)[number];
const REQUIRED_KEYS: readonly MappingKey[] = ['mrn', 'firstName', 'lastName', 'dob'];

const mappingSchema = z.strictObject({
  table: z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/, 'a table name, optionally schema-qualified'),
  columns: z.partialRecord(z.enum(MAPPING_KEYS), z.string().min(1).max(63)),
});
export type EhrMapping = z.infer<typeof mappingSchema>;

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Parses EHR_MAPPING; throws EHR_MAPPING_INVALID with what is wrong (names only, no data). */
export function parseEhrMapping(json: string | undefined): EhrMapping {
  if (!json) throw new IntakeError('EHR_MAPPING_INVALID', 'EHR_DATABASE_URL is set but EHR_MAPPING is missing');
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new IntakeError('EHR_MAPPING_INVALID', 'EHR_MAPPING is not valid JSON', { cause: err });
  }
  const parsed = mappingSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new IntakeError('EHR_MAPPING_INVALID', `EHR_MAPPING is invalid: ${problems}`);
  }
  const missing = REQUIRED_KEYS.filter((k) => !parsed.data.columns[k]);
  if (missing.length > 0) {
    throw new IntakeError('EHR_MAPPING_INVALID', `EHR_MAPPING must map ${missing.join(', ')}`, { details: { missing } });
  }
  return parsed.data;
}

interface SqlShape {
  table: string;
  /** Select list producing the fixed aliases read by toRecord. */
  select: string;
  col: Partial<Record<MappingKey | 'lastNameDm', string>>;
  dobIsDate: boolean;
}

function toRecord(row: Record<string, unknown>): EhrRecord {
  const s = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const mrn = String(row.mrn);
  const norm = normalizeDemographics({
    firstName: s(row.first_name),
    middleName: s(row.middle_name),
    lastName: s(row.last_name),
    dob: s(row.dob),
    sex: s(row.sex),
    phone: s(row.phone),
    postalCode: s(row.postal_code),
    addressLine1: s(row.address_line1),
    memberId: s(row.member_id),
    mrn,
    suffix: s(row.suffix),
  });
  return { mrn, norm };
}

function phoneForms(phone: string): string[] {
  const [a, b, c] = [phone.slice(0, 3), phone.slice(3, 6), phone.slice(6)];
  return [phone, `${a}-${b}-${c}`, `(${a}) ${b}-${c}`, `(${a})${b}-${c}`, `${a}.${b}.${c}`, `1${phone}`, `+1${phone}`];
}

function caseForms(value: string): string[] {
  const lower = value.toLowerCase();
  const title = lower.replace(/(^|[\s'-])([a-z])/g, (_m, p: string, ch: string) => p + ch.toUpperCase());
  return [...new Set([value, value.toUpperCase(), lower, title])];
}

class SqlEhrSource implements EhrSource {
  constructor(
    readonly kind: 'store' | 'external',
    private readonly q: RawQuery,
    private readonly shape: SqlShape,
    private readonly onClose: () => Promise<void>,
  ) {}

  async block(nq: NormalDemographics, limit: number): Promise<BlockResult> {
    const { col, table, select } = this.shape;
    const parts: string[] = [];
    const params: unknown[] = [];
    const blocks: string[] = [];
    const dobType = this.shape.dobIsDate ? 'date' : 'text';
    const caps = new Map<string, number>();
    const add = (name: string, where: string, values: unknown[], cap = limit) => {
      const sqlWhere = where.replace(/\$(\d+)/g, (_m, i: string) => `$${params.length + Number(i)}`);
      params.push(...values);
      blocks.push(name);
      caps.set(name, cap);
      parts.push(`(select '${name}' as block, ${select} from ${table} where ${sqlWhere} limit ${cap + 1})`);
    };
    // The surname + DOB-typo block spans ~60 dates: it gets a wider cap than single-value keys.
    const variantCap = limit * 4;
    if (nq.mrn && col.mrn) add('mrn', `${col.mrn} = any($1::text[])`, [[...new Set([nq.mrn, nq.mrn.toLowerCase()])]]);
    if (nq.memberId && col.memberId) add('member_id', `${col.memberId} = $1`, [nq.memberId]);
    if (nq.phone && col.phone) {
      add('phone', `${col.phone} = any($1::text[])`, [this.kind === 'store' ? [nq.phone] : phoneForms(nq.phone)]);
    }
    if (nq.dob && col.dob) {
      add('dob', `${col.dob} = $1::${dobType}`, [nq.dob]);
      const swapped = swapDayMonth(nq.dob);
      if (swapped) add('dob_swapped', `${col.dob} = $1::${dobType}`, [swapped]);
      // Surname + a DOB with a typo (digit off or transposed).
      if (nq.last && col.lastNameDm) {
        const codes = new Set<string>();
        for (const word of [nq.last, ...nq.lastParts]) for (const c of doubleMetaphone(word)) if (c) codes.add(c);
        if (codes.size > 0) {
          add('surname_dob_variant', `${col.lastNameDm} = any($1::text[]) and ${col.dob} = any($2::${dobType}[])`, [[...codes], dobVariants(nq.dob)], variantCap);
        }
      } else if (nq.last && col.lastName && nq.lastParts.length > 0) {
        // Plain column (external EHR): the name as commonly cased.
        const forms = nq.lastParts.length > 1 ? [nq.lastParts.join('-'), nq.lastParts.join(' '), ...nq.lastParts] : nq.lastParts;
        add('surname_dob_variant', `${col.lastName} = any($1::text[]) and ${col.dob} = any($2::${dobType}[])`, [
          forms.flatMap(caseForms),
          dobVariants(nq.dob),
        ], variantCap);
      }
    }
    if (parts.length === 0) return { records: [], truncated: false, blocks };
    let rows: Array<Record<string, unknown>>;
    try {
      rows = await this.q(parts.join(' union all '), params);
    } catch (err) {
      throw new IntakeError('EHR_UNAVAILABLE', 'the EHR patient search failed', { cause: err });
    }
    const perBlock = new Map<string, number>();
    const byMrn = new Map<string, EhrRecord>();
    for (const row of rows) {
      const b = String(row.block);
      perBlock.set(b, (perBlock.get(b) ?? 0) + 1);
      const mrn = String(row.mrn);
      if (!byMrn.has(mrn)) byMrn.set(mrn, toRecord(row));
    }
    const truncated = [...perBlock.entries()].some(([block, count]) => count > (caps.get(block) ?? limit));
    return { records: [...byMrn.values()], truncated, blocks };
  }

  async frequencies(): Promise<ColumnFrequencies> {
    const { col, table } = this.shape;
    const count = async (expr: string | undefined): Promise<{ ss: number; nn: number }> => {
      if (!expr) return { ss: 0, nn: 0 };
      const rows = await this.q<{ ss: unknown; nn: unknown }>(
        `select coalesce(sum(c::float8 * c::float8), 0) as ss, coalesce(sum(c), 0)::float8 as nn from (select count(*) as c from ${table} where ${expr} is not null group by ${expr}) t`,
      );
      return { ss: Number(rows[0]?.ss ?? 0), nn: Number(rows[0]?.nn ?? 0) };
    };
    const freq = async (expr: string | undefined, normal: (v: string) => string | null) => {
      if (!expr) return [];
      const rows = await this.q<{ k: unknown; c: unknown }>(
        `select upper(${expr}) as k, count(*) as c from ${table} where ${expr} is not null group by 1`,
      );
      const merged = new Map<string, number>();
      for (const r of rows) {
        const k = normal(String(r.k));
        if (k) merged.set(k, (merged.get(k) ?? 0) + Number(r.c));
      }
      return [...merged.entries()].map(([k, c]) => ({ k, c }));
    };
    const nRows = await this.q<{ n: unknown }>(`select count(*) as n from ${table}`);
    const [dob, phone, postalCode, sex, address, memberId, middleName] = await Promise.all([
      count(col.dob),
      count(col.phone),
      count(col.postalCode),
      count(col.sex ? `upper(${col.sex})` : undefined),
      count(col.addressLine1 ? `upper(${col.addressLine1})` : undefined),
      count(col.memberId),
      count(col.middleName ? `upper(${col.middleName})` : undefined),
    ]);
    const firstNormal = (v: string) => normalizeDemographics({ firstName: v }).first;
    const lastNormal = (v: string) => normalizeLastName(v).last;
    return {
      n: Number(nRows[0]?.n ?? 0),
      first: await freq(col.firstName, firstNormal),
      last: await freq(col.lastName, lastNormal),
      sumSquares: { dob: dob.ss, phone: phone.ss, postalCode: postalCode.ss, sex: sex.ss, address: address.ss, memberId: memberId.ss, middleName: middleName.ss },
      nonNull: { dob: dob.nn, phone: phone.nn, postalCode: postalCode.nn, sex: sex.nn, address: address.nn, memberId: memberId.nn, middleName: middleName.nn },
    };
  }

  async sample(size: number): Promise<NormalDemographics[]> {
    const { table, select } = this.shape;
    const nRows = await this.q<{ n: unknown }>(`select count(*) as n from ${table}`);
    const n = Number(nRows[0]?.n ?? 0);
    if (n === 0) return [];
    // BERNOULLI sampling avoids sorting a large table by random().
    const pct = Math.min(100, ((size * 1.3) / n) * 100);
    const rows = await this.q(`select ${select} from ${table} tablesample bernoulli (${pct.toFixed(6)}) repeatable (7) limit ${size}`);
    return rows.map((r) => toRecord(r).norm);
  }

  async exists(mrn: string): Promise<boolean> {
    const { col, table } = this.shape;
    const rows = await this.q(`select 1 from ${table} where ${col.mrn} = $1 limit 1`, [mrn]);
    return rows.length > 0;
  }

  close(): Promise<void> {
    return this.onClose();
  }
}

/** The service's own ehr_patients table. */
export function storeEhrSource(store: Store): EhrSource {
  const shape: SqlShape = {
    table: 'ehr_patients',
    select:
      "mrn, first_name, middle_name, last_name, to_char(dob, 'YYYY-MM-DD') as dob, sex, phone, address_line1, postal_code, member_id, suffix",
    col: {
      mrn: 'mrn', firstName: 'first_name', middleName: 'middle_name', lastName: 'last_name', dob: 'dob', sex: 'sex',
      phone: 'phone', addressLine1: 'address_line1', postalCode: 'postal_code', memberId: 'member_id', lastNameDm: 'last_name_dm',
    },
    dobIsDate: true,
  };
  return new SqlEhrSource('store', rawQueryOf(store), shape, async () => {});
}

/**
 * A read-only connection to the EHR's own PostgreSQL. Every mapped column is
 * checked against information_schema at start: a missing one fails here, with
 * its name, rather than on the first referral.
 */
export async function externalEhrSource(url: string, mappingJson: string | undefined): Promise<EhrSource> {
  const mapping = parseEhrMapping(mappingJson);
  const client = postgres(url, {
    max: 4,
    onnotice: () => {},
    connect_timeout: 10,
    // The service never writes to the EHR: every transaction is read-only.
    connection: { default_transaction_read_only: true, application_name: 'referral-intake-matcher' },
  });
  const q = rawQueryOfPostgres(client);
  const [schemaName, tableName] = mapping.table.includes('.') ? mapping.table.split('.') : [null, mapping.table];
  let columns: Array<{ column_name: string; data_type: string }>;
  try {
    columns = await q(
      `select column_name, data_type from information_schema.columns where table_name = $1 and ($2::text is null or table_schema = $2) ${schemaName ? '' : 'and table_schema = any(current_schemas(false))'}`,
      [tableName, schemaName],
    );
  } catch (err) {
    await client.end({ timeout: 1 });
    throw new IntakeError('EHR_UNAVAILABLE', 'could not reach the EHR database', { cause: err });
  }
  if (columns.length === 0) {
    await client.end({ timeout: 1 });
    throw new IntakeError('EHR_MAPPING_INVALID', `EHR_MAPPING names table "${mapping.table}", which the EHR database lacks (or cannot be read)`);
  }
  // Startup parameters can be dropped by a connection pooler: verify the session really is read-only.
  const readOnly = await q<{ default_transaction_read_only: string }>('show default_transaction_read_only').catch(() => []);
  if (readOnly[0]?.default_transaction_read_only !== 'on') {
    await client.end({ timeout: 1 });
    throw new IntakeError('CONFIG_INVALID', 'the EHR database connection could not be made read-only (default_transaction_read_only is not on)');
  }
  const types = new Map(columns.map((c) => [c.column_name, c.data_type]));
  const bad = Object.entries(mapping.columns).filter(([, column]) => !types.has(column as string));
  if (bad.length > 0) {
    await client.end({ timeout: 1 });
    const list = bad.map(([key, column]) => `${key} → "${column}"`).join(', ');
    throw new IntakeError('EHR_MAPPING_INVALID', `EHR_MAPPING names columns that table "${mapping.table}" lacks: ${list}`, {
      details: { columns: bad.map(([, c]) => c) },
    });
  }
  const col: SqlShape['col'] = {};
  for (const key of MAPPING_KEYS) {
    const column = mapping.columns[key];
    if (column) col[key] = ident(column);
  }
  const dobIsDate = types.get(mapping.columns.dob as string) === 'date';
  const pick = (key: MappingKey, alias: string, expr?: string) =>
    col[key] ? `${expr ?? col[key]}::text as ${alias}` : `null::text as ${alias}`;
  const select = [
    pick('mrn', 'mrn'), pick('firstName', 'first_name'), pick('middleName', 'middle_name'), pick('lastName', 'last_name'),
    pick('dob', 'dob', dobIsDate ? `to_char(${col.dob}, 'YYYY-MM-DD')` : undefined),
    pick('sex', 'sex'), pick('phone', 'phone'), pick('addressLine1', 'address_line1'), pick('postalCode', 'postal_code'),
    pick('memberId', 'member_id'), 'null::text as suffix',
  ].join(', ');
  const table = schemaName ? `${ident(schemaName)}.${ident(tableName as string)}` : ident(tableName as string);
  return new SqlEhrSource('external', q, { table, select, col, dobIsDate }, () => client.end({ timeout: 5 }));
}
