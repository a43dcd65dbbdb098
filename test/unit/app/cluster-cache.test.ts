/** Cluster records kept 30 s per container (lib/app/cluster-cache.ts): counted reads, a moved clock. */
import { describe, expect, it } from 'vitest';
import { CLUSTER_RECORD_TTL_MS, keptFor } from '../../../lib/app/cluster-cache.js';

const signal = new AbortController().signal;

/** A table of records whose reads are counted, behind `keptFor` on a clock the test moves. */
function aCache(records: Record<string, string | Error>) {
  const clock = { now: 0 };
  const reads: string[] = [];
  const read = (name: string) => {
    reads.push(name);
    const r = records[name];
    return r instanceof Error ? Promise.reject(r) : Promise.resolve(r);
  };
  return { clock, reads, get: keptFor(read, CLUSTER_RECORD_TTL_MS, () => clock.now) };
}

describe('keptFor', () => {
  it('reads a record once per 30 s, then again', async () => {
    const c = aCache({ prod: 'v1' });
    expect(await c.get('prod', signal)).toBe('v1');
    c.clock.now = 29_999;
    expect(await c.get('prod', signal)).toBe('v1');
    expect(c.reads).toEqual(['prod']);
    c.clock.now = 30_000;
    expect(await c.get('prod', signal)).toBe('v1');
    expect(c.reads).toEqual(['prod', 'prod']);
  });

  it('keeps each name apart and sees a change once its copy is 30 s old (time is the only invalidation)', async () => {
    const records: Record<string, string> = { a: 'a1', b: 'b1' };
    const c = aCache(records);
    await c.get('a', signal);
    c.clock.now = 20_000;
    await c.get('b', signal);
    records.a = 'a2';
    records.b = 'b2';
    c.clock.now = 30_000;
    expect([await c.get('a', signal), await c.get('b', signal)]).toEqual(['a2', 'b1']);
  });

  it('keeps neither "not registered" nor a failed read', async () => {
    const c = aCache({ broken: new Error('throttled') });
    expect(await c.get('new', signal)).toBeUndefined();
    expect(await c.get('new', signal)).toBeUndefined();
    await expect(c.get('broken', signal)).rejects.toThrow('throttled');
    await expect(c.get('broken', signal)).rejects.toThrow('throttled');
    expect(c.reads).toEqual(['new', 'new', 'broken', 'broken']);
  });
});
