/**
 * The ingress controllers as providers in the Canary spec: Flagger-style manifests are accepted
 * as-is, what a controller cannot route is refused with the field's path, and what stays
 * unsupported (Knative, core Service targets) is refused by name in the first answer.
 */
import { describe, expect, it } from 'vitest';
import * as acc from '../../../lib/domain/spec/accessors.js';
import { formatErrors, parseCanary } from '../../../lib/domain/spec/parse.js';
import { aManifest, edit, fixture } from './builders.js';
import { errorsFor, warningsFor } from './tables.js';

function ok(text: string) {
  const r = parseCanary(text);
  if (!r.ok) throw new Error(formatErrors(r.errors));
  return r;
}

describe('Flagger-style manifests of the ingress providers', () => {
  it.each([
    { name: 'podinfo-nginx.yaml', provider: 'nginx', strategy: 'canary' },
    { name: 'podinfo-nginx-abtest.yaml', provider: 'nginx', strategy: 'ab-testing' },
    { name: 'podinfo-contour.yaml', provider: 'contour', strategy: 'canary' },
    { name: 'podinfo-contour-abtest.yaml', provider: 'contour', strategy: 'ab-testing' },
    { name: 'podinfo-gloo.yaml', provider: 'gloo', strategy: 'canary' },
    { name: 'podinfo-traefik.yaml', provider: 'traefik', strategy: 'canary' },
    { name: 'podinfo-apisix.yaml', provider: 'apisix', strategy: 'canary' },
  ] as const)(
    '$name is accepted as-is, without warnings, as $strategy on $provider',
    ({ name, provider, strategy }) => {
      const { canary, warnings } = ok(fixture(name));
      expect(warnings).toEqual([]);
      const p = acc.provider(canary, 'istio');
      expect({ p, strategy: acc.strategy(canary, p) }).toEqual({ p: provider, strategy });
    },
  );

  it('reads ingressRef, routeRef and upstreamRef through the accessors (target name by default)', () => {
    expect(acc.ingressName(ok(fixture('podinfo-nginx.yaml')).canary)).toBe('podinfo');
    expect(acc.routeName(ok(fixture('podinfo-apisix.yaml')).canary)).toBe('podinfo');
    expect(acc.upstreamRef(ok(fixture('podinfo-gloo.yaml')).canary)).toEqual({
      name: 'podinfo-upstream',
      namespace: 'gloo-system',
    });
    const plain = ok(JSON.stringify(aManifest({ 'spec.targetRef.name': 'web' }))).canary;
    expect([acc.ingressName(plain), acc.routeName(plain), acc.upstreamRef(plain)]).toEqual([
      'web',
      'web',
      undefined,
    ]);
  });
});

describe('refused by name, first and alone', () => {
  it("Flagger's Knative canary (no spec.service) gets one error naming Knative", () => {
    const r = parseCanary(fixture('podinfo-knative.yaml'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].path).toBe('spec.provider');
    expect(r.errors[0].message).toMatch(
      /^Knative is not supported by Flagger Serverless: .*Knative Services/,
    );
  });

  it('a Knative Service target without provider knative is refused at spec.targetRef', () => {
    const doc = edit(aManifest(), {
      'spec.targetRef': { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'podinfo' },
      'spec.service': undefined,
    });
    expect(errorsFor({}, doc)).toEqual([
      { path: 'spec.targetRef', message: expect.stringMatching(/^Knative is not supported/) },
    ]);
  });

  it('a core Service target is refused at spec.targetRef.kind, before its other errors', () => {
    const doc = edit(aManifest(), {
      'spec.targetRef': { apiVersion: 'v1', kind: 'Service', name: 'podinfo' },
      'spec.service': undefined,
      'spec.analysis.stepWeight': 'ten',
    });
    const errors = errorsFor({}, doc);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path: 'spec.targetRef.kind' });
    expect(errors[0].message).toMatch(
      /^Service targets are not supported by Flagger Serverless: .*got "Service"$/,
    );
  });

  it('another unimplemented Flagger provider is refused before shape errors too', () => {
    const errors = errorsFor({ 'spec.provider': 'skipper', 'spec.service': undefined });
    expect(errors).toEqual([
      {
        path: 'spec.provider',
        message: expect.stringMatching(/^provider "skipper" is not supported by Flagger Serverless yet/),
      },
    ]);
  });
});

