/** What an idle canary watches of the objects its last step touched. */
import { describe, expect, it } from 'vitest';
import { isIdle, reconcileDelayMs } from '../../../lib/domain/sweep/idle.js';
import { parseRef, refOf } from '../../../lib/domain/sweep/seen.js';
import { watched } from '../../../lib/domain/sweep/watch.js';
import { aCanary, aStatus, MINUTE } from '../../support/builders.js';

const canary = aCanary();

describe('watched(canary, touched)', () => {
  it.each<{ name: string; ref: string; stamp: string; want: string | undefined }>([
    { name: 'the target, by generation', ref: 'apps/v1/deployments/test/podinfo', stamp: 'g4', want: 'g4' },
    { name: 'the target, absent', ref: 'apps/v1/deployments/test/podinfo', stamp: '-', want: '-' },
    {
      name: 'the primary Deployment, by presence',
      ref: 'apps/v1/deployments/test/podinfo-primary',
      stamp: 'g7',
      want: '*',
    },
    {
      name: 'the primary Deployment, absent',
      ref: 'apps/v1/deployments/test/podinfo-primary',
      stamp: '-',
      want: '-',
    },
    {
      name: 'a DaemonSet target, by generation',
      ref: 'apps/v1/daemonsets/test/podinfo',
      stamp: 'g3',
      want: 'g3',
    },
    {
      name: 'the primary DaemonSet, by presence',
      ref: 'apps/v1/daemonsets/test/podinfo-primary',
      stamp: 'g2',
      want: '*',
    },
    { name: 'a ConfigMap of the target', ref: 'v1/configmaps/test/podinfo-env', stamp: 'r5', want: 'r5' },
    {
      name: 'its -primary copy, by presence',
      ref: 'v1/configmaps/test/podinfo-env-primary',
      stamp: 'r6',
      want: '*',
    },
    {
      name: 'a Secret named -primary that is no copy',
      ref: 'v1/secrets/test/tls-primary',
      stamp: 'r8',
      want: 'r8',
    },
    {
      name: 'an HPA, by presence',
      ref: 'autoscaling/v2/horizontalpodautoscalers/test/podinfo-primary',
      stamp: 'g2',
      want: '*',
    },
    { name: 'a Service', ref: 'v1/services/test/podinfo-primary', stamp: 'r9', want: 'r9' },
    {
      name: 'a routing object',
      ref: 'networking.istio.io/v1beta1/virtualservices/test/podinfo',
      stamp: 'g3',
      want: 'g3',
    },
    { name: 'an Event: not watched', ref: 'v1/events/test/podinfo.17a', stamp: 'r3', want: undefined },
    {
      name: 'an events.k8s.io Event: not watched',
      ref: 'events.k8s.io/v1/events/test/podinfo.17b',
      stamp: 'r3',
      want: undefined,
    },
  ])('$name', ({ ref, stamp, want }) => {
    const touched = { 'v1/configmaps/test/podinfo-env': 'r5', [ref]: stamp };
    expect(watched(canary, touched)[ref]).toBe(want);
  });
});

describe('references', () => {
  it.each([
    { apiVersion: 'apps/v1', resource: 'deployments', namespace: 'test', name: 'podinfo' },
    { apiVersion: 'v1', resource: 'services', namespace: 'test', name: 'podinfo-primary' },
    { apiVersion: 'kuma.io/v1alpha1', resource: 'trafficroutes', namespace: '', name: 'podinfo' },
  ])('$apiVersion $resource round-trips', (o) => {
    expect(parseRef(refOf(o))).toEqual(o);
  });
});

describe('idle canaries', () => {
  it.each([
    { phase: 'Initialized', idle: true },
    { phase: 'Succeeded', idle: true },
    { phase: 'Failed', idle: true },
    { phase: 'Waiting', idle: false },
    { phase: 'Progressing', idle: false },
    { phase: 'Initializing', idle: false },
    { phase: 'Terminating', idle: false },
  ] as const)('$phase: idle $idle', ({ phase, idle }) => {
    expect(isIdle(aStatus({ phase }))).toBe(idle);
  });

  it('is not idle while an operator command waits, or while paused', () => {
    expect(isIdle(aStatus({ phase: 'Failed', pendingCommand: { kind: 'retry' } }))).toBe(false);
    expect(isIdle(aStatus({ phase: 'Succeeded', paused: true }))).toBe(false);
  });

  it('reconciles after the period, never sooner than one interval', () => {
    expect(reconcileDelayMs(aCanary({ interval: '1m' }), 10 * MINUTE)).toBe(10 * MINUTE);
    expect(reconcileDelayMs(aCanary({ interval: '1h' }), 10 * MINUTE)).toBe(60 * MINUTE);
  });
});
