/** The Linkerd, SMI, Consul and Kuma providers in spec validation: fixtures, versions, refusals. */
import { describe, expect, it } from 'vitest';
import * as acc from '../../../lib/domain/spec/accessors.js';
import { checkProvider } from '../../../lib/domain/spec/catalog.js';
import { linkerdUsesGatewayApi } from '../../../lib/domain/spec/meshes.js';
import { formatErrors, parseCanary } from '../../../lib/domain/spec/parse.js';
import { fixture } from './builders.js';
import { errorsFor, noSteps, warningsFor } from './tables.js';

function accepted(yaml: string) {
  const r = parseCanary(yaml);
  if (!r.ok) throw new Error(formatErrors(r.errors));
  return r;
}

describe('mesh fixtures', () => {
  // `clusterDefault`: the provider of the cluster the Canary is registered on; the manifests from
  // Linkerd's own docs name none, as the Flagger they install has a meshProvider.
  it.each([
    { name: 'podinfo-linkerd.yaml', provider: 'linkerd', strategy: 'canary', gatewayApi: false },
    { name: 'podinfo-linkerd-gatewayapi.yaml', provider: 'istio', strategy: 'canary', gatewayApi: true },
    // Accepted; the one field this project does not implement is named in a warning.
    {
      name: 'podinfo-linkerd-example.yaml',
      provider: 'linkerd',
      strategy: 'canary',
      gatewayApi: false,
      warnings: [expect.stringMatching(/^spec\.service\.portDiscovery: not supported/)],
    },
    { name: 'podinfo-linkerd-steps.yaml', provider: 'linkerd', strategy: 'canary', gatewayApi: false },
    {
      name: 'podinfo-linkerd-docs.yaml',
      clusterDefault: 'linkerd',
      provider: 'linkerd',
      strategy: 'canary',
      gatewayApi: false,
    },
    {
      name: 'podinfo-linkerd-docs-gatewayapi.yaml',
      clusterDefault: 'gatewayapi',
      provider: 'gatewayapi',
      strategy: 'canary',
      gatewayApi: true,
    },
    {
      name: 'podinfo-linkerd-docs-gatewayapi.yaml',
      clusterDefault: 'linkerd',
      provider: 'linkerd',
      strategy: 'canary',
      gatewayApi: true,
    },
    { name: 'podinfo-smi.yaml', provider: 'smi', strategy: 'blue-green', gatewayApi: false },
    { name: 'podinfo-consul.yaml', provider: 'consul', strategy: 'canary', gatewayApi: false },
    { name: 'podinfo-consul-abtest.yaml', provider: 'consul', strategy: 'ab-testing', gatewayApi: false },
    { name: 'podinfo-consul-bluegreen.yaml', provider: 'consul', strategy: 'blue-green', gatewayApi: false },
  ] as {
    name: string;
    clusterDefault?: acc.Provider;
    provider: string;
    strategy: string;
    gatewayApi: boolean;
    warnings?: unknown[];
  }[])(
    '$name is accepted as-is as $strategy on $provider',
    ({ name, clusterDefault = 'istio', provider, strategy, gatewayApi, warnings: want = [] }) => {
      const { canary, warnings } = accepted(fixture(name));
      expect(warnings).toEqual(want);
      const p = acc.provider(canary, clusterDefault);
      expect({ p, strategy: acc.strategy(canary, p), gatewayApi: linkerdUsesGatewayApi(canary) }).toEqual({
        p: provider,
        strategy,
        gatewayApi,
      });
    },
  );

  it("the Flagger Kuma guide is accepted without warnings, the Services' protocol annotations kept", () => {
    const { canary, warnings } = accepted(fixture('podinfo-kuma.yaml'));
    expect(acc.provider(canary, 'istio')).toBe('kuma');
    expect(canary.metadata.annotations).toEqual({ 'kuma.io/mesh': 'default' });
    expect(warnings).toEqual([]);
    for (const role of ['apex', 'canary', 'primary'] as const) {
      expect(canary.spec.service[role]?.annotations).toEqual({ '9898.service.kuma.io/protocol': 'http' });
    }
  });

  it('smi:v1alpha3:linkerd names its TrafficSplit version', () => {
    const { canary } = accepted(fixture('podinfo-smi.yaml'));
    expect(acc.providerVersion(canary)).toBe('v1alpha3');
  });

  it('the Linkerd Gateway API guide runs on provider linkerd too', () => {
    const yaml = fixture('podinfo-linkerd-gatewayapi.yaml').replace(
      'spec:\n',
      'spec:\n  provider: linkerd\n',
    );
    const { canary, warnings } = accepted(yaml);
    expect(warnings).toEqual([]);
    expect([acc.provider(canary, 'istio'), linkerdUsesGatewayApi(canary)]).toEqual(['linkerd', true]);
  });
});

