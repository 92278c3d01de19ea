/**
 * The audit trail on both backends: the chain verifies, concurrent appends never
 * fork it, the database refuses UPDATE/DELETE, and an edit made with the trigger
 * disabled (as a superuser could) is detected, as is a removed tail via an anchor.
 */
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, testBackends, type TestStore } from '../../test/helpers/db.ts';
import { appendAuditEvent, auditHead, verifyAuditChain, GENESIS_HASH } from './index.ts';

describe.each(testBackends())('audit trail on %s', (backend) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await openTestStore(backend);
  });
  afterEach(async () => {
    await store.close();
  });

  const event = (i: number) => ({
    actor: `user:r${i % 3}`,
    action: 'referral.read',
    resource: `Document/${i}`,
    outcome: 'success' as const,
    clientAddress: '127.0.0.1',
    details: { b: i, a: [1, 'x'], nested: { z: true, y: null } },
  });

  it('starts empty at the genesis hash and chains appends', async () => {
    expect(await auditHead(store)).toEqual({ id: null, hash: GENESIS_HASH, at: null });
    for (let i = 0; i < 5; i++) await appendAuditEvent(store.db, event(i));
    const result = await verifyAuditChain(store);
    expect(result.ok).toBe(true);
    expect(result.count).toBe(5);
    const head = await auditHead(store);
    expect(head.hash).toBe(result.head);
    expect(head.hash).not.toBe(GENESIS_HASH);
    const rows = await store.query<{ prev_hash: string; hash: string }>(
      sql`select prev_hash, hash from audit_events order by id`,
    );
    expect(rows[0]?.prev_hash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]?.prev_hash).toBe(rows[i - 1]?.hash);
  });

  it('keeps one chain under concurrent appends', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => appendAuditEvent(store.db, event(i))));
    const result = await verifyAuditChain(store);
    expect(result).toMatchObject({ ok: true, count: 20 });
  });

  it('rolls back with the caller transaction', async () => {
    await appendAuditEvent(store.db, event(1));
    await expect(
      store.db.transaction(async (tx) => {
        await appendAuditEvent(tx, event(2));
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect((await verifyAuditChain(store)).count).toBe(1);
  });

  it('refuses UPDATE, DELETE and TRUNCATE', async () => {
    await appendAuditEvent(store.db, event(1));
    await expect(store.query(sql`update audit_events set actor = 'user:mallory'`)).rejects.toThrow();
    await expect(store.query(sql`delete from audit_events`)).rejects.toThrow();
    await expect(store.query(sql`truncate audit_events`)).rejects.toThrow();
    expect((await verifyAuditChain(store)).ok).toBe(true);
  });

  it('detects a row edited or removed with the trigger disabled', async () => {
    for (let i = 0; i < 4; i++) await appendAuditEvent(store.db, event(i));
    const ids = await store.query<{ id: number }>(sql`select id from audit_events order by id`);
    const second = Number(ids[1]?.id);
    await store.query(sql`alter table audit_events disable trigger audit_events_no_update_delete`);
    await store.query(sql`update audit_events set actor = 'user:mallory' where id = ${second}`);
    const edited = await verifyAuditChain(store);
    expect(edited).toMatchObject({ ok: false, brokenAtId: second, problem: 'hash_mismatch' });

    await store.query(sql`update audit_events set actor = 'user:r1' where id = ${second}`);
    expect((await verifyAuditChain(store)).ok).toBe(true);
    await store.query(sql`delete from audit_events where id = ${second}`);
    const removed = await verifyAuditChain(store);
    expect(removed).toMatchObject({ ok: false, brokenAtId: Number(ids[2]?.id), problem: 'link_mismatch' });
  });

  it('exposes a removed tail through an external anchor', async () => {
    for (let i = 0; i < 3; i++) await appendAuditEvent(store.db, event(i));
    const anchor = (await auditHead(store)).hash;
    expect((await verifyAuditChain(store, { anchor })).ok).toBe(true);
    await store.query(sql`alter table audit_events disable trigger audit_events_no_update_delete`);
    await store.query(sql`delete from audit_events where id = (select max(id) from audit_events)`);
    expect(await verifyAuditChain(store)).toMatchObject({ ok: true, count: 2 });
    expect(await verifyAuditChain(store, { anchor })).toMatchObject({ ok: false, problem: 'anchor_missing' });
  });
});
