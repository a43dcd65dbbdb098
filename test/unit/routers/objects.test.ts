import { describe, expect, it } from 'vitest';
import { deepEqual, prune } from '../../../lib/adapters/routers/engine/json.js';
import { mergeMatches } from '../../../lib/adapters/routers/engine/match.js';
import { COMPONENT as MANAGED_BY, MANAGED_BY_LABEL } from '../../../lib/adapters/kubernetes/labels.js';
import {
  ORIGINAL_CONFIGURATION,
  planApply,
  planFinalize,
  type KubeObject,
  type ObjectRef,
} from '../../../lib/adapters/routers/engine/objects.js';

const ref: ObjectRef = {
  group: 'networking.istio.io',
  version: 'v1beta1',
  plural: 'virtualservices',
  kind: 'VirtualService',
  namespace: 'test',
  name: 'podinfo',
};
const spec = {
  hosts: ['podinfo'],
  http: [{ route: [{ destination: { host: 'podinfo-primary' }, weight: 100 }] }],
};
const managed = (s: object): KubeObject => ({
  apiVersion: 'networking.istio.io/v1beta1',
  kind: 'VirtualService',
  metadata: {
    name: 'podinfo',
    namespace: 'test',
    resourceVersion: '7',
    labels: { [MANAGED_BY_LABEL]: MANAGED_BY },
  },
  spec: s as Record<string, unknown>,
});
const foreign = (s: object): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'podinfo', namespace: 'test', resourceVersion: '3', annotations: { team: 'web' } },
  spec: s as Record<string, unknown>,
});

describe('planApply', () => {
  it('creates an absent object with the managed-by label', () => {
    expect(planApply(ref, spec, undefined)).toEqual({
      action: 'create',
      body: {
        apiVersion: 'networking.istio.io/v1beta1',
        kind: 'VirtualService',
        metadata: { name: 'podinfo', namespace: 'test', labels: { [MANAGED_BY_LABEL]: MANAGED_BY } },
        spec,
      },
    });
  });

  it('writes nothing when the managed spec is equal up to key order and undefined fields', () => {
    const live = managed({
      http: [{ route: [{ weight: 100, destination: { host: 'podinfo-primary' } }] }],
      hosts: ['podinfo'],
    });
    expect(planApply(ref, { ...spec, gateways: undefined }, live)).toEqual({ action: 'none' });
  });

  it('updates a drifted object, keeping its metadata and resourceVersion', () => {
    const plan = planApply(ref, spec, managed({ hosts: ['podinfo'], http: [] }));
    expect(plan).toEqual({ action: 'update', body: { ...managed(spec) } });
  });

  it('adopts a foreign object: original spec kept in the annotation, other annotations kept', () => {
    const original = { hosts: ['podinfo'], http: [{ route: [{ destination: { host: 'podinfo' } }] }] };
    const plan = planApply(ref, spec, foreign(original));
    expect(plan).toEqual({
      action: 'update',
      body: {
        apiVersion: 'networking.istio.io/v1beta1',
        kind: 'VirtualService',
        metadata: {
          name: 'podinfo',
          namespace: 'test',
          resourceVersion: '3',
          annotations: { team: 'web', [ORIGINAL_CONFIGURATION]: JSON.stringify(original) },
        },
        spec,
      },
    });
  });

  it('adopts even when the foreign spec already matches, and only once', () => {
    expect(planApply(ref, spec, foreign(spec)).action).toBe('update');
    const adopted = foreign(spec);
    adopted.metadata.annotations = { [ORIGINAL_CONFIGURATION]: '{}' };
    expect(planApply(ref, spec, adopted)).toEqual({ action: 'none' });
  });

  it('keeps preserved keys from the live object and ignores them in the diff', () => {
    const live = managed({ ...spec, awsName: 'podinfo_test', meshRef: { name: 'global', uid: 'u1' } });
    expect(planApply(ref, { ...spec, awsName: 'other' }, live, { preserve: ['awsName', 'meshRef'] })).toEqual(
      { action: 'none' },
    );
  });
});

describe('planFinalize', () => {
  it('deletes what we created', () => {
    expect(planFinalize(ref, managed(spec))).toEqual({ action: 'delete' });
  });

  it('restores an adopted object and drops the annotation', () => {
    const original = { hosts: ['podinfo'] };
    const adopted = foreign(spec);
    adopted.metadata.annotations = { [ORIGINAL_CONFIGURATION]: JSON.stringify(original) };
    expect(planFinalize(ref, adopted)).toEqual({
      action: 'restore',
      body: {
        apiVersion: 'networking.istio.io/v1beta1',
        kind: 'VirtualService',
        metadata: { name: 'podinfo', namespace: 'test', resourceVersion: '3' },
        spec: original,
      },
    });
  });

  it('leaves foreign and absent objects alone', () => {
    expect(planFinalize(ref, foreign(spec))).toEqual({ action: 'none' });
    expect(planFinalize(ref, undefined)).toEqual({ action: 'none' });
  });
});

describe('JSON helpers', () => {
  it('prunes undefined values and empty containers but keeps 0, false and ""', () => {
    expect(prune({ a: undefined, b: [], c: {}, d: { e: [undefined] }, f: 0, g: false, h: '' })).toEqual({
      f: 0,
      g: false,
      h: '',
    });
  });

  it('compares structurally', () => {
    expect(deepEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }], c: undefined })).toBe(true);
    expect(deepEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(deepEqual({ a: 1 }, { a: '1' })).toBe(false);
  });
});

describe('mergeMatches', () => {
  it('is the cartesian product, analysis map keys winning', () => {
    const analysis = [{ headers: { x: { exact: '1' } } }, { uri: { prefix: '/beta' } }];
    const service = [
      { uri: { prefix: '/' }, headers: { x: { exact: '0' }, y: { exact: '2' } } },
      { uri: { prefix: '/v2' } },
    ];
    expect(mergeMatches(analysis, service)).toEqual([
      { uri: { prefix: '/' }, headers: { x: { exact: '1' }, y: { exact: '2' } } },
      { uri: { prefix: '/v2' }, headers: { x: { exact: '1' } } },
      { uri: { prefix: '/beta' }, headers: { x: { exact: '0' }, y: { exact: '2' } } },
      { uri: { prefix: '/beta' } },
    ]);
  });

  it('returns the analysis matches when the service has none', () => {
    expect(mergeMatches([{ headers: { x: { exact: '1' } } }], [])).toEqual([
      { headers: { x: { exact: '1' } } },
    ]);
  });
});
