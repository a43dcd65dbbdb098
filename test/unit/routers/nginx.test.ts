import { describe, expect, it } from 'vitest';
import { UnsupportedRoutingError } from '../../../lib/adapters/routers/engine/errors.js';
import {
  ORIGINAL_CONFIGURATION,
  planApply,
  type ObjectRef,
} from '../../../lib/adapters/routers/engine/objects.js';
import {
  canaryIngressName,
  canaryIngressSpec,
  canaryState,
  nonCanaryAnnotations,
  routeWeightsOf,
} from '../../../lib/adapters/routers/nginx/ingress.js';
import { abAnalysis, blueGreen, podinfoIngress, specCanary } from './ingress-fixtures.js';

const ingressRef = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'podinfo' };
const canary = specCanary({ provider: 'nginx', ingressRef });
const P = 'nginx.ingress.kubernetes.io';
const w = (c: number) => ({ primary: 100 - c, canary: c, mirrored: false });

describe('NGINX canary Ingress builders', () => {
  it('copies the ingressRef spec with the apex backend pointed at <apex>-canary, as Flagger does', () => {
    expect(canaryIngressName(canary)).toBe('podinfo-canary');
    expect(canaryIngressSpec(canary, podinfoIngress().spec)).toEqual({
      rules: [
        {
          host: 'app.example.com',
          http: {
            paths: [
              {
                pathType: 'Prefix',
                path: '/',
                backend: { service: { name: 'podinfo-canary', port: { number: 9898 } } },
              },
            ],
          },
        },
      ],
    });
  });

  it('also moves a defaultBackend to the apex; none at all is undefined', () => {
    const spec = { defaultBackend: { service: { name: 'podinfo', port: { number: 80 } } } };
    expect(canaryIngressSpec(canary, spec)).toEqual({
      defaultBackend: { service: { name: 'podinfo-canary', port: { number: 80 } } },
    });
    expect(canaryIngressSpec(canary, { defaultBackend: { service: { name: 'other' } } })).toBeUndefined();
  });

  it('names the canary Ingress after ingressRef, not the target', () => {
    const c = specCanary({ provider: 'nginx', ingressRef: { ...ingressRef, name: 'web' } });
    expect(canaryIngressName(c)).toBe('web-canary');
  });

  it.each([
    { name: 'start', weight: 0, want: { [`${P}/canary`]: 'true', [`${P}/canary-weight`]: '0' } },
    { name: 'a step', weight: 20, want: { [`${P}/canary`]: 'true', [`${P}/canary-weight`]: '20' } },
  ])('canary weights: $name', ({ weight, want }) => {
    expect(canaryState(canary, w(weight))).toEqual(want);
    expect(routeWeightsOf(canary, want)).toEqual(w(weight));
  });

  it('blue/green routes all traffic with canary-weight 100', () => {
    const c = specCanary({ provider: 'nginx', ingressRef }, blueGreen);
    const state = canaryState(c, w(100));
    expect(state[`${P}/canary-weight`]).toBe('100');
    expect(routeWeightsOf(c, state)).toEqual({ primary: 0, canary: 100, mirrored: false });
  });

  it('A/B: header value and cookie while the test runs, weight 0 and no match annotations otherwise', () => {
    const c = specCanary(
      { provider: 'nginx', ingressRef },
      abAnalysis([
        { headers: { 'x-canary': { exact: 'insider' } } },
        { headers: { cookie: { exact: 'canary' } } },
      ]),
    );
    const on = canaryState(c, w(100));
    expect(on).toEqual({
      [`${P}/canary`]: 'true',
      [`${P}/canary-weight`]: '0',
      [`${P}/canary-by-header`]: 'x-canary',
      [`${P}/canary-by-header-value`]: 'insider',
      [`${P}/canary-by-cookie`]: 'canary',
    });
    expect(routeWeightsOf(c, on)).toEqual(w(100));
    const off = canaryState(c, w(0));
    expect(off).toEqual({ [`${P}/canary`]: 'true', [`${P}/canary-weight`]: '0' });
    expect(routeWeightsOf(c, off)).toEqual(w(0));
  });

  it.each([
    { match: { regex: '.*Firefox.*' }, want: '^(?:.*Firefox.*)$' },
    { match: { prefix: 'Mozilla/5.0 (' }, want: '^Mozilla/5\\.0 \\(' },
    { match: { suffix: '.mobile' }, want: '\\.mobile$' },
  ])('A/B: header $match becomes the anchored pattern $want', ({ match, want }) => {
    const c = specCanary(
      { provider: 'nginx', ingressRef },
      abAnalysis([{ headers: { 'user-agent': match } }]),
    );
    expect(canaryState(c, w(100))[`${P}/canary-by-header-pattern`]).toBe(want);
  });

  it('refuses mirroring and partial A/B weights', () => {
    expect(() => canaryState(canary, { primary: 100, canary: 0, mirrored: true })).toThrow(
      UnsupportedRoutingError,
    );
    const c = specCanary({ provider: 'nginx', ingressRef }, abAnalysis([{ headers: { a: { exact: 'b' } } }]));
    expect(() => canaryState(c, w(50))).toThrow(/all or nothing, not 50 %/);
  });

  it('reads no routes from an Ingress that is not an NGINX canary', () => {
    expect(routeWeightsOf(canary, undefined)).toBeUndefined();
    expect(routeWeightsOf(canary, { [`${P}/canary-weight`]: '10' })).toBeUndefined();
    expect(
      routeWeightsOf(canary, { [`${P}/canary`]: 'true', [`${P}/canary-weight`]: 'ten' }),
    ).toBeUndefined();
  });

  it('inherits the source annotations except kubectl, Flux, the engine and canary ones', () => {
    expect(
      nonCanaryAnnotations({
        'kubernetes.io/ingress.class': 'nginx',
        [`${P}/rewrite-target`]: '/',
        [`${P}/canary-weight`]: '30',
        [`${P}/canary-by-header`]: 'x',
        'kubectl.kubernetes.io/last-applied-configuration': '{}',
        'kustomize.toolkit.fluxcd.io/reconcile': 'disabled',
        [ORIGINAL_CONFIGURATION]: '{}',
      }),
    ).toEqual({ 'kubernetes.io/ingress.class': 'nginx', [`${P}/rewrite-target`]: '/' });
  });
});

