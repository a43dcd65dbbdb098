import { describe, expect, it } from 'vitest';
import { httpRouteSpec, routeWeightsOf } from '../../../lib/adapters/routers/gatewayapi/http-route.js';
import { toGatewayMatch } from '../../../lib/adapters/routers/gatewayapi/matches.js';
import { UnsupportedRoutingError } from '../../../lib/adapters/routers/engine/errors.js';
import { abCanary, mirrorCanary, routedCanary } from './fixtures.js';

const start = { primary: 100, canary: 0, mirrored: false };
const gatewayRefs = [{ name: 'public', namespace: 'gateways', sectionName: 'https' }];
const parent = {
  group: 'gateway.networking.k8s.io',
  kind: 'Gateway',
  name: 'public',
  namespace: 'gateways',
  sectionName: 'https',
};
const primary = (weight?: number) => ({
  group: '',
  kind: 'Service',
  name: 'podinfo-primary',
  port: 9898,
  weight,
});
const canary = (weight?: number) => ({
  group: '',
  kind: 'Service',
  name: 'podinfo-canary',
  port: 9898,
  weight,
});
const all = { path: { type: 'PathPrefix', value: '/' } };

describe('Gateway API HTTPRoute builder', () => {
  it('builds the plain canary route with filters and timeouts', () => {
    const c = routedCanary({
      gatewayRefs,
      hosts: ['app.example.com'],
      match: [{ uri: { prefix: '/api' } }],
      rewrite: { uri: '/' },
      timeout: '30s',
      headers: {
        request: { set: { 'x-env': 'prod' }, remove: ['x-debug'] },
        response: { add: { 'x-served-by': 'podinfo' } },
      },
    });
    expect(httpRouteSpec(c, { primary: 80, canary: 20, mirrored: false })).toEqual({
      parentRefs: [parent],
      hostnames: ['app.example.com'],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
          filters: [
            {
              type: 'RequestHeaderModifier',
              requestHeaderModifier: { set: [{ name: 'x-env', value: 'prod' }], remove: ['x-debug'] },
            },
            {
              type: 'ResponseHeaderModifier',
              responseHeaderModifier: { add: [{ name: 'x-served-by', value: 'podinfo' }] },
            },
            {
              type: 'URLRewrite',
              urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } },
            },
          ],
          timeouts: { request: '30s' },
          backendRefs: [primary(80), canary(20)],
        },
      ],
    });
  });

  it('attaches to the apex Service (GAMMA) when no gatewayRefs are given', () => {
    expect(httpRouteSpec(routedCanary(), start)).toEqual({
      parentRefs: [{ group: '', kind: 'Service', name: 'podinfo', port: 9898 }],
      rules: [{ matches: [all], backendRefs: [primary(100), canary(0)] }],
    });
  });

  it('builds A/B: header and Cookie regex rule with the weights, then 100 % primary', () => {
    expect(httpRouteSpec(abCanary({ gatewayRefs }), { primary: 0, canary: 100, mirrored: false })).toEqual({
      parentRefs: [parent],
      rules: [
        {
          matches: [
            { path: all.path, headers: [{ type: 'Exact', name: 'x-canary', value: 'insider' }] },
            {
              path: all.path,
              headers: [
                { type: 'RegularExpression', name: 'Cookie', value: '^(.*?;)?(type=insider)(;.*)?$' },
              ],
            },
          ],
          backendRefs: [primary(0), canary(100)],
        },
        { matches: [all], backendRefs: [primary(100)] },
      ],
    });
  });

  it('adds a RequestMirror filter with percent when mirrored', () => {
    expect(httpRouteSpec(mirrorCanary({ gatewayRefs }), { ...start, mirrored: true }).rules).toEqual([
      {
        matches: [all],
        filters: [{ type: 'RequestMirror', requestMirror: { backendRef: canary(), percent: 40 } }],
        backendRefs: [primary(100), canary(0)],
      },
    ]);
  });

  it('omits percent when mirroring all traffic', () => {
    const rules = httpRouteSpec(routedCanary({}, { mirror: true }), { ...start, mirrored: true }).rules;
    expect(rules[0].filters).toEqual([{ type: 'RequestMirror', requestMirror: { backendRef: canary() } }]);
  });

  it('rewrites the full path when a match is not a prefix', () => {
    const c = routedCanary({
      match: [{ uri: { exact: '/login' } }],
      rewrite: { uri: '/auth', authority: 'auth.local' },
    });
    expect(httpRouteSpec(c, start).rules[0].filters).toEqual([
      {
        type: 'URLRewrite',
        urlRewrite: { hostname: 'auth.local', path: { type: 'ReplaceFullPath', replaceFullPath: '/auth' } },
      },
    ]);
  });
});

describe('Gateway API matches', () => {
  it('translates method, query params and prefix headers', () => {
    expect(
      toGatewayMatch(
        {
          method: { exact: 'get' },
          queryParams: { v: { exact: '2' } },
          headers: { 'x-id': { prefix: 'a.b' } },
        },
        'm',
      ),
    ).toEqual({
      path: all.path,
      method: 'GET',
      queryParams: [{ type: 'Exact', name: 'v', value: '2' }],
      headers: [{ type: 'RegularExpression', name: 'x-id', value: '^a\\.b.*' }],
    });
  });

  it.each([
    { name: 'a URI suffix', m: { uri: { suffix: '.js' } } },
    { name: 'sourceLabels', m: { sourceLabels: { app: 'x' } } },
    { name: 'a regex method', m: { method: { regex: 'GET|POST' } } },
  ])('rejects $name', ({ m }) => {
    expect(() => toGatewayMatch(m, 'spec.service.match[0]')).toThrow(UnsupportedRoutingError);
  });
});

describe('Gateway API routeWeightsOf', () => {
  it.each([
    { name: 'plain', c: routedCanary(), w: { primary: 60, canary: 40, mirrored: false } },
    { name: 'A/B', c: abCanary(), w: { primary: 0, canary: 100, mirrored: false } },
    { name: 'mirror', c: mirrorCanary(), w: { primary: 100, canary: 0, mirrored: true } },
  ])('round-trips the $name spec', ({ c, w }) => {
    expect(routeWeightsOf(c, httpRouteSpec(c, w))).toEqual(w);
  });

  it('treats an omitted weight as 1 and no canary backend as no routes', () => {
    const c = routedCanary();
    expect(routeWeightsOf(c, { rules: [{ backendRefs: [{ name: 'podinfo-canary' }] }] })).toEqual({
      primary: 0,
      canary: 1,
      mirrored: false,
    });
    expect(routeWeightsOf(c, { rules: [{ backendRefs: [{ name: 'podinfo' }] }] })).toBeUndefined();
  });
});
