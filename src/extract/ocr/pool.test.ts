/**
 * The resource pool without any OCR: lazy creation up to its size, reuse, a
 * failing resource discarded and replaced on demand, and a retired one
 * ("refill") replaced at once so the next caller finds it ready.
 */
import { describe, expect, it } from 'vitest';
import { ResourcePool } from './pool.ts';

function counted() {
  let next = 0;
  const created: number[] = [];
  const destroyed: number[] = [];
  const pool = (size: number) =>
    new ResourcePool<number>(size, {
      create: async () => {
        const id = ++next;
        created.push(id);
        return id;
      },
      destroy: async (id) => {
        destroyed.push(id);
      },
    });
  return { pool, created, destroyed };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('ResourcePool', () => {
  it('creates lazily and reuses a kept resource', async () => {
    const { pool, created } = counted();
    const p = pool(2);
    expect(created).toEqual([]);
    const seen = [];
    for (let i = 0; i < 3; i += 1) seen.push(await p.use(async (r) => ({ value: r, keep: true })));
    expect(seen).toEqual([1, 1, 1]);
    expect(created).toEqual([1]);
    await p.close();
  });

  it('discards a resource that is not kept and creates the next one only when asked', async () => {
    const { pool, created, destroyed } = counted();
    const p = pool(1);
    await expect(p.use(async () => ({ error: new Error('broken'), keep: false }))).rejects.toThrow('broken');
    expect(destroyed).toEqual([1]);
    await tick();
    expect(created).toEqual([1]);
    expect(await p.use(async (r) => ({ value: r, keep: true }))).toBe(2);
    await p.close();
  });

  it('replaces a retired resource at once (refill), keeping the value it produced', async () => {
    const { pool, created, destroyed } = counted();
    const p = pool(1);
    expect(await p.use(async (r) => ({ value: `page on ${r}`, keep: false, refill: true }))).toBe('page on 1');
    expect(destroyed).toEqual([1]);
    await tick();
    expect(created).toEqual([1, 2]);
    expect(p.created).toBe(1);
    expect(await p.use(async (r) => ({ value: r, keep: true }))).toBe(2);
    expect(created).toEqual([1, 2]);
    await p.close();
    expect(destroyed).toEqual([1, 2]);
  });
});
