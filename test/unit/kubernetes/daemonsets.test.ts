import type { V1DaemonSet, V1PodTemplateSpec } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { primaryDaemonSet, promotedPrimaryDaemonSet } from '../../../lib/adapters/kubernetes/daemonsets.js';
import { revisionHash } from '../../../lib/adapters/kubernetes/hashing.js';
import { workloadReadiness } from '../../../lib/adapters/kubernetes/readiness.js';
import {
  scaleToZeroPatch,
  SCALE_TO_ZERO_KEY,
  withoutScaleToZero,
} from '../../../lib/adapters/kubernetes/scale-to-zero.js';
import { aCanary } from '../../support/builders.js';
import { aTarget } from './fixtures.js';

const canary = aCanary({ targetRef: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'podinfo' } });

function aDaemonSet(nodeSelector?: Record<string, string>): V1DaemonSet {
  const d = aTarget();
  const template = structuredClone(d.spec!.template);
  if (nodeSelector) template.spec!.nodeSelector = nodeSelector;
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'podinfo', namespace: 'test', labels: { app: 'podinfo' } },
    spec: {
      minReadySeconds: 3,
      updateStrategy: { type: 'OnDelete' },
      selector: { matchLabels: { app: 'podinfo' } },
      template,
    },
  };
}

const inputs = (target: V1DaemonSet, rolloutId = 'id-1') => ({
  canary,
  target,
  tracked: { configmap: new Set<string>(), secret: new Set<string>() },
  rolloutId,
});

const zero = { [SCALE_TO_ZERO_KEY]: 'true' };
const tpl = (nodeSelector?: Record<string, string>): V1PodTemplateSpec => ({
  spec: { containers: [], ...(nodeSelector && { nodeSelector }) },
});

describe('scale to zero by node selector', () => {
  it.each([
    { name: 'adds the key', t: tpl(), zero: true, want: { nodeSelector: zero } },
    {
      name: 'adds it beside the author’s selector',
      t: tpl({ disk: 'ssd' }),
      zero: true,
      want: { nodeSelector: zero },
    },
    { name: 'no write when already at zero', t: tpl(zero), zero: true, want: undefined },
    { name: 'removes the selector it alone filled', t: tpl(zero), zero: false, want: { nodeSelector: null } },
    {
      name: 'removes only the key beside others',
      t: tpl({ ...zero, disk: 'ssd' }),
      zero: false,
      want: { nodeSelector: { [SCALE_TO_ZERO_KEY]: null } },
    },
    { name: 'no write when already up', t: tpl({ disk: 'ssd' }), zero: false, want: undefined },
  ])('$name', ({ t, zero: z, want }) => {
    const patch = scaleToZeroPatch(t, z);
    expect(patch).toEqual(want && { spec: { template: { spec: want } } });
  });

  it('leaves the key (and an empty selector) out of the revision, nothing else', () => {
    const plain = aDaemonSet().spec!.template;
    const h = revisionHash(plain);
    expect(revisionHash(withoutScaleToZero(aDaemonSet(zero).spec!.template))).toBe(h);
    expect(revisionHash(withoutScaleToZero(aDaemonSet({}).spec!.template))).toBe(h);
    expect(withoutScaleToZero(plain)).toBe(plain);
    const ssd = aDaemonSet({ disk: 'ssd' }).spec!.template;
    expect(revisionHash(withoutScaleToZero(aDaemonSet({ disk: 'ssd', ...zero }).spec!.template))).toBe(
      revisionHash(ssd),
    );
    expect(revisionHash(ssd)).not.toBe(h);
  });
});

