/**
 * Kubernetes requests per step (docs/architecture.md#requests-per-step), counted at the sandbox's
 * request log over whole releases through the real handlers — counts, never time. C is the number
 * of ConfigMaps and Secrets the target's pod template references. The checks come from an
 * in-memory metrics provider, so no request is merely proxied through the API server (those are
 * outside the budget anyway: `proxied: false` leaves them out).
 */
import { describe, expect, it } from 'vitest';
import type { MetricsProvider } from '../../../lib/ports/metrics.js';
import {
  apply,
  applyPodinfoConfigs,
  podinfoCanary,
  podinfoKey as key,
  podinfoWithConfigs,
} from '../../support/release.js';
import { initialize, worldPerTest } from '../../support/scenario.js';
import { noRangeQueries } from '../../support/fakes/checks.js';

/** The value every check query answers (request-success-rate, minimum 99). */
let successRate = 100;
const metrics: MetricsProvider = {
  query: () => Promise.resolve({ kind: 'value', value: successRate }),
  queryRange: noRangeQueries,
  queryVector: () => Promise.resolve({ kind: 'vector', samples: [] }),
  isOnline: () => Promise.resolve(true),
};
const world = worldPerTest({ metrics });

const canary = podinfoCanary(`threshold: 5
maxWeight: 20
stepWeight: 10
metrics:
  - { name: request-success-rate, thresholdRange: { min: 99 }, interval: 1m }`);

/** One step: where it left the canary, and its Kubernetes API requests (`GET /apis/… → 200`). */
interface Step {
  phase: string;
  weight: number;
  requests: string[];
}

/** Steps the canary once (one interval later) and returns what it asked the API server. */
async function step(): Promise<Step> {
  const mark = world.sandbox.mark();
  const row = await world.cp.tick(key, 10_000);
  const requests = world.sandbox
    .selectRequests({ since: mark, proxied: false })
    .map((r) => `${r.method} ${r.path}${r.query ? `?${decodeURIComponent(r.query)}` : ''} → ${r.status}`);
  return { phase: row!.status.phase, weight: row!.status.canaryWeight, requests };
}

/** Initializes podinfo with C configs, then releases podinfo:6.0.1 to the end; every step after the new revision. */
async function release(configs: 0 | 2): Promise<Step[]> {
  await applyPodinfoConfigs(world.sandbox, configs);
  await initialize(world, key, canary, { deployment: podinfoWithConfigs('podinfo:6.0.0', configs) });
  await apply(world.sandbox, podinfoWithConfigs('podinfo:6.0.1', configs));
  const steps: Step[] = [];
  while (steps.at(-1)?.phase !== 'Succeeded') {
    steps.push(await step());
    expect(steps.length, JSON.stringify(steps.map((s) => s.phase))).toBeLessThan(10);
  }
  return steps;
}

/** GETs of one object (no query) made more than once. */
function readTwice(s: Step): string[] {
  const reads = s.requests.filter((r) => r.startsWith('GET ') && !r.includes('?'));
  return reads.filter((r, i) => reads.indexOf(r) !== i);
}

const named = (s: Step) => `${s.phase} ${s.weight}%:\n  ${s.requests.join('\n  ')}`;

describe.each([0, 2] as const)('with C = %i', (c) => {
  it(`reads each object at most once per step; a progressing step makes at most 8 + C requests`, async () => {
    const steps = await release(c);
    for (const s of steps) expect(readTwice(s), named(s)).toEqual([]);
    const progressing = steps.filter(
      (s, i) => s.phase === 'Progressing' && s.weight > (steps[i - 1]?.weight ?? 0),
    );
    expect(progressing.map((s) => s.weight)).toEqual([10, 20]);
    for (const s of progressing) expect(s.requests.length, named(s)).toBeLessThanOrEqual(8 + c);
  });

  // Issue 15's goal. The tracked configs are read by the step that promotes (the revision, then
  // their copies) and by no later one; the step in between does not reconcile
  // (lib/domain/reads.ts, docs/architecture.md#requests-per-step).
  it(`promotes in three steps with at most 20 + 2C requests`, async () => {
    const steps = await release(c);
    const promotion = steps.slice(steps.findIndex((s) => s.phase === 'Promoting'));
    expect(promotion.map((s) => s.phase)).toEqual(['Promoting', 'Finalising', 'Succeeded']);
    const requests = promotion.flatMap((s) => s.requests);
    expect(requests.length, promotion.map(named).join('\n')).toBeLessThanOrEqual(20 + 2 * c);
  });
});

it('a repeated Kubernetes Event is one PATCH', async () => {
  await initialize(world, key, canary, { deployment: podinfoWithConfigs('podinfo:6.0.0', 0) });
  await apply(world.sandbox, podinfoWithConfigs('podinfo:6.0.1', 0));
  expect((await step()).weight).toBe(0);
  expect((await step()).weight).toBe(10);
  successRate = 50;
  try {
    const first = await step();
    const second = await step();
    const events = (s: Step) => s.requests.filter((r) => r.includes('/events'));
    expect(events(first), named(first)).toEqual(['POST /api/v1/namespaces/test/events → 201']);
    expect(events(second), named(second)).toEqual([
      expect.stringMatching(/^PATCH \/api\/v1\/namespaces\/test\/events\/podinfo\.[0-9a-f]{16} → 200$/),
    ]);
  } finally {
    successRate = 100;
  }
});
