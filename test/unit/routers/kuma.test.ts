import { describe, expect, it } from 'vitest';
import { ownedElsewhere } from '../../../lib/adapters/routers/kuma/router.js';
import {
  meshOf,
  routeWeightsOf,
  toKumaMatch,
  trafficRouteSpec,
} from '../../../lib/adapters/routers/kuma/traffic-route.js';
import { UnsupportedRoutingError } from '../../../lib/adapters/routers/engine/errors.js';
import { abCanary, routedCanary } from './fixtures.js';

const w = (primary: number, canary: number) => ({ primary, canary, mirrored: false });
const tag = (service: string) => ({ 'kuma.io/service': `${service}_test_svc_9898` });

describe('Kuma TrafficRoute builder', () => {
  // Kuma's TrafficRoute (kuma.io/v1alpha1): `sources`/`destinations` select dataplanes by tags,
  // `conf.split` weighs destinations by tags; Kubernetes services are tagged
  // `<name>_<namespace>_svc_<port>`. Flagger writes the split primary first.
  it('splits the apex service between primary and canary, from every service', () => {
    expect(trafficRouteSpec(routedCanary(), w(90, 10))).toEqual({
      sources: [{ match: { 'kuma.io/service': '*' } }],
      destinations: [{ match: tag('podinfo') }],
      conf: {
        split: [
          { weight: 90, destination: tag('podinfo-primary') },
          { weight: 10, destination: tag('podinfo-canary') },
        ],
      },
    });
  });

  it('names services after the apex and the service port', () => {
    const spec = trafficRouteSpec(routedCanary({ name: 'web', port: 8080 }), w(100, 0));
    expect(spec.destinations).toEqual([{ match: { 'kuma.io/service': 'web_test_svc_8080' } }]);
    expect(spec.conf.split.map((s) => s.destination['kuma.io/service'])).toEqual([
      'web-primary_test_svc_8080',
      'web-canary_test_svc_8080',
    ]);
  });

  it('A/B: one L7 rule per match carrying the weights, the default split on the primary', () => {
    const spec = trafficRouteSpec(abCanary({ match: [{ uri: { prefix: '/api' } }] }), w(0, 100));
    const weighted = [
      { weight: 0, destination: tag('podinfo-primary') },
      { weight: 100, destination: tag('podinfo-canary') },
    ];
    expect(spec.conf).toEqual({
      http: [
        {
          match: { path: { prefix: '/api' }, headers: { 'x-canary': { exact: 'insider' } } },
          split: weighted,
        },
        {
          match: {
            path: { prefix: '/api' },
            headers: { cookie: { regex: '^(.*?;)?(type=insider)(;.*)?$' } },
          },
          split: weighted,
        },
      ],
      split: [
        { weight: 100, destination: tag('podinfo-primary') },
        { weight: 0, destination: tag('podinfo-canary') },
      ],
    });
    expect(routeWeightsOf(abCanary(), spec)).toEqual(w(0, 100));
  });

  it('refuses mirroring', () => {
    expect(() => trafficRouteSpec(routedCanary(), { primary: 100, canary: 0, mirrored: true })).toThrow(
      UnsupportedRoutingError,
    );
  });

  it('takes the mesh from the kuma.io/mesh annotation, default "default"', () => {
    const c = routedCanary();
    expect(meshOf(c)).toBe('default');
    expect(meshOf({ ...c, metadata: { ...c.metadata, annotations: { 'kuma.io/mesh': 'prod' } } })).toBe(
      'prod',
    );
  });
});

describe('Kuma weights read back', () => {
  it.each([
    { name: 'ours', spec: trafficRouteSpec(routedCanary(), w(75, 25)), want: w(75, 25) },
    {
      name: 'a route that names no canary',
      spec: { conf: { split: [{ weight: 100, destination: tag('podinfo') }] } },
      want: undefined,
    },
    {
      name: 'a destination instead of a split',
      spec: { conf: { destination: tag('podinfo') } },
      want: undefined,
    },
    {
      name: 'both zero',
      spec: {
        conf: {
          split: [
            { weight: 0, destination: tag('podinfo-primary') },
            { weight: 0, destination: tag('podinfo-canary') },
          ],
        },
      },
      want: undefined,
    },
  ])('$name', ({ spec, want }) => {
    expect(routeWeightsOf(routedCanary(), spec)).toEqual(want);
  });
});

describe('Kuma matches', () => {
  it.each([
    { m: { uri: { exact: '/a' } }, want: { path: { exact: '/a' } } },
    { m: { uri: { suffix: '.js' } }, want: { path: { regex: '^.*\\.js$' } } },
    { m: { headers: { a: { suffix: 'x' } } }, want: { headers: { a: { regex: '^.*x$' } } } },
    { m: { method: { exact: 'get' } }, want: { method: { exact: 'GET' } } },
  ])('$m', ({ m, want }) => {
    expect(toKumaMatch(m, 'spec.analysis.match[0]')).toMatchObject(want);
  });

  it('refuses query parameters', () => {
    expect(() => toKumaMatch({ queryParams: { a: { exact: '1' } } }, 'spec.analysis.match[0]')).toThrow(
      /Kuma cannot match on queryParams/,
    );
  });
});

describe('a TrafficRoute of another namespace', () => {
  const live = (labels: Record<string, string>) => ({ metadata: { name: 'podinfo', labels } });
  const ours = {
    'app.kubernetes.io/managed-by': 'flagger-serverless',
    'flagger-serverless.io/canary': 'podinfo',
  };
  it.each([
    { name: 'absent', obj: undefined, want: undefined },
    { name: 'foreign', obj: live({}), want: undefined },
    {
      name: 'ours, this namespace',
      obj: live({ ...ours, 'flagger-serverless.io/namespace': 'test' }),
      want: undefined,
    },
    {
      name: 'ours, another namespace',
      obj: live({ ...ours, 'flagger-serverless.io/namespace': 'prod' }),
      want: 'prod/podinfo',
    },
  ])('$name', ({ obj, want }) => {
    expect(ownedElsewhere(routedCanary(), obj)).toBe(want);
  });
});
