/**
 * Canaries for the router tests: podinfo in `test`, port 9898, built on the shared `aCanary`.
 */
import type { AnalysisSpec, Canary, ServiceSpec } from '../../../lib/domain/spec/schema.js';
import { aCanary } from '../../support/builders.js';

/** podinfo with `service` fields merged over `{ port: 9898 }` and analysis overrides. */
export function routedCanary(service: Partial<ServiceSpec> = {}, analysis: AnalysisSpec = {}): Canary {
  const c = aCanary(analysis);
  return { ...c, spec: { ...c.spec, service: { port: 9898, ...service } } };
}

/** An A/B canary: header `x-canary: insider` or cookie `type=insider`, 10 iterations. */
export function abCanary(service: Partial<ServiceSpec> = {}): Canary {
  return routedCanary(service, {
    stepWeight: undefined,
    iterations: 10,
    match: [
      { headers: { 'x-canary': { exact: 'insider' } } },
      { headers: { cookie: { regex: '^(.*?;)?(type=insider)(;.*)?$' } } },
    ],
  });
}

/** A canary that mirrors 40 % of the traffic while its weight is 0. */
export function mirrorCanary(service: Partial<ServiceSpec> = {}): Canary {
  return routedCanary(service, { mirror: true, mirrorWeight: 40 });
}

/** The full-featured service block used by the "plain canary" cases. */
export const richService: Partial<ServiceSpec> = {
  hosts: ['app.example.com'],
  gateways: ['public-gateway.istio-system.svc.cluster.local'],
  match: [{ uri: { prefix: '/api' } }],
  rewrite: { uri: '/' },
  timeout: '30s',
  retries: { attempts: 3, perTryTimeout: '1s', retryOn: 'gateway-error,connect-failure' },
  headers: {
    request: { set: { 'x-env': 'prod' }, remove: ['x-debug'] },
    response: { add: { 'x-served-by': 'podinfo' } },
  },
  corsPolicy: { allowOrigins: [{ exact: 'https://example.com' }], allowMethods: ['GET'], maxAge: '24h' },
  trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
};
