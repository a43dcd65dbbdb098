import type { V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { eventName, newEvent, repeatedEvent } from '../../../lib/adapters/kubernetes/event-objects.js';
import {
  canonicalJson,
  configChecksum,
  fnv32a,
  revisionHash,
} from '../../../lib/adapters/kubernetes/hashing.js';
import { workloadReadiness } from '../../../lib/adapters/kubernetes/readiness.js';
import { scaleUpReplicas } from '../../../lib/adapters/kubernetes/replicas.js';
import { aTarget } from './fixtures.js';

describe('hashing', () => {
  it('canonical JSON sorts keys at every level and drops null/undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ y: 1, x: null }], c: undefined } })).toBe(
      '{"a":{"d":[{"y":1}]},"b":1}',
    );
    expect(canonicalJson({ t: new Date('2025-01-01T00:00:00Z') })).toBe('{"t":"2025-01-01T00:00:00.000Z"}');
  });

  it('FNV-32a matches the reference vectors', () => {
    expect(fnv32a('')).toBe(0x811c9dc5);
    expect(fnv32a('a')).toBe(0xe40c292c);
    expect(fnv32a('foobar')).toBe(0xbf9cf968);
  });

  it('revision hash is short, safe-alphabet and independent of key order', () => {
    const a = {
      metadata: { labels: { app: 'x', v: '1' } },
      spec: { containers: [{ name: 'c', image: 'i' }] },
    };
    const b = {
      spec: { containers: [{ image: 'i', name: 'c' }] },
      metadata: { labels: { v: '1', app: 'x' } },
    };
    expect(revisionHash(a)).toBe(revisionHash(b));
    expect(revisionHash(a)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  });

  it('revision changes with the image and with pod-template annotations', () => {
    const base = aTarget().spec!.template;
    const image = structuredClone(base);
    image.spec!.containers[0].image = 'podinfo:6.0.1';
    const annotated = structuredClone(base);
    annotated.metadata!.annotations = { ...annotated.metadata!.annotations, retry: '1' };
    expect(new Set([revisionHash(base), revisionHash(image), revisionHash(annotated)]).size).toBe(3);
  });

  it('config checksum is 16 hex chars of sha256 over sorted .data', () => {
    expect(configChecksum({ a: '1', b: '2' })).toBe(configChecksum({ b: '2', a: '1' }));
    expect(configChecksum({ a: '1' })).toMatch(/^[0-9a-f]{16}$/);
    expect(configChecksum({ a: '1' })).not.toBe(configChecksum({ a: '2' }));
    expect(configChecksum(undefined)).toBe(configChecksum({}));
    expect(configChecksum({ a: '1' })).toBe('9afeb0f2b203f254'); // sha256('{"a":"1"}')
  });
});

const NOW = new Date('2025-01-01T01:00:00Z');
const opts = {
  readyThresholdPercent: 100,
  progressDeadlineSeconds: 600,
  now: NOW.getTime(),
  isPrimary: false,
};

interface DepState {
  generation?: number;
  observed?: number;
  replicas?: number;
  statusReplicas?: number;
  updated?: number;
  available?: number;
  progressing?: string;
  availableCond?: { status: string; reason: string; since: Date };
}

function dep(s: DepState): V1Deployment {
  const conditions = [];
  if (s.progressing)
    conditions.push({
      type: 'Progressing',
      status: s.progressing === 'ProgressDeadlineExceeded' ? 'False' : 'True',
      reason: s.progressing,
    });
  if (s.availableCond) {
    conditions.push({
      type: 'Available',
      status: s.availableCond.status,
      reason: s.availableCond.reason,
      lastUpdateTime: s.availableCond.since,
    });
  }
  return {
    metadata: { name: 'podinfo', generation: s.generation ?? 2 },
    spec: { replicas: s.replicas ?? 2, selector: {}, template: {} },
    status: {
      observedGeneration: s.observed ?? 2,
      replicas: s.statusReplicas ?? s.replicas ?? 2,
      updatedReplicas: s.updated ?? 2,
      availableReplicas: s.available ?? 2,
      conditions,
    },
  };
}

const stale = {
  status: 'False',
  reason: 'MinimumReplicasUnavailable',
  since: new Date(NOW.getTime() - 601_000),
};
const fresh = {
  status: 'False',
  reason: 'MinimumReplicasUnavailable',
  since: new Date(NOW.getTime() - 599_000),
};
const WAIT = 'waiting for rollout to finish: ';

