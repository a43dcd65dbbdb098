/**
 * The mesh objects the builders write use only fields their APIs document: every key path of a
 * built spec (array items as `[]`, user-named map keys as `*`) must be one of the fields listed
 * here from the SMI TrafficSplit spec (v1alpha1–v1alpha4), consul-k8s's config entry CRDs
 * (consul.hashicorp.com/v1alpha1: ServiceDefaults, ServiceResolver, ServiceSplitter,
 * ServiceRouter), Kuma's TrafficRoute (kuma.io/v1alpha1), Traefik's TraefikService
 * (traefik.io/v1alpha1) and Contour's HTTPProxy (projectcontour.io/v1). A misspelt field (`serviceSubSet`, `onlypassing`) would be silently dropped by
 * the API server's pruning; here it fails. Built from the richest canaries the routers accept.
 */
import { describe, expect, it } from 'vitest';
import {
  serviceDefaultsSpec,
  serviceResolverSpec,
  serviceRouterSpec,
  serviceSplitterSpec,
} from '../../../lib/adapters/routers/consul/config-entries.js';
import { httpProxySpec } from '../../../lib/adapters/routers/contour/http-proxy.js';
import { trafficRouteSpec } from '../../../lib/adapters/routers/kuma/traffic-route.js';
import { smiVersions, trafficSplitSpec } from '../../../lib/adapters/routers/smi/traffic-split.js';
import { traefikServiceSpec } from '../../../lib/adapters/routers/traefik/traefik-service.js';
import type { ServiceSpec } from '../../../lib/domain/spec/schema.js';
import { abCanary, routedCanary } from './fixtures.js';

/** `keys` under `at`: `under('splits[]', ['weight'])` is `['splits[].weight']`. */
const under = (at: string, keys: readonly string[]) => keys.map((k) => `${at}.${k}`);

/** Consul's `HTTPHeaderModifiers`: header names are the user's. */
const headers = (at: string) => under(at, ['add.*', 'set.*', 'remove[]']);

/** SMI's TrafficSplit spec: the root service and weighted backends (matches are v1alpha3+). */
const TRAFFIC_SPLIT = ['service', ...under('backends[]', ['service', 'weight'])];

const SERVICE_DEFAULTS = ['protocol', 'mode', 'meshGateway.mode', 'expose.checks', 'externalSNI'];

const SERVICE_RESOLVER = [
  ...['defaultSubset', 'connectTimeout', 'requestTimeout'],
  ...under('subsets.*', ['filter', 'onlyPassing']),
];

const SERVICE_SPLITTER = [
  ...under('splits[]', ['weight', 'service', 'serviceSubset', 'namespace']),
  ...headers('splits[].requestHeaders'),
  ...headers('splits[].responseHeaders'),
];

const VALUE_MATCH = ['name', 'present', 'exact', 'prefix', 'suffix', 'regex', 'invert'];
const DESTINATION = ['service', 'serviceSubset', 'prefixRewrite', 'requestTimeout', 'numRetries'];
const SERVICE_ROUTER = [
  ...under('routes[].match.http', ['pathExact', 'pathPrefix', 'pathRegex', 'methods[]']),
  ...under('routes[].match.http.header[]', VALUE_MATCH),
  ...under('routes[].match.http.queryParam[]', VALUE_MATCH),
  ...under('routes[].destination', [...DESTINATION, 'retryOnConnectFailure', 'retryOnStatusCodes[]']),
  ...headers('routes[].destination.requestHeaders'),
  ...headers('routes[].destination.responseHeaders'),
];

/** Kuma's TrafficRoute: tag selectors (`kuma.io/service`), the split, and L7 rules (`conf.http`). */
const KUMA_MATCH = ['exact', 'prefix', 'regex'];
const KUMA_SPLIT = (at: string) => under(at, ['weight', 'destination.kuma.io/service']);
const TRAFFIC_ROUTE = [
  'sources[].match.kuma.io/service',
  'destinations[].match.kuma.io/service',
  ...KUMA_SPLIT('conf.split[]'),
  ...under('conf.http[].match.path', KUMA_MATCH),
  ...under('conf.http[].match.method', KUMA_MATCH),
  ...under('conf.http[].match.headers.*', KUMA_MATCH),
  ...KUMA_SPLIT('conf.http[].split[]'),
];

/** Traefik's weighted TraefikService. */
const TRAEFIK_SERVICE = under('weighted.services[]', ['name', 'namespace', 'port', 'weight', 'kind']);

/** Contour's HTTPProxy: routes with conditions, services, timeout and retry policies. */
const HTTP_PROXY = [
  'ingressClassName',
  'routes[].conditions[].prefix',
  ...under('routes[].conditions[].header', [
    'name',
    'present',
    'contains',
    'notcontains',
    'exact',
    'notexact',
    'regex',
  ]),
  ...under('routes[].conditions[].queryParameter', [
    'name',
    'exact',
    'prefix',
    'suffix',
    'regex',
    'contains',
    'present',
  ]),
  ...under('routes[].services[]', ['name', 'port', 'weight', 'protocol', 'mirror']),
  ...under('routes[].services[].requestHeadersPolicy.set[]', ['name', 'value']),
  ...under('routes[].timeoutPolicy', ['response', 'idle', 'idleConnection']),
  ...under('routes[].retryPolicy', ['count', 'perTryTimeout', 'retryOn[]', 'retriableStatusCodes[]']),
];

