/**
 * The two releases every ingress provider must carry end to end: a healthy version promoted step
 * by step (10 → 20 → 30 %, traffic split exactly as the live objects say), and a version
 * answering 30 % errors rolled back on the step the threshold is reached, with the primary side
 * of the builtin query still reading 100 % where the provider has one.
 */
import { describe, expect, it } from 'vitest';
import { builtinQuery } from '../../../lib/adapters/prometheus/queries.js';
import type { Provider } from '../../../lib/domain/spec/accessors.js';
import { sandboxMetricsProvider } from '../../../sandbox/traffic/index.js';
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
  /** The canary-side success rate of the failing step (70: canary only; 97: route of both at 10 %). */
  failingRate: number;
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
      // 200 requests an interval, split as the live objects say (the last: the promotion step).
      expect(run.traffic.filter((t) => t.weight > 0).map((t) => [t.weight, t.canary, t.primary])).toEqual([
        [10, 20, 180],
        [20, 40, 160],
        [30, 60, 140],
        [30, 60, 140],
      ]);
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
      expect(failing.value).toBeCloseTo(want.failingRate, 0);
      expect(primaryImage(w.sandbox)).toBe('podinfo:6.0.0');
      if (want.primarySide) {
        expect(await primaryRate(w, want)).toEqual({ kind: 'value', value: 100 });
      } else {
        await expect(primaryRate(w, want)).rejects.toThrow(/no primary side/);
      }
    });
  });
}