describe('readiness (Flagger isDeploymentReady)', () => {
  it.each([
    { name: 'a rolled-out Deployment is ready', state: {}, want: { ready: true } },
    {
      name: 'generation ahead of observedGeneration: retriable',
      state: { generation: 3, observed: 2 },
      want: {
        ready: false,
        retriable: true,
        message: `${WAIT}observed deployment generation less than desired generation`,
      },
    },
    {
      name: 'generation check wins over ProgressDeadlineExceeded',
      state: { generation: 3, observed: 2, progressing: 'ProgressDeadlineExceeded' },
      want: { ready: false, retriable: true },
    },
    {
      name: 'ProgressDeadlineExceeded: non-retriable',
      state: { progressing: 'ProgressDeadlineExceeded', updated: 1 },
      want: {
        ready: false,
        retriable: false,
        message: 'deployment "podinfo" exceeded its progress deadline',
      },
    },
    {
      name: 'updated < desired: retriable',
      state: { progressing: 'ReplicaSetUpdated', updated: 1 },
      want: { ready: false, retriable: true, message: `${WAIT}1 out of 2 new replicas have been updated` },
    },
    {
      name: 'old replicas pending termination',
      state: { progressing: 'ReplicaSetUpdated', statusReplicas: 3 },
      want: { ready: false, retriable: true, message: `${WAIT}1 old replicas are pending termination` },
    },
    {
      name: 'available < updated at 100 %',
      state: { progressing: 'NewReplicaSetAvailable', available: 1 },
      want: {
        ready: false,
        retriable: true,
        message: `${WAIT}1 of 2 (readyThreshold 100%) updated replicas are available`,
      },
    },
    {
      name: 'unavailable beyond the canary deadline: non-retriable',
      state: { progressing: 'ReplicaSetUpdated', available: 0, availableCond: stale },
      want: {
        ready: false,
        retriable: false,
        message:
          'deployment does not have minimum availability for more than 600s (0 of 2 (readyThreshold 100%) updated replicas are available)',
      },
    },
    {
      name: 'unavailable within the canary deadline: retriable',
      state: { progressing: 'ReplicaSetUpdated', available: 0, availableCond: fresh },
      want: { ready: false, retriable: true },
    },
    {
      name: 'stale Available=False without a Progressing condition stays retriable',
      state: { available: 0, availableCond: stale },
      want: { ready: false, retriable: true },
    },
    {
      name: 'Available=False with another reason stays retriable',
      state: { progressing: 'ReplicaSetUpdated', available: 0, availableCond: { ...stale, reason: 'Other' } },
      want: { ready: false, retriable: true },
    },
    {
      name: 'stuck but all replicas available: ready',
      state: { progressing: 'NewReplicaSetAvailable', availableCond: stale },
      want: { ready: true },
    },
  ])('$name', ({ state, want }) => {
    expect(workloadReadiness('Deployment', dep(state), opts)).toMatchObject(want);
  });

  it.each([
    { threshold: 50, updated: 4, available: 2, ready: true },
    { threshold: 50, updated: 4, available: 1, ready: false },
    { threshold: 75, updated: 3, available: 2, ready: true },
    { threshold: 0, updated: 3, available: 0, ready: true },
    { threshold: 100, updated: 3, available: 2, ready: false },
  ])(
    'ready threshold $threshold%: $available of $updated available → ready=$ready',
    ({ threshold, updated, available, ready }) => {
      const r = workloadReadiness('Deployment', dep({ replicas: updated, updated, available }), {
        ...opts,
        readyThresholdPercent: threshold,
      });
      expect(r.ready).toBe(ready);
    },
  );
});

describe('scale-up replicas (Flagger ScaleFromZero)', () => {
  it.each([
    {
      name: "the target's own replicas",
      i: { targetReplicas: 3, primaryReplicas: 5, hasAutoscaler: false },
      want: 3,
    },
    {
      name: "the primary's without autoscaler",
      i: { targetReplicas: 0, primaryReplicas: 5, hasAutoscaler: false },
      want: 5,
    },
    {
      name: 'HPA minReplicas with autoscaler',
      i: { targetReplicas: 0, primaryReplicas: 5, hasAutoscaler: true, hpaMinReplicas: 4 },
      want: 4,
    },
    {
      name: '1 when HPA minReplicas is 1',
      i: { targetReplicas: 0, hasAutoscaler: true, hpaMinReplicas: 1 },
      want: 1,
    },
    { name: '1 when nothing is known', i: { hasAutoscaler: false }, want: 1 },
    {
      name: '1 when the primary is at 0',
      i: { targetReplicas: 0, primaryReplicas: 0, hasAutoscaler: false },
      want: 1,
    },
  ])('$name → $want', ({ i, want }) => {
    expect(scaleUpReplicas(i)).toBe(want);
  });
});

describe('event objects', () => {
  const obj = { namespace: 'test', name: 'podinfo', uid: 'u-1' };
  const e = {
    type: 'Normal' as const,
    reason: 'CanaryWeightIncreased',
    message: 'Advance podinfo.test canary weight 10',
  };
  const t1 = new Date('2025-01-01T00:00:00Z');
  const t2 = new Date('2025-01-01T00:01:00Z');

  it('names events after object, type, reason and message', () => {
    expect(eventName(obj, e)).toBe(eventName(obj, { ...e }));
    expect(eventName(obj, e)).toMatch(/^podinfo\.[0-9a-f]{16}$/);
    expect(eventName(obj, { ...e, message: 'Advance podinfo.test canary weight 20' })).not.toBe(
      eventName(obj, e),
    );
    expect(eventName(obj, { ...e, type: 'Warning' })).not.toBe(eventName(obj, e));
    expect(eventName({ ...obj, uid: 'u-2' }, e)).not.toBe(eventName(obj, e));
  });

  it('a new event is about the Deployment, from flagger-serverless, counted once', () => {
    expect(newEvent(obj, e, t1)).toMatchObject({
      metadata: { name: eventName(obj, e), namespace: 'test' },
      involvedObject: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: 'test',
        name: 'podinfo',
        uid: 'u-1',
      },
      type: 'Normal',
      reason: 'CanaryWeightIncreased',
      message: e.message,
      source: { component: 'flagger-serverless' },
      count: 1,
      firstTimestamp: t1,
      lastTimestamp: t1,
    });
  });

  it('a repeat increments count and moves lastTimestamp only', () => {
    const live = { ...newEvent(obj, e, t1), metadata: { name: 'x', resourceVersion: '5' } };
    expect(repeatedEvent(live, t2)).toMatchObject({
      count: 2,
      firstTimestamp: t1,
      lastTimestamp: t2,
      metadata: { resourceVersion: '5' },
    });
  });

  it('truncates messages longer than 1024 characters', () => {
    expect(newEvent(obj, { ...e, message: 'x'.repeat(2000) }, t1).message).toHaveLength(1024);
  });
});