describe('primary DaemonSet', () => {
  it('copies template, update strategy and minReadySeconds under the primary selector, never the zero key', () => {
    const p = primaryDaemonSet(inputs(aDaemonSet({ disk: 'ssd', ...zero })));
    expect(p).toMatchObject({
      kind: 'DaemonSet',
      metadata: { name: 'podinfo-primary', namespace: 'test', labels: { app: 'podinfo-primary' } },
      spec: {
        minReadySeconds: 3,
        updateStrategy: { type: 'OnDelete' },
        selector: { matchLabels: { app: 'podinfo-primary' } },
      },
    });
    expect(p.spec!.template.metadata!.labels).toMatchObject({ app: 'podinfo-primary' });
    expect(p.spec!.template.metadata!.annotations).toMatchObject({ 'flagger-id': 'id-1' });
    expect(p.spec!.template.spec!.nodeSelector).toEqual({ disk: 'ssd' });
    expect(p.spec).not.toHaveProperty('replicas');
  });

  it('promotes a changed template; a target at zero or a new rollout id alone is no change', () => {
    const live = {
      ...primaryDaemonSet(inputs(aDaemonSet())),
      metadata: { name: 'podinfo-primary', resourceVersion: '9' },
    };
    expect(promotedPrimaryDaemonSet(live, inputs(aDaemonSet(zero), 'id-2'))).toBeUndefined();
    const next = aDaemonSet();
    next.spec!.template.spec!.containers[0].image = 'podinfo:6.1.0';
    const out = promotedPrimaryDaemonSet(live, inputs(next, 'id-2'))!;
    expect(out.metadata!.resourceVersion).toBe('9');
    expect(out.spec!.template.spec!.containers[0].image).toBe('podinfo:6.1.0');
    expect(out.spec!.template.metadata!.annotations).toMatchObject({ 'flagger-id': 'id-2' });
    expect(out.spec!.selector).toEqual(live.spec!.selector);
  });
});

describe('DaemonSet readiness (Flagger isDaemonSetReady)', () => {
  const opts = { readyThresholdPercent: 100, progressDeadlineSeconds: 60, now: 0, isPrimary: false };
  const ds = (status: V1DaemonSet['status'], generation = 2): V1DaemonSet => ({
    ...aDaemonSet(),
    metadata: { name: 'podinfo', generation },
    status,
  });
  const counts = (desired: number, updated: number, available: number, observedGeneration = 2) => ({
    observedGeneration,
    desiredNumberScheduled: desired,
    currentNumberScheduled: desired,
    numberMisscheduled: 0,
    numberReady: available,
    updatedNumberScheduled: updated,
    numberAvailable: available,
  });
  it.each([
    {
      name: 'generation not observed yet',
      status: counts(3, 3, 3, 1),
      threshold: 100,
      want: {
        ready: false,
        retriable: true,
        message: 'waiting for rollout to finish: observed daemonset generation less than desired generation',
      },
    },
    {
      name: 'pods not all updated',
      status: counts(3, 2, 2),
      threshold: 100,
      want: {
        ready: false,
        retriable: true,
        message: 'waiting for rollout to finish: 2 out of 3 new replicas have been updated',
      },
    },
    {
      name: 'updated but too few available',
      status: counts(4, 4, 1),
      threshold: 50,
      want: {
        ready: false,
        retriable: true,
        message: expect.stringContaining('1 of 2 (readyThreshold 50%)'),
      },
    },
    {
      name: 'enough available for the threshold',
      status: counts(4, 4, 2),
      threshold: 50,
      want: { ready: true },
    },
    {
      name: 'every pod updated and available',
      status: counts(3, 3, 3),
      threshold: 100,
      want: { ready: true },
    },
  ])('$name', ({ status, threshold, want }) => {
    expect(workloadReadiness('DaemonSet', ds(status), { ...opts, readyThresholdPercent: threshold })).toEqual(
      want,
    );
  });

  it('a primary scheduled on no node is not ready', () => {
    const r = workloadReadiness('DaemonSet', ds(counts(0, 0, 0)), { ...opts, isPrimary: true });
    expect(r).toMatchObject({
      ready: false,
      retriable: true,
      message: expect.stringContaining('primary daemonset'),
    });
  });
});
