import { describe, expect, it } from 'vitest';
import { proxyPath, serviceTarget } from '../../../lib/adapters/kubernetes/service-proxy.js';

const namespaces = new Set(['test', 'istio-system']);
const isNamespace = (ns: string) => Promise.resolve(namespaces.has(ns));

describe('which addresses are in-cluster', () => {
  it.each([
    ['http://flagger-loadtester.test/', '/api/v1/namespaces/test/services/flagger-loadtester:80/proxy/'],
    [
      'http://flagger-loadtester.test/gate/check?x=1',
      '/api/v1/namespaces/test/services/flagger-loadtester:80/proxy/gate/check?x=1',
    ],
    [
      'http://prometheus.istio-system:9090',
      '/api/v1/namespaces/istio-system/services/prometheus:9090/proxy/',
    ],
    [
      'https://prometheus.monitoring.svc:9443/api/v1/query',
      '/api/v1/namespaces/monitoring/services/https:prometheus:9443/proxy/api/v1/query',
    ],
    ['http://loadtester.other.svc.cluster.local/', '/api/v1/namespaces/other/services/loadtester:80/proxy/'],
    [
      'https://hooks.team.svc.cluster.local:8443/x',
      '/api/v1/namespaces/team/services/https:hooks:8443/proxy/x',
    ],
  ])('%s → %s', async (url, path) => {
    const t = await serviceTarget(new URL(url), isNamespace);
    expect(t && proxyPath(t)).toBe(path);
  });

  it.each([
    'http://flagger-loadtester.example/', // two labels, not a namespace
    'https://hooks.slack.com/services/x',
    'http://localhost:8080/',
    'http://10.0.0.5:9090/',
    'http://flagger-loadtester/', // one label: no namespace to proxy to
    'http://a.b.c.d/',
    'https://abc.execute-api.eu-west-1.amazonaws.com/loadtester/gate/check',
  ])('%s is not', async (url) => {
    expect(await serviceTarget(new URL(url), isNamespace)).toBeUndefined();
  });
});