describe('provider strings', () => {
  it.each([
    { raw: 'linkerd', want: { ok: true, family: 'linkerd', version: undefined } },
    { raw: 'consul', want: { ok: true, family: 'consul' } },
    { raw: 'kuma', want: { ok: true, family: 'kuma' } },
    { raw: 'smi:v1alpha1', want: { ok: true, family: 'smi', version: 'v1alpha1' } },
    { raw: 'smi:v1alpha4', want: { ok: true, family: 'smi', version: 'v1alpha4' } },
    { raw: 'smi:v1alpha2:linkerd', want: { ok: true, family: 'smi', version: 'v1alpha2' } },
    {
      raw: 'smi',
      want: {
        ok: false,
        message: 'provider "smi" needs a version: smi:v1alpha1, smi:v1alpha2, smi:v1alpha3, smi:v1alpha4',
      },
    },
    {
      raw: 'smi:v1alpha5',
      want: {
        ok: false,
        message: expect.stringMatching(
          /^unsupported provider version "smi:v1alpha5": smi versions: v1alpha1, v1alpha2, v1alpha3, v1alpha4;/,
        ),
      },
    },
    { raw: 'smi:v1alpha3:linkerd:x', want: { ok: false } },
    {
      raw: 'linkerd:v1alpha2',
      want: { ok: false, message: expect.stringMatching(/linkerd takes no version suffix/) },
    },
    {
      raw: 'osm',
      want: {
        ok: false,
        message: expect.stringMatching(/^provider "osm" is not supported by Flagger Serverless yet/),
      },
    },
  ])('$raw', ({ raw, want }) => {
    expect(checkProvider(raw)).toMatchObject(want);
  });
});

const ab = {
  ...noSteps,
  'spec.analysis.iterations': 5,
  'spec.analysis.match': [{ headers: { 'x-canary': { exact: 'insider' } } }],
};

describe('what each mesh cannot route', () => {
  it.each([
    {
      name: 'A/B on linkerd without gatewayRefs',
      edits: { 'spec.provider': 'linkerd', ...ab },
      path: 'spec.analysis.match',
      message:
        'provider "linkerd" routes with an SMI TrafficSplit, which splits by weight only and cannot match requests; list service.gatewayRefs to route with an HTTPRoute (Linkerd ≥ 2.14)',
    },
    {
      name: 'A/B on smi',
      edits: { 'spec.provider': 'smi:v1alpha4', ...ab },
      path: 'spec.analysis.match',
      message: /^provider "smi:v1alpha4" routes with an SMI TrafficSplit, which splits by weight only/,
    },
    {
      name: 'query parameters on kuma',
      edits: {
        'spec.provider': 'kuma',
        ...ab,
        'spec.analysis.match': [{ queryParams: { v: { exact: '2' } } }],
      },
      path: 'spec.analysis.match[0].queryParams',
      message: 'provider "kuma" routes A/B tests with a Kuma TrafficRoute, which cannot match on queryParams',
    },
    {
      name: 'source labels on consul',
      edits: { 'spec.provider': 'consul', ...ab, 'spec.analysis.match': [{ sourceLabels: { app: 'web' } }] },
      path: 'spec.analysis.match[0].sourceLabels',
      message: /Consul ServiceRouter, which cannot match on sourceLabels$/,
    },
    {
      name: 'a regex method on consul',
      edits: { 'spec.provider': 'consul', ...ab, 'spec.analysis.match': [{ method: { regex: 'GET|HEAD' } }] },
      path: 'spec.analysis.match[0].method.regex',
      message: /which matches method by exact only$/,
    },
    {
      name: 'a suffix path on linkerd through an HTTPRoute',
      edits: {
        'spec.provider': 'linkerd',
        'spec.service.gatewayRefs': [{ name: 'podinfo', kind: 'Service', group: 'core' }],
        ...ab,
        'spec.analysis.match': [{ uri: { suffix: '.js' } }],
      },
      path: 'spec.analysis.match[0].uri.suffix',
      message: /HTTPRoute, which matches uri by exact, prefix, regex only$/,
    },
    {
      name: 'an A/B service.match field on kuma',
      edits: { 'spec.provider': 'kuma', ...ab, 'spec.service.match': [{ port: 8080 }] },
      path: 'spec.service.match[0].port',
      message: /cannot match on port$/,
    },
    {
      name: 'mirroring on consul',
      edits: { 'spec.provider': 'consul', 'spec.analysis.mirror': true },
      path: 'spec.analysis.mirror',
      message: /^traffic mirroring requires provider istio or gatewayapi, got provider "consul"$/,
    },
  ])('$name → $path', ({ edits, path, message }) => {
    const errs = errorsFor(edits);
    const found = errs.find((e) => e.path === path);
    expect(found, formatErrors(errs)).toBeDefined();
    expect(found?.message).toMatch(message);
  });

  it.each([
    {
      provider: 'consul',
      ok: [{ uri: { suffix: '.js' } }, { queryParams: { v: { prefix: '2' } } }, { method: { exact: 'GET' } }],
    },
    { provider: 'kuma', ok: [{ uri: { regex: '/api/.*' } }, { headers: { cookie: { suffix: 'x' } } }] },
  ])('$provider accepts the matches it writes as regexes', ({ provider, ok }) => {
    expect(warningsFor({ 'spec.provider': provider, ...ab, 'spec.analysis.match': ok })).toEqual([]);
  });

  it.each([
    { provider: 'consul', via: 'a Consul ServiceRouter' },
    { provider: 'kuma', via: 'a Kuma TrafficRoute' },
  ])('service.match outside A/B is ignored with $provider, and said so', ({ provider, via }) => {
    expect(
      warningsFor({ 'spec.provider': provider, 'spec.service.match': [{ uri: { prefix: '/' } }] }),
    ).toEqual([
      `spec.service.match: ignored outside A/B testing: with ${via}, requests that match nothing still reach the service's default split`,
    ]);
  });

  it('service.match is ignored by a TrafficSplit', () => {
    expect(
      warningsFor({ 'spec.provider': 'linkerd', 'spec.service.match': [{ uri: { prefix: '/' } }] }),
    ).toEqual([
      'spec.service.match: ignored: provider "linkerd" splits every request of the service with a TrafficSplit',
    ]);
  });
});
