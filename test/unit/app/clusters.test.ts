import { describe, expect, it } from 'vitest';
import { parseClusterRegistration } from '../../../lib/app/clusters.js';
import { ValidationError } from '../../../lib/app/errors.js';

const prefixes = { secrets: 'flagger-serverless/prod/', parameters: '/flagger-serverless/prod/' };

function refusal(body: unknown): { message: string; errors: { path: string }[] } {
  try {
    parseClusterRegistration(body, prefixes);
  } catch (e) {
    if (e instanceof ValidationError) return { message: e.message, errors: e.errors };
    throw e;
  }
  throw new Error('accepted');
}

describe('cluster registration: secret references the functions may read', () => {
  it.each([
    { kind: 'kubeconfig', kubeconfigSecret: 'flagger-serverless/prod/kc' },
    { kind: 'kubeconfig', kubeconfigParameter: '/flagger-serverless/prod/kc' },
    { kind: 'endpoint', server: 'https://10.0.0.1:6443', tokenSecret: 'flagger-serverless/prod/token' },
  ])('accepts names under the stage prefix: %o', (c) => {
    expect(parseClusterRegistration({ name: 'onprem', ...c }, prefixes)).toMatchObject(c);
  });

  it.each([
    [{ kind: 'kubeconfig', kubeconfigSecret: 'other/kc' }, 'kubeconfigSecret', 'flagger-serverless/prod/'],
    [
      { kind: 'kubeconfig', kubeconfigParameter: '/other/kc' },
      'kubeconfigParameter',
      '/flagger-serverless/prod/',
    ],
    [
      { kind: 'endpoint', server: 'https://10.0.0.1:6443', tokenSecret: 'x' },
      'tokenSecret',
      'flagger-serverless/prod/',
    ],
  ])('refuses %o with the field path and the prefix', (c, path, prefix) => {
    const r = refusal({ name: 'onprem', ...c });
    expect(r.errors).toEqual([expect.objectContaining({ path })]);
    expect(r.message).toContain(prefix);
  });

  it('accepts any name when no prefix is configured (local mode)', () => {
    expect(
      parseClusterRegistration({ name: 'x', kind: 'kubeconfig', kubeconfigSecret: 'other/kc' }),
    ).toBeTruthy();
  });
});

describe('cluster registration: metrics', () => {
  const endpoint = { name: 'eu', kind: 'endpoint', server: 'https://10.0.0.1:6443', token: 't' };

  it('keeps an address, a secret under the stage prefix and labels', () => {
    const metrics = {
      address: 'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1',
      secret: 'flagger-serverless/prod/prom',
      labels: { cluster: 'prod-eu' },
    };
    expect(parseClusterRegistration({ ...endpoint, metrics }, prefixes)).toMatchObject({ metrics });
  });

  it.each([
    [{ labels: { 'not-a-label': 'x' } }, 'metrics.labels.not-a-label'],
    [{ labels: { cluster: 'a"b' } }, 'metrics.labels.cluster'],
    [{ address: 'not a url' }, 'metrics.address'],
    [{ secret: 'other/prom' }, 'metrics.secret'],
    [{ region: 'eu' }, 'metrics'],
  ])('refuses %o at %s', (metrics, path) => {
    expect(refusal({ ...endpoint, metrics }).errors).toEqual([expect.objectContaining({ path })]);
  });
});

describe('cluster registration: routing', () => {
  const endpoint = { name: 'eu', kind: 'endpoint', server: 'https://10.0.0.1:6443', token: 't' };

  it('keeps the per-cluster routing choices', () => {
    const routing = {
      istio: { version: 'v1' },
      gatewayapi: { version: 'v1beta1' },
      nginx: { annotationsPrefix: 'custom.ingress.kubernetes.io' },
      traefik: { group: 'traefik.containo.us' },
      selectorLabels: ['app.kubernetes.io/instance', 'app'],
    };
    expect(parseClusterRegistration({ ...endpoint, routing }, prefixes)).toMatchObject({ routing });
  });

  it.each([
    [{ istio: { version: 'v2' } }, 'routing.istio.version'],
    [{ selectorLabels: ['not a key'] }, 'routing.selectorLabels.0'],
    [{ selectorLabels: [] }, 'routing.selectorLabels'],
    [{ smi: { version: 'v1alpha2' } }, 'routing'],
  ])('refuses %o at %s', (routing, path) => {
    expect(refusal({ ...endpoint, routing }).errors).toEqual([expect.objectContaining({ path })]);
  });
});
