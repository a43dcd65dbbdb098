/**
 * The two releases every ingress provider must carry end to end: a healthy version promoted step
 * by step (10 → 20 → 30 %, the requests sent split exactly as the live objects say), and a version
 * answering 30 % errors rolled back on the step the threshold is reached, with the primary side
 * of the builtin query still reading 100 % where the provider has one. Arrivals and errors are
 * random (seeded): counts are checked against the model's bounds and the checks' values against
 * the counts of their interval.
 */
import { describe, expect, it } from 'vitest';
import { builtinQuery } from '../../../lib/adapters/prometheus/queries.js';
import type { Provider } from '../../../lib/domain/spec/accessors.js';
import { sandboxMetricsProvider } from '../../../sandbox/traffic/index.js';
import { binomialBounds, expectShare, expectWithin, poissonBounds } from '../../support/stochastic.js';
import {
  analysedChecks,
  lastChecks,
  primaryImage,
  release,
  startProvider,
  type ProviderSetup,
  type ProviderWorld,
} from './ingress-harness.js';

/** What a provider's releases must show. */
export interface SuiteExpectations {
  /** A piece of the success-rate query: the metric and the canary's selector. */
  query: string;
  /**
   * What the canary-side success rate counts: the canary's requests (≈ 70 % at 30 % errors), or
   * every request of a route that carries both backends (APISIX: ≈ 97 % at 10 % weight).
   */
  failingOver: 'canary' | 'route';
  /** Extra inputs of the builtin query (ingress, route names). */
  names?: { ingress?: string; route?: string };
  /** Whether the provider's metrics tell the primary apart. */
  primarySide: boolean;
  /** Checks on the objects once promoted. */
  afterPromotion?: (w: ProviderWorld) => void;
}

async function primaryRate(w: ProviderWorld, want: SuiteExpectations): Promise<unknown> {
  const q = builtinQuery('request-success-rate', {
    provider: w.canary.spec.provider as Provider,
    namespace: 'test',
    target: 'podinfo',
    interval: '10s',
    side: 'primary',
    ...want.names,
  });
  return sandboxMetricsProvider(w.sim).query(q, new AbortController().signal);
}

/** Defines the promote and roll-back tests of one provider. */
export function releaseSuite(title: string, setup: ProviderSetup, want: SuiteExpectations): void {
  describe(title, () => {
    it('promotes a healthy version step by step, analysed on the controller’s own metrics', async () => {
      const w = await startProvider(setup);
      const run = await release(w, setup, 'podinfo:6.0.1', (p) => p === 'Succeeded');
      expect(run.row?.status.phase).toBe('Succeeded');
      expect(run.weights).toEqual([0, 10, 20, 30, 0]);
      // About 200 requests an interval, split as the live objects say (the last: the promotion step).
      const during = run.traffic.filter((t) => t.weight > 0);
      expect(during.map((t) => t.weight)).toEqual([10, 20, 30, 30]);
      for (const t of during) {
        expectWithin(t.sent, poissonBounds(200), 'requests sent');
        expectShare(t.canary, t.sent, t.weight / 100, 2);
        expect(t.primary).toBe(t.sent - t.canary);
      }
      const rates = (await analysedChecks(w)).filter((c) => c.name === 'request-success-rate');
      expect(rates.map((c) => [c.verdict, c.value])).toEqual([
        ['pass', 100],
        ['pass', 100],
      ]);
      expect(rates[0].query).toContain(want.query);
      const latency = (await analysedChecks(w)).filter((c) => c.name === 'request-duration');
      expect(latency.every((c) => c.verdict === 'pass')).toBe(true);
      expect(primaryImage(w.sandbox)).toBe('podinfo:6.0.1');
      want.afterPromotion?.(w);
    });

    it('rolls back a version answering 30 % errors on the step the threshold is reached', async () => {
      const w = await startProvider(setup);
      const run = await release(w, setup, 'podinfo:6.0.1-faulty', (p) => p === 'Failed');
      expect(run.row?.status).toMatchObject({ phase: 'Failed', failedChecks: 2, canaryWeight: 0 });
      expect(run.weights).toEqual([0, 10, 0]);
      const failing = (await lastChecks(w)).find((c) => c.name === 'request-success-rate')!;
      expect(failing.verdict).toBe('fail');
      // The last interval's requests, the canary's each a 500 with probability 0.3.
      const last = run.traffic.at(-1)!;
      expectWithin(last.canaryErrors, binomialBounds(last.canary, 0.3), 'canary errors');
      const counted = want.failingOver === 'canary' ? last.canary : last.sent;
      expect(failing.value).toBeCloseTo((100 * (counted - last.canaryErrors)) / counted, 9);
      expect(primaryImage(w.sandbox)).toBe('podinfo:6.0.0');
      if (want.primarySide) {
        expect(await primaryRate(w, want)).toEqual({ kind: 'value', value: 100 });
      } else {
        await expect(primaryRate(w, want)).rejects.toThrow(/no primary side/);
      }
    });
  });
}
