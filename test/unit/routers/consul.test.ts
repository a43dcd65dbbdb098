import { describe, expect, it } from 'vitest';
import {
  resolverPreserved,
  routerWeightsOf,
  serviceResolverSpec,
  serviceRouterSpec,
  serviceSplitterSpec,
  splitterWeightsOf,
  subsetFilter,
} from '../../../lib/adapters/routers/consul/config-entries.js';
import { toConsulMatch } from '../../../lib/adapters/routers/consul/matches.js';
import { foreignDefaultsProblem } from '../../../lib/adapters/routers/consul/router.js';
import { UnsupportedRoutingError } from '../../../lib/adapters/routers/engine/errors.js';
import { abCanary, routedCanary } from './fixtures.js';

const w = (primary: number, canary: number) => ({ primary, canary, mirrored: false });

describe('Consul ServiceResolver', () => {
  // Consul's docs: subsets are named filters over the service's instances (`filter`, with the
  // health API's selectors such as Service.ID), `onlyPassing` keeps healthy instances only, and
  // `defaultSubset` serves requests that ask for no subset.
  it('defines the primary and canary subsets by pod name, the primary by default', () => {
    expect(serviceResolverSpec(routedCanary())).toEqual({
      defaultSubset: 'primary',
      subsets: {
        primary: {
          filter: 'Service.ID matches "^podinfo-primary-[a-z0-9]+-[a-z0-9]+-podinfo$"',
          onlyPassing: true,
        },
        canary: { filter: 'Service.ID matches "^podinfo-[a-z0-9]+-[a-z0-9]+-podinfo$"', onlyPassing: true },
      },
    });
  });

  it('keeps the canary filter from matching primary instances', () => {
    const re = (f: string) => new RegExp(/"(.*)"/.exec(f)![1]);
    const canary = re(subsetFilter(routedCanary(), 'canary'));
    const primary = re(subsetFilter(routedCanary(), 'primary'));
    expect(canary.test('podinfo-7d9f8c6b5-x2k4q-podinfo')).toBe(true);
    expect(canary.test('podinfo-primary-7d9f8c6b5-x2k4q-podinfo')).toBe(false);
    expect(primary.test('podinfo-primary-7d9f8c6b5-x2k4q-podinfo')).toBe(true);
    expect(primary.test('podinfo-7d9f8c6b5-x2k4q-podinfo')).toBe(false);
  });

  it('names the target Deployments and the apex service, dots as literals', () => {
    const c = routedCanary({ name: 'web.api' });
    expect(subsetFilter(c, 'primary')).toBe(
      'Service.ID matches "^podinfo-primary-[a-z0-9]+-[a-z0-9]+-web[.]api$"',
    );
  });

  it("writes service.timeout as requestTimeout, and otherwise keeps the user's", () => {
    expect(serviceResolverSpec(routedCanary({ timeout: '15s' })).requestTimeout).toBe('15s');
    expect(resolverPreserved(routedCanary())).toContain('requestTimeout');
    expect(resolverPreserved(routedCanary({ timeout: '15s' }))).not.toContain('requestTimeout');
  });
});

describe('Consul ServiceSplitter', () => {
  it('splits between the subsets, primary first, with the header edits on both', () => {
    const c = routedCanary({
      headers: { request: { set: { 'x-env': 'prod' } }, response: { remove: ['x-debug'] } },
    });
    const edits = { requestHeaders: { set: { 'x-env': 'prod' } }, responseHeaders: { remove: ['x-debug'] } };
    expect(serviceSplitterSpec(c, w(80, 20))).toEqual({
      splits: [
        { weight: 80, serviceSubset: 'primary', ...edits },
        { weight: 20, serviceSubset: 'canary', ...edits },
      ],
    });
  });

  it('keeps a zero weight (Consul wants the splits to sum to 100)', () => {
    expect(serviceSplitterSpec(routedCanary(), w(100, 0)).splits.map((s) => s.weight)).toEqual([100, 0]);
  });

  it('stays at 100 % primary during an A/B test and refuses mirroring', () => {
    expect(serviceSplitterSpec(abCanary(), w(0, 100)).splits.map((s) => s.weight)).toEqual([100, 0]);
    expect(() => serviceSplitterSpec(routedCanary(), { primary: 100, canary: 0, mirrored: true })).toThrow(
      UnsupportedRoutingError,
    );
  });

  it.each([
    { name: 'ours', spec: serviceSplitterSpec(routedCanary(), w(70, 30)), want: w(70, 30) },
    { name: 'no subsets of ours', spec: { splits: [{ weight: 100, serviceSubset: 'v1' }] }, want: undefined },
    {
      name: 'both zero',
      spec: {
        splits: [
          { weight: 0, serviceSubset: 'primary' },
          { weight: 0, serviceSubset: 'canary' },
        ],
      },
      want: undefined,
    },
    {
      name: 'an omitted weight',
      spec: { splits: [{ serviceSubset: 'canary' }, { weight: 100, serviceSubset: 'primary' }] },
      want: w(100, 0),
    },
  ])('reads the split back: $name', ({ spec, want }) => {
    expect(splitterWeightsOf(routedCanary(), spec)).toEqual(want);
  });
});