const nginx = { 'spec.provider': 'nginx', 'spec.ingressRef': { kind: 'Ingress', name: 'podinfo' } };
const ab = (match: unknown[]) => ({
  'spec.analysis.stepWeight': undefined,
  'spec.analysis.maxWeight': undefined,
  'spec.analysis.iterations': 5,
  'spec.analysis.match': match,
});
const header = (name: string, m: Record<string, string>) => ({ headers: { [name]: m } });

describe('what each controller cannot route is refused with the field path', () => {
  it.each([
    {
      name: 'nginx without ingressRef',
      edits: { 'spec.provider': 'nginx' },
      path: 'spec.ingressRef',
      message: /^required with provider nginx/,
    },
    {
      name: 'nginx ingressRef of another kind',
      edits: { ...nginx, 'spec.ingressRef': { kind: 'HTTPProxy', name: 'p' } },
      path: 'spec.ingressRef.kind',
      message: /^expected Ingress, got "HTTPProxy"$/,
    },
    {
      name: 'nginx: two headers in one match entry',
      edits: { ...nginx, ...ab([{ headers: { a: { exact: '1' }, b: { exact: '2' } } }]) },
      path: 'spec.analysis.match[0].headers',
      message: /one header or cookie per match entry/,
    },
    {
      name: 'nginx: a uri match',
      edits: { ...nginx, ...ab([{ uri: { prefix: '/api' }, ...header('x', { exact: '1' }) }]) },
      path: 'spec.analysis.match[0].uri',
      message: /one header or cookie only/,
    },
    {
      name: 'nginx: a cookie regex',
      edits: { ...nginx, ...ab([header('cookie', { regex: '^(.*?;)?(canary=always)(;.*)?$' })]) },
      path: 'spec.analysis.match[0].headers.cookie',
      message: /^expected exact: <cookie name>/,
    },
    {
      name: 'nginx: two different headers',
      edits: { ...nginx, ...ab([header('a', { exact: '1' }), header('b', { exact: '2' })]) },
      path: 'spec.analysis.match',
      message: /one canary-by-header and one canary-by-cookie, got 2 header/,
    },
    {
      name: 'nginx A/B with stepWeightPromotion',
      edits: {
        ...nginx,
        ...ab([header('x-canary', { exact: 'insider' })]),
        'spec.analysis.stepWeightPromotion': 20,
      },
      path: 'spec.analysis.stepWeightPromotion',
      message: /all or nothing/,
    },
    {
      name: 'contour: a method match',
      edits: { 'spec.provider': 'contour', ...ab([{ method: { exact: 'GET' } }]) },
      path: 'spec.analysis.match[0].method',
      message: /^Contour cannot match on method$/,
    },
    {
      name: 'contour: an exact uri',
      edits: { 'spec.provider': 'contour', 'spec.service.match': [{ uri: { exact: '/' } }] },
      path: 'spec.service.match[0].uri',
      message: /by prefix only/,
    },
    {
      name: 'gloo: a uri match',
      edits: { 'spec.provider': 'gloo', ...ab([{ uri: { prefix: '/' } }]) },
      path: 'spec.analysis.match[0].uri',
      message: /^Gloo .*cannot match on uri$/,
    },
    {
      name: 'gloo: upstreamRef of another kind',
      edits: { 'spec.provider': 'gloo', 'spec.upstreamRef': { kind: 'Service', name: 'p' } },
      path: 'spec.upstreamRef.kind',
      message: /^expected Upstream/,
    },
    {
      name: 'traefik A/B',
      edits: { 'spec.provider': 'traefik', ...ab([header('x-canary', { exact: 'insider' })]) },
      path: 'spec.analysis.match',
      message: /^A\/B testing is not supported with provider traefik/,
    },
    {
      name: 'apisix without routeRef',
      edits: { 'spec.provider': 'apisix' },
      path: 'spec.routeRef',
      message: /^required with provider apisix/,
    },
    {
      name: 'apisix A/B',
      edits: {
        'spec.provider': 'apisix',
        'spec.routeRef': { kind: 'ApisixRoute', name: 'podinfo' },
        ...ab([header('x-canary', { exact: 'insider' })]),
      },
      path: 'spec.analysis.match',
      message: /^A\/B testing is not supported with provider apisix/,
    },
    {
      name: 'contour blue/green on builtin metrics (the ingress sees no canary requests)',
      edits: {
        'spec.provider': 'contour',
        'spec.analysis.stepWeight': undefined,
        'spec.analysis.maxWeight': undefined,
        'spec.analysis.iterations': 5,
      },
      path: 'spec.analysis.metrics[0].name',
      message: /blue\/green sends the canary none until the switch, so every check would read no data/,
    },
    {
      name: 'alb blue/green on builtin metrics (the target group sees no canary requests)',
      edits: {
        'spec.provider': 'alb',
        'spec.ingressRef': { kind: 'Ingress', name: 'podinfo' },
        'spec.analysis.stepWeight': undefined,
        'spec.analysis.maxWeight': undefined,
        'spec.analysis.iterations': 5,
      },
      path: 'spec.analysis.metrics[0].name',
      message: /builtin "request-success-rate" reads provider alb's metrics.*every check would read no data/,
    },
    {
      name: 'mirroring on contour',
      edits: { 'spec.provider': 'contour', 'spec.analysis.mirror': true },
      path: 'spec.analysis.mirror',
      message: /requires provider istio or gatewayapi/,
    },
  ])('$name → $path', ({ edits, path, message }) => {
    const errors = errorsFor(edits);
    const found = errors.find((e) => e.path === path);
    expect(found, formatErrors(errors)).toBeDefined();
    expect(found?.message).toMatch(message);
  });

  it.each([
    {
      provider: 'nginx',
      extra: { 'spec.ingressRef': { kind: 'Ingress', name: 'podinfo' } },
      owner: 'the Ingress',
    },
    { provider: 'traefik', extra: {}, owner: 'the IngressRoute' },
    {
      provider: 'apisix',
      extra: { 'spec.routeRef': { kind: 'ApisixRoute', name: 'podinfo' } },
      owner: 'the ApisixRoute',
    },
  ])('$provider: service.match is accepted but reported as ignored', ({ provider, extra, owner }) => {
    const warnings = warningsFor({
      'spec.provider': provider,
      ...extra,
      'spec.service.match': [{ uri: { prefix: '/' } }],
    });
    expect(warnings).toContainEqual(
      expect.stringMatching(new RegExp(`^spec\\.service\\.match: ignored: ${owner}`)),
    );
  });

  it('accepts what the controllers can route: NGINX header prefix and cookie, Contour and Gloo header/query matches', () => {
    expect(
      warningsFor({
        ...nginx,
        ...ab([header('user-agent', { prefix: 'Mozilla' }), header('cookie', { exact: 'canary' })]),
      }),
    ).toEqual([]);
    const rich = [{ headers: { 'x-canary': { regex: 'in.*' } }, queryParams: { beta: { exact: 'on' } } }];
    expect(
      warningsFor({
        'spec.provider': 'contour',
        ...ab(rich),
        'spec.service.match': [{ uri: { prefix: '/api' } }],
      }),
    ).toEqual([]);
    expect(
      warningsFor({ 'spec.provider': 'gloo', ...ab([{ ...rich[0], method: { exact: 'GET' } }]) }),
    ).toEqual([]);
  });
});
