/**
 * The review API in-process (hono app.request) on both backends: authentication
 * and roles on every route, the queue with its filters and cursor, detail,
 * claims, approve/reject with version guards, hostile input, upload, retry, and
 * the audit trail that all of it leaves. Asserts on stored rows and exact codes.
 */
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, testBackends, tempDir, type TestStore } from '../../../test/helpers/db.ts';
import { verifyAuditChain } from '../../audit/index.ts';
import { createBlobStore } from '../../blobs/blob-store.ts';
import { testConfig } from '../../config/config.ts';
import { EventBus } from '../../core/events.ts';
import { silentLogger } from '../../core/logger.ts';
import { fhirIssues } from '../../fhir/validate-fhir.test-helper.ts';
import { seedPatient, seedReferral } from '../testing/seed.ts';
import { createUser } from '../users.ts';
import { createReviewApi } from './index.ts';
import type { Bundle } from '@medplum/fhirtypes';

type Json = Record<string, any>;

describe.each(testBackends())('review API on %s', (backend) => {
  let store: TestStore;
  let app: ReturnType<typeof createReviewApi>;
  let reviewer: string;
  let reviewer2: string;
  let admin: string;
  const feedback: unknown[] = [];

  beforeAll(async () => {
    store = await openTestStore(backend);
    const config = testConfig({ MAX_UPLOAD_BYTES: '20000', AUTH_FAILURES_PER_MINUTE: '5' });
    app = createReviewApi({
      config,
      store,
      blobs: createBlobStore(tempDir('blobs-'), Buffer.alloc(32, 7)),
      events: new EventBus(),
      logger: silentLogger(),
      matcher: {
        demographicsFromExtraction: () => ({ firstName: 'x' }),
        recordReviewerDecision: async (_s, _d, choice) => void feedback.push(choice),
      },
    });
    reviewer = (await createUser(store.db, 'rita', 'reviewer')).token;
    reviewer2 = (await createUser(store.db, 'rob', 'reviewer')).token;
    admin = (await createUser(store.db, 'ada', 'admin')).token;
  });
  afterAll(async () => {
    await store.close();
  });

  const call = async (method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}) => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (token) (init.headers as Record<string, string>).authorization = `Bearer ${token}`;
    if (body !== undefined) {
      init.body = typeof body === 'string' || body instanceof FormData ? (body as BodyInit) : JSON.stringify(body);
      if (!(body instanceof FormData)) (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    const res = await app.request(path, init);
    const text = await res.text();
    let json: Json = {};
    try {
      json = JSON.parse(text) as Json;
    } catch {
      // not JSON
    }
    return { status: res.status, json, text, headers: res.headers };
  };
  const docState = async (id: string) =>
    (await store.query<{ state: string; version: number }>(sql`select state, version from documents where id = ${id}`))[0];

  it('serves OpenAPI 3.1 and a docs page without a token', async () => {
    const spec = await call('GET', '/openapi.json');
    expect(spec.status).toBe(200);
    expect(spec.json.openapi).toBe('3.1.0');
    expect(Object.keys(spec.json.paths)).toContain('/v1/referrals/{id}/approve');
    const docs = await call('GET', '/docs');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('/v1/queue');
  });

  it('answers 401 without a token and 403 for a reviewer on every admin route', async () => {
    const spec = (await call('GET', '/openapi.json')).json;
    const id = '00000000-0000-4000-8000-000000000000';
    let checked = 0;
    for (const [path, methods] of Object.entries(spec.paths as Json)) {
      for (const [method, op] of Object.entries(methods as Json)) {
        const url = path.replace('{id}', id).replace('{file}', '1.png').replace('{name}', 'nobody');
        const anon = await call(method.toUpperCase(), url);
        expect(anon.status, `${method} ${path}`).toBe(401);
        expect(anon.json.error.code).toBe('UNAUTHORIZED');
        if ((op as Json).tags.includes('admin')) {
          const denied = await call(method.toUpperCase(), url, reviewer, method === 'post' ? {} : undefined);
          expect(denied.status, `${method} ${path}`).toBe(403);
          expect(denied.json.error.code).toBe('FORBIDDEN');
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(17);
    const bad = await call('GET', '/v1/me', 'rit_not-a-real-token');
    expect(bad.status).toBe(401);
  });

  it('returns the signed-in user', async () => {
    const me = await call('GET', '/v1/me', reviewer);
    expect(me.json).toMatchObject({ name: 'rita', role: 'reviewer' });
  });

  it('lists the queue oldest first, filters by reason and age, and pages by cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push((await seedReferral(store.db, i, { ageSeconds: 10_000 - i * 100, reasons: i < 3 ? ['uncertain_match'] : ['low_confidence'] })).id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/v1/queue?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await call('GET', q, reviewer);
      expect(page.status).toBe(200);
      seen.push(...page.json.items.map((it: Json) => it.id));
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(seen.filter((id) => ids.includes(id))).toEqual(ids);
    expect(new Set(seen).size).toBe(seen.length);

    const uncertain = await call('GET', '/v1/queue?reason=uncertain_match&limit=200', reviewer);
    expect(uncertain.json.items.map((it: Json) => it.id)).toEqual(ids.slice(0, 3));
    expect(uncertain.json.items[0]).toMatchObject({ reasons: ['uncertain_match'], patientName: 'Ana Alder', version: 1 });
    const old = await call('GET', '/v1/queue?minAgeSeconds=9850&limit=200', reviewer);
    expect(old.json.items.map((it: Json) => it.id)).toEqual(ids.slice(0, 2));
  });

  it('rejects hostile filters with 400 and changes nothing', async () => {
    const before = await store.query<{ n: number }>(sql`select count(*)::int as n from documents`);
    for (const q of [
      "reason=low_confidence'%20OR%201=1--",
      'reason=%27;DROP%20TABLE%20documents;--',
      'limit=abc',
      'limit=100000',
      'minAgeSeconds=-5',
      'cursor=eyJ0IjoiJzsgZHJvcCB0YWJsZSBkb2N1bWVudHM7LS0iLCJpZCI6IngifQ',
      'cursor=%00%01',
    ]) {
      const res = await call('GET', `/v1/queue?${q}`, reviewer);
      expect(res.status, q).toBe(400);
      expect(res.json.error.code).toBe('BAD_REQUEST');
      expect(res.json.error.message).not.toMatch(/DROP|OR 1=1/i);
    }
    const audit = await call('GET', `/v1/audit?actor=${encodeURIComponent("x' or '1'='1")}`, admin);
    expect(audit.status).toBe(200);
    expect(audit.json.items).toEqual([]);
    const after = await store.query<{ n: number }>(sql`select count(*)::int as n from documents`);
    expect(after).toEqual(before);
  });

  it('shows a referral with fields, evidence, candidates and their records', async () => {
    await seedPatient(store.db, 'MRN000042');
    const { id } = await seedReferral(store.db, 42);
    const res = await call('GET', `/v1/referrals/${id}`, reviewer);
    expect(res.status).toBe(200);
    const dob = res.json.fields.find((f: Json) => f.key === 'patient.dob');
    expect(dob).toMatchObject({ page: 1, bbox: [72, 140, 200, 152] });
    const codes = res.json.fields.find((f: Json) => f.key === 'referral.diagnosisCodes');
    expect(codes).toMatchObject({ value: ['M17.11'], belowThreshold: true });
    expect(res.json.match.candidates[0]).toMatchObject({ mrn: 'MRN000042', patient: { lastName: 'Alder' } });
    expect(res.json.match.candidates[0].comparisons).toHaveLength(2);
    expect((await call('GET', '/v1/referrals/00000000-0000-4000-8000-000000000000', reviewer)).status).toBe(404);
    expect((await call('GET', "/v1/referrals/1'%20or%201=1", reviewer)).json.error.code).toBe('BAD_REQUEST');
    const rows = await store.query(sql`select 1 from audit_events where action = 'referral.read' and resource = ${`Document/${id}`} and actor = 'user:rita'`);
    expect(rows).toHaveLength(1);
  });

  it('claims: a second reviewer gets 409 CLAIMED_BY_OTHER and cannot decide', async () => {
    const { id } = await seedReferral(store.db, 50);
    const mine = await call('POST', `/v1/referrals/${id}/claim`, reviewer);
    expect(mine.status).toBe(200);
    expect(mine.json.by).toBe('rita');
    expect((await call('POST', `/v1/referrals/${id}/claim`, reviewer)).status).toBe(200);
    const theirs = await call('POST', `/v1/referrals/${id}/claim`, reviewer2);
    expect(theirs.status).toBe(409);
    expect(theirs.json.error).toMatchObject({ code: 'CLAIMED_BY_OTHER', details: { claimedBy: 'rita' } });
    const queue = await call('GET', '/v1/queue?limit=200', reviewer2);
    expect(queue.json.items.find((it: Json) => it.id === id).claimedBy).toBe('rita');
    expect((await call('GET', `/v1/referrals/${id}`, reviewer2)).json.claim).toMatchObject({ by: 'rita' });
    const approve = await call('POST', `/v1/referrals/${id}/approve`, reviewer2, { version: 1, patient: { newPatient: true } });
    expect(approve.status).toBe(409);
    expect(await docState(id)).toEqual({ state: 'in_review', version: 1 });
    // an expired claim is free to take
    await store.query(sql`update review_claims set expires_at = now() - interval '1 second' where document_id = ${id}`);
    expect((await call('POST', `/v1/referrals/${id}/claim`, reviewer2)).json.by).toBe('rob');
    expect((await call('DELETE', `/v1/referrals/${id}/claim`, reviewer2)).status).toBe(204);
  });

  it('approves with corrections and a patient choice; a stale version is 409 and changes nothing', async () => {
    await seedPatient(store.db, 'MRN000060');
    const { id } = await seedReferral(store.db, 60);
    const stale = await call('POST', `/v1/referrals/${id}/approve`, reviewer, { version: 7, patient: { mrn: 'MRN000060' } });
    expect(stale.status).toBe(409);
    expect(stale.json.error).toMatchObject({ code: 'VERSION_STALE', details: { currentVersion: 1 } });
    expect(await docState(id)).toEqual({ state: 'in_review', version: 1 });

    feedback.length = 0;
    const ok = await call('POST', `/v1/referrals/${id}/approve`, reviewer, {
      version: 1,
      corrections: { 'patient.dob': '1961-04-09', 'referral.urgency': 'urgent' },
      patient: { mrn: 'MRN000060' },
    });
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ id, state: 'accepted', version: 2 });
    const [doc] = await store.query<{ extraction: Json; match_decision: Json }>(sql`select extraction, match_decision from documents where id = ${id}`);
    expect(doc!.extraction.fields['patient.dob']).toMatchObject({ value: '1961-04-09', confidence: 1, page: 1 });
    expect(doc!.match_decision).toMatchObject({ decision: 'match', mrn: 'MRN000060' });
    const [decision] = await store.query<Json>(sql`select * from review_decisions where document_id = ${id}`);
    expect(decision).toMatchObject({ user_name: 'rita', outcome: 'approved', patient: { mrn: 'MRN000060' } });
    expect(decision!.corrections).toContainEqual({ key: 'patient.dob', before: '1970-07-10', after: '1961-04-09' });
    expect(feedback).toEqual([{ mrn: 'MRN000060' }]);

    const fhir = await call('GET', `/v1/referrals/${id}/fhir`, reviewer);
    expect(fhir.status).toBe(200);
    expect(fhir.headers.get('content-type')).toContain('application/fhir+json');
    const bundle = fhir.json as Bundle;
    expect(fhirIssues(bundle)).toEqual([]);
    expect(bundle.entry?.[0]?.request?.ifNoneExist).toContain('MRN000060');
    const [outbox] = await store.query<{ state: string }>(sql`select state from fhir_outbox where document_id = ${id}`);
    expect(outbox?.state).toBe('pending');
    const detail = await call('GET', `/v1/referrals/${id}`, reviewer);
    expect(detail.json).toMatchObject({ state: 'accepted', claim: null, handOff: { state: 'pending', attempts: 0 } });
    expect(detail.json.decisions[0]).toMatchObject({ by: 'rita', outcome: 'approved', patient: { mrn: 'MRN000060' } });

    const again = await call('POST', `/v1/referrals/${id}/approve`, reviewer, { version: 2, patient: { newPatient: true } });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('CONFLICT');
  });

  it('refuses bad bodies with clear 4xx and changes nothing', async () => {
    const { id } = await seedReferral(store.db, 70);
    const path = `/v1/referrals/${id}/approve`;
    const cases: [unknown, number, string][] = [
      ['{"version": 1, "patient": ', 400, 'BAD_REQUEST'],
      [{ version: '1', patient: { newPatient: true } }, 400, 'BAD_REQUEST'],
      [{ version: 1 }, 400, 'BAD_REQUEST'],
      [{ version: 1, patient: { newPatient: true }, extra: 1 }, 400, 'BAD_REQUEST'],
      [{ version: 1, patient: { newPatient: true }, corrections: { 'patient.ssn': '1' } }, 400, 'BAD_REQUEST'],
      [{ version: 1, patient: { newPatient: true }, corrections: { 'patient.dob': '31/31/1999' } }, 400, 'FIELD_INVALID'],
      [{ version: 1, patient: { mrn: "MRN' OR 1=1" } }, 400, 'BAD_REQUEST'],
      [`{"version":1,"patient":{"newPatient":true},"pad":"${'x'.repeat(300_000)}"}`, 413, 'PAYLOAD_TOO_LARGE'],
    ];
    for (const [body, status, code] of cases) {
      const res = await call('POST', path, reviewer, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect(res.json.error.code).toBe(code);
      expect(typeof res.json.error.requestId).toBe('string');
    }
    const invalid = await call('POST', path, reviewer, { version: 1, patient: { newPatient: true }, corrections: { 'patient.dob': '31/31/1999' } });
    expect(invalid.json.error.message).not.toContain('31/31/1999');
    expect(await docState(id)).toEqual({ state: 'in_review', version: 1 });
    expect(await store.query(sql`select 1 from review_decisions where document_id = ${id}`)).toEqual([]);
  });

  it('rejects with a reason, and an admin retries the dead letter', async () => {
    const { id } = await seedReferral(store.db, 80);
    const res = await call('POST', `/v1/referrals/${id}/reject`, reviewer, { version: 1, reason: 'not_referral' });
    expect(res.json).toEqual({ id, state: 'failed', version: 2 });
    const [row] = await store.query<Json>(sql`select state, error_code from documents where id = ${id}`);
    expect(row).toEqual({ state: 'failed', error_code: 'REVIEW_REJECTED' });
    const dead = await call('GET', '/v1/dead-letters', admin);
    expect(dead.json.items.map((i: Json) => i.id)).toContain(id);
    expect((await call('POST', `/v1/documents/${id}/retry`, reviewer)).status).toBe(403);
    const retry = await call('POST', `/v1/documents/${id}/retry`, admin);
    expect(retry.json).toEqual({ id, retried: 'document' });
    const [after] = await store.query<Json>(sql`select state, attempts, error_code from documents where id = ${id}`);
    expect(after).toEqual({ state: 'received', attempts: 0, error_code: null });
    expect((await call('POST', `/v1/documents/${id}/retry`, admin)).status).toBe(409);
  });

  it('uploads a document through the durable path, refusing oversize and empty bodies', async () => {
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#fff' } }).png().toBuffer();
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'scan.png');
    const res = await call('POST', '/v1/documents', reviewer, form);
    expect(res.status, res.text).toBe(201);
    expect(res.json.duplicate).toBe(false);
    const [row] = await store.query<Json>(sql`select source, media_type, state from documents where id = ${res.json.documentId}`);
    expect(row).toEqual({ source: 'upload', media_type: 'image/png', state: 'received' });

    const big = new FormData();
    big.set('file', new Blob([new Uint8Array(30_000)]), 'big.pdf');
    expect((await call('POST', '/v1/documents', reviewer, big)).json.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await call('POST', '/v1/documents', reviewer, new FormData())).status).toBe(400);
    expect((await call('POST', '/v1/documents', reviewer, 'not multipart')).status).toBe(400);
  });

  it('renders a page as PNG with evidence boxes', async () => {
    const png = await sharp({ create: { width: 612, height: 792, channels: 3, background: '#fff' } }).png().toBuffer();
    const blobs = createBlobStore(tempDir('blobs-'), Buffer.alloc(32, 7));
    const sha = await blobs.put(png);
    const local = createReviewApi({ config: testConfig(), store, blobs, events: new EventBus(), logger: silentLogger() });
    const { id } = await seedReferral(store.db, 90, { sha256: sha, mediaType: 'image/png' });
    const get = (q: string) => local.request(`/v1/referrals/${id}/pages/${q}`, { headers: { authorization: `Bearer ${reviewer}` } });
    const plain = await get('1.png?dpi=72');
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('image/png');
    const plainStats = await sharp(Buffer.from(await plain.arrayBuffer())).stats();
    const boxed = await get('1.png?dpi=72&boxes=true');
    const img = sharp(Buffer.from(await boxed.arrayBuffer()));
    expect((await img.metadata()).width).toBe(612);
    const boxedStats = await img.stats();
    expect(plainStats.channels[0]!.min).toBe(255);
    expect(boxedStats.channels[0]!.min).toBeLessThan(255);
    expect((await get('2.png')).status).toBe(404);
    expect((await get('x.png')).status).toBe(400);
  });

  it('manages users through the API; a revoked token stops working', async () => {
    const created = await call('POST', '/v1/users', admin, { name: 'tess', role: 'reviewer' });
    expect(created.status).toBe(201);
    expect(created.json.token).toMatch(/^rit_/);
    expect((await call('GET', '/v1/me', created.json.token)).json.name).toBe('tess');
    const [stored] = await store.query<{ token_hash: string }>(sql`select token_hash from api_users where name = 'tess'`);
    expect(stored!.token_hash).not.toContain(created.json.token);
    expect((await call('POST', '/v1/users', admin, { name: 'tess', role: 'admin' })).status).toBe(409);
    expect((await call('DELETE', '/v1/users/tess', admin)).status).toBe(204);
    expect((await call('GET', '/v1/me', created.json.token)).status).toBe(401);
  });

  it('keeps a verifiable audit trail, readable and exportable as FHIR AuditEvent', async () => {
    const verify = await call('GET', '/v1/audit/verify', admin);
    expect(verify.json.ok).toBe(true);
    expect(verify.json.count).toBeGreaterThan(10);
    const denied = await call('GET', '/v1/audit?action=access.denied&limit=5', admin);
    expect(denied.json.items[0]).toMatchObject({ actor: 'user:rita', outcome: 'denied' });
    const fhir = await call('GET', '/v1/audit/fhir?limit=20', admin);
    const bundle = fhir.json as Bundle;
    expect(bundle.entry?.length).toBe(20);
    expect(fhirIssues(bundle)).toEqual([]);
    expect((await verifyAuditChain(store)).ok).toBe(true);
  });

  it('rate-limits failed authentication per client', async () => {
    // AUTH_FAILURES_PER_MINUTE=5; earlier tests already failed some from this address.
    let last = 0;
    for (let i = 0; i < 8; i++) last = (await call('GET', '/v1/me', `rit_guess${i}`)).status;
    expect(last).toBe(429);
    const limited = await call('GET', '/v1/me', reviewer);
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