describe('Consul ServiceRouter (A/B)', () => {
  it('routes each match to the subset of the test, header cookies as regexes', () => {
    const c = abCanary({ timeout: '5s' });
    expect(serviceRouterSpec(c, w(0, 100))).toEqual({
      routes: [
        {
          match: { http: { header: [{ name: 'x-canary', exact: 'insider' }] } },
          destination: { serviceSubset: 'canary', requestTimeout: '5s' },
        },
        {
          match: { http: { header: [{ name: 'cookie', regex: '^(.*?;)?(type=insider)(;.*)?$' }] } },
          destination: { serviceSubset: 'canary', requestTimeout: '5s' },
        },
      ],
    });
    expect(serviceRouterSpec(c, w(100, 0)).routes.map((r) => r.destination.serviceSubset)).toEqual([
      'primary',
      'primary',
    ]);
  });

  it('refuses weights a single destination cannot carry', () => {
    expect(() => serviceRouterSpec(abCanary(), w(50, 50))).toThrow(/0\/100 or 100\/0 only/);
  });

  it.each([
    { subset: 'canary', want: w(0, 100) },
    { subset: 'primary', want: w(100, 0) },
    { subset: 'v2', want: undefined },
  ])('reads $subset back', ({ subset, want }) => {
    expect(routerWeightsOf(abCanary(), { routes: [{ destination: { serviceSubset: subset } }] })).toEqual(
      want,
    );
  });
});

describe('Consul matches', () => {
  it.each([
    { name: 'exact path', m: { uri: { exact: '/api' } }, want: { pathExact: '/api' } },
    { name: 'prefix path', m: { uri: { prefix: '/api' } }, want: { pathPrefix: '/api' } },
    { name: 'suffix path as a regex', m: { uri: { suffix: '.js' } }, want: { pathRegex: '^.*\\.js$' } },
    {
      name: 'headers of every kind',
      m: { headers: { a: { exact: '1' }, b: { prefix: 'x' }, c: { suffix: 'y' }, d: { regex: 'z+' } } },
      want: {
        header: [
          { name: 'a', exact: '1' },
          { name: 'b', prefix: 'x' },
          { name: 'c', suffix: 'y' },
          { name: 'd', regex: 'z+' },
        ],
      },
    },
    {
      name: 'query parameters, prefix as a regex',
      m: { queryParams: { user: { exact: 'me' }, v: { prefix: '2.' } } },
      want: {
        queryParam: [
          { name: 'user', exact: 'me' },
          { name: 'v', regex: '^2\\..*' },
        ],
      },
    },
    { name: 'method', m: { method: { exact: 'post' } }, want: { methods: ['POST'] } },
  ])('$name', ({ m, want }) => {
    expect(toConsulMatch(m, 'spec.analysis.match[0]')).toMatchObject(want);
  });

  it.each([
    {
      m: { sourceLabels: { app: 'x' } },
      error: /spec.analysis.match\[0\]: Consul cannot match on sourceLabels/,
    },
    { m: { method: { prefix: 'P' } }, error: /method must be an exact match/ },
    { m: { headers: { a: {} } }, error: /headers.a: empty string match/ },
  ])('refuses $m', ({ m, error }) => {
    expect(() => toConsulMatch(m, 'spec.analysis.match[0]')).toThrow(error);
  });
});

describe('a ServiceDefaults we did not create', () => {
  const ref = {
    group: 'consul.hashicorp.com',
    version: 'v1alpha1',
    plural: 'servicedefaults',
    kind: 'ServiceDefaults',
    namespace: 'test',
    name: 'podinfo',
  };
  it.each([
    { spec: { protocol: 'http' }, want: undefined },
    { spec: { protocol: 'grpc' }, want: undefined },
    { spec: { mutualTLSMode: 'strict' }, want: undefined },
    {
      spec: { protocol: 'tcp' },
      want: 'ServiceDefaults test/podinfo sets protocol "tcp"; splitting a canary needs http, http2, grpc',
    },
  ])('$spec → $want', ({ spec, want }) => {
    expect(foreignDefaultsProblem(ref, { metadata: { name: 'podinfo' }, spec })).toBe(want);
  });
});