/** Map keys the user names (subset names, header names) under these parents become `*`. */
const USER_KEYS = new Set(['subsets', 'add', 'set', 'headers']);

/** Every leaf's key path: `splits[].requestHeaders.set.*`. */
function keyPaths(value: unknown, at = '', parent = ''): string[] {
  // List items are objects of their own (Contour's `set[]` holds `{name, value}`), not user keys.
  if (Array.isArray(value)) return value.flatMap((v) => keyPaths(v, `${at}[]`));
  if (value === null || typeof value !== 'object') return [at];
  return Object.entries(value).flatMap(([k, v]) => {
    const key = USER_KEYS.has(parent) ? '*' : k;
    return keyPaths(v, at ? `${at}.${key}` : key, k);
  });
}

const w = (primary: number, canary: number) => ({ primary, canary, mirrored: false });

const rich: Partial<ServiceSpec> = {
  timeout: '30s',
  headers: {
    request: { set: { 'x-env': 'prod' }, add: { 'x-from': 'mesh' }, remove: ['x-debug'] },
    response: { add: { 'x-served-by': 'podinfo' }, set: { 'x-v': '1' }, remove: ['server'] },
  },
};

/** An A/B canary matching on everything Consul's ServiceRouter can match. */
const abEverything = () => {
  const c = abCanary(rich);
  c.spec.analysis!.match = [
    {
      uri: { prefix: '/api' },
      method: { exact: 'GET' },
      headers: { 'x-canary': { exact: 'insider' }, 'x-user': { suffix: '@example.com' } },
      queryParams: { beta: { regex: 'on|yes' } },
    },
    { uri: { exact: '/login' }, headers: { cookie: { regex: '^(.*?;)?(type=insider)(;.*)?$' } } },
    { uri: { regex: '/v[0-9]+/.*' } },
  ];
  return c;
};

function expectDocumented(spec: unknown, documented: readonly string[]): void {
  const paths = keyPaths(spec);
  expect(paths.length).toBeGreaterThan(0);
  expect(paths.filter((p) => !documented.includes(p))).toEqual([]);
}

describe('fields the mesh builders write are documented fields', () => {
  it.each(smiVersions)('SMI TrafficSplit %s', (version) => {
    expectDocumented(
      trafficSplitSpec(routedCanary({ hosts: ['podinfo.test'] }), w(90, 10), version),
      TRAFFIC_SPLIT,
    );
  });

  it('Consul ServiceDefaults', () => {
    expectDocumented(serviceDefaultsSpec(), SERVICE_DEFAULTS);
  });

  it('Consul ServiceResolver, with a request timeout', () => {
    expectDocumented(serviceResolverSpec(routedCanary(rich)), SERVICE_RESOLVER);
  });

  it('Consul ServiceSplitter, with header edits on both subsets', () => {
    const spec = serviceSplitterSpec(routedCanary(rich), w(60, 40));
    expectDocumented(spec, SERVICE_SPLITTER);
    expect(keyPaths(spec)).toContain('splits[].requestHeaders.set.*');
  });

  it('Consul ServiceRouter, matching on path, method, headers and query parameters', () => {
    const spec = serviceRouterSpec(abEverything(), w(0, 100));
    expectDocumented(spec, SERVICE_ROUTER);
    expect(keyPaths(spec)).toEqual(
      expect.arrayContaining([
        'routes[].match.http.pathPrefix',
        'routes[].match.http.methods[]',
        'routes[].match.http.queryParam[].regex',
        'routes[].destination.serviceSubset',
      ]),
    );
  });

  it('Kuma TrafficRoute, with an L7 rule on path, method and headers', () => {
    const c = abCanary();
    c.spec.analysis!.match = [
      { uri: { prefix: '/api' }, method: { exact: 'GET' }, headers: { 'x-canary': { exact: 'insider' } } },
    ];
    const spec = trafficRouteSpec(c, w(0, 100));
    expectDocumented(spec, TRAFFIC_ROUTE);
    expect(keyPaths(spec)).toEqual(
      expect.arrayContaining(['conf.http[].match.headers.*.exact', 'conf.http[].match.method.exact']),
    );
  });

  it('Traefik TraefikService', () => {
    expectDocumented(traefikServiceSpec(routedCanary(), w(60, 40)), TRAEFIK_SERVICE);
  });

  it('Contour HTTPProxy, with conditions, a timeout and retries', () => {
    const c = abCanary({ timeout: '15s', retries: { attempts: 3, perTryTimeout: '5s', retryOn: '5xx' } });
    c.spec.analysis!.match = [
      {
        uri: { prefix: '/api' },
        headers: { 'x-canary': { exact: 'insider' }, 'x-user': { regex: 'a.*' } },
        queryParams: { beta: { exact: 'on' } },
      },
    ];
    expectDocumented(httpProxySpec(c, w(60, 40), 'contour'), HTTP_PROXY);
  });
});