describe('planApply with router-owned annotations', () => {
  const ref: ObjectRef = {
    group: 'networking.k8s.io',
    version: 'v1',
    plural: 'ingresses',
    kind: 'Ingress',
    namespace: 'test',
    name: 'podinfo-canary',
  };
  const labels = { 'app.kubernetes.io/managed-by': 'flagger-serverless' };
  const live = {
    metadata: { name: 'podinfo-canary', namespace: 'test', labels, annotations: { a: '1' } },
    spec: { x: 1 },
  };

  it('creates with the annotations, updates when only they differ, and is idle when equal', () => {
    const created = planApply(ref, { x: 1 }, undefined, { annotations: { a: '1' } });
    expect(created.action === 'create' && created.body.metadata.annotations).toEqual({ a: '1' });
    const changed = planApply(ref, { x: 1 }, live, { annotations: { a: '2' } });
    expect(changed.action === 'update' && changed.body.metadata.annotations).toEqual({ a: '2' });
    expect(planApply(ref, { x: 1 }, live, { annotations: { a: '1' } })).toEqual({ action: 'none' });
    expect(planApply(ref, { x: 1 }, live)).toEqual({ action: 'none' });
  });

  it('keeps the original configuration of an adopted object when replacing the annotations', () => {
    const foreign = { metadata: { name: 'podinfo-canary', annotations: { old: 'y' } }, spec: { x: 0 } };
    const adopted = planApply(ref, { x: 1 }, foreign, { annotations: { a: '1' } });
    expect(adopted.action === 'update' && adopted.body.metadata.annotations).toEqual({
      a: '1',
      [ORIGINAL_CONFIGURATION]: '{"x":0}',
    });
    const again = {
      metadata: { annotations: { a: '1', [ORIGINAL_CONFIGURATION]: '{"x":0}' } },
      spec: { x: 1 },
    };
    expect(planApply(ref, { x: 1 }, again, { annotations: { a: '1' } })).toEqual({ action: 'none' });
  });
});
