/**
 * Property: whatever arrives — hostile bodies, paths and query strings on every route — the API
 * handler answers (never throws), never with a 5xx, never logs an unhandled error, and every 4xx
 * names at least one field path. Over dynalite, so what the store would refuse counts.
 *
 * Fixed seed and run count keep it quick and repeatable; FUZZ_SEED and FUZZ_RUNS override them for
 * a long run, and a failure prints the seed and the shrunk request.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { hostileRequest } from './hostile.js';
import { startApi, type ApiHarness } from './harness.js';

const seed = Number(process.env.FUZZ_SEED ?? 20_260_514);
const numRuns = Number(process.env.FUZZ_RUNS ?? 250);
const yaml = readFileSync('test/fixtures/podinfo-canary.yaml', 'utf8');
const manifest = parse(yaml) as Record<string, unknown>;

let api: ApiHarness;

beforeAll(async () => {
  api = await startApi();
  const c = { name: 'c', kind: 'endpoint', server: 'http://127.0.0.1:9' };
  expect((await api.send({ method: 'POST', path: '/clusters', body: JSON.stringify(c) })).status).toBe(201);
  expect(
    (await api.send({ method: 'POST', path: '/canaries', query: { cluster: 'c' }, body: yaml })).status,
  ).toBe(201);
});
afterAll(() => api?.close());

describe('the API handler under hostile requests', () => {
  it('never throws, never answers 5xx, and names a field path on every 4xx', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(hostileRequest(manifest), async (req) => {
        const res = await api.send(req);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status, res.text).toBeLessThan(500);
        if (res.status >= 400) {
          expect(res.body?.errors?.length, res.text).toBeGreaterThan(0);
          for (const e of res.body!.errors!) expect(typeof e.path).toBe('string');
        }
        expect(api.errors).toEqual([]);
      }),
      { seed, numRuns, endOnFailure: true },
    );
    if (process.env.FUZZ_RUNS) console.log('status counts', Object.fromEntries([...statuses].sort()));
    // The generator reaches past validation too: some requests succeed.
    expect([...statuses.keys()].some((s) => s < 300)).toBe(true);
    expect([...statuses.keys()].some((s) => s === 400)).toBe(true);
  }, 120_000);
});
