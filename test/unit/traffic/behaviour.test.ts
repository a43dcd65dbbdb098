/**
 * What the simulator reads from a Deployment: a version's error probability and latency (pod
 * template annotations or image tag) and an app's request rate (the Deployment's own annotation).
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../sandbox/apiserver/index.js';
import { behaviourOf, requestRateOf } from '../../../sandbox/traffic/behaviour.js';
import { lognormalQuantile } from '../../../sandbox/traffic/random.js';

function deployment(
  name: string,
  opts: { image?: string; template?: Record<string, string>; annotations?: Record<string, string> } = {},
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'test', annotations: opts.annotations },
    spec: {
      template: {
        metadata: { annotations: opts.template ?? {} },
        spec: { containers: [{ name: 'app', image: opts.image ?? 'podinfo:6.0.0' }] },
      },
    },
  };
}

describe('behaviourOf', () => {
  it.each([
    { name: 'a healthy default', d: deployment('a'), errorRate: 0, p99: 50 },
    { name: 'a -faulty tag', d: deployment('a', { image: 'podinfo:6.0.2-faulty' }), errorRate: 0.3, p99: 50 },
    {
      name: 'a -slow tag',
      d: deployment('a', { image: 'ghcr.io/x/podinfo:6.0.1-slow' }),
      errorRate: 0,
      p99: 800,
    },
    {
      name: 'annotations, which win over tags',
      d: deployment('a', {
        image: 'podinfo:6.0.2-faulty',
        template: { 'sandbox.flagger.app/error-rate': '0.05', 'sandbox.flagger.app/latency-ms': '300' },
      }),
      errorRate: 0.05,
      p99: 300,
    },
    {
      name: 'invalid annotations ignored',
      d: deployment('a', {
        template: { 'sandbox.flagger.app/error-rate': '1.5', 'sandbox.flagger.app/latency-ms': 'slow' },
      }),
      errorRate: 0,
      p99: 50,
    },
  ])('$name', ({ d, errorRate, p99 }) => {
    const b = behaviourOf(d);
    expect(b.errorRate).toBe(errorRate);
    expect(lognormalQuantile(b.latency, 0.99)).toBeCloseTo(p99, 9);
    expect(b.latency.medianMs).toBeCloseTo(p99 / 3, 9);
  });
});

describe('requestRateOf', () => {
  const rate = (value: string) => ({ 'sandbox.flagger.app/request-rate': value });

  it.each([
    { name: 'the app’s Deployment', ds: [deployment('podinfo', { annotations: rate('50') })], want: 50 },
    {
      name: 'the app’s Deployment before its primary',
      ds: [
        deployment('podinfo-primary', { annotations: rate('7') }),
        deployment('podinfo', { annotations: rate('0.5') }),
      ],
      want: 0.5,
    },
    {
      name: 'the primary when the target has none',
      ds: [deployment('podinfo-primary', { annotations: rate('7') })],
      want: 7,
    },
    { name: 'zero: no traffic', ds: [deployment('podinfo', { annotations: rate('0') })], want: 0 },
    { name: 'none', ds: [deployment('podinfo')], want: undefined },
    {
      name: 'not on the pod template',
      ds: [deployment('podinfo', { template: rate('50') })],
      want: undefined,
    },
    { name: 'not another app’s', ds: [deployment('other', { annotations: rate('50') })], want: undefined },
    { name: 'invalid: negative', ds: [deployment('podinfo', { annotations: rate('-1') })], want: undefined },
    {
      name: 'invalid: above 10 000',
      ds: [deployment('podinfo', { annotations: rate('20000') })],
      want: undefined,
    },
    {
      name: 'invalid: not a number',
      ds: [deployment('podinfo', { annotations: rate('fast') })],
      want: undefined,
    },
  ])('$name', ({ ds, want }) => {
    expect(requestRateOf(ds, 'podinfo')).toBe(want);
  });
});
