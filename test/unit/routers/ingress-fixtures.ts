/**
 * Canaries and source objects for the ingress routers' tests: podinfo in `test`, port 9898, with
 * the provider's spec fields (ingressRef, routeRef, upstreamRef) merged in.
 */
import type { AnalysisSpec, Canary, CanarySpec } from '../../../lib/domain/spec/schema.js';
import { routedCanary } from './fixtures.js';

/** podinfo with spec-level fields merged over it and analysis overrides (stepWeight 10 by default). */
export function specCanary(spec: Partial<CanarySpec>, analysis: AnalysisSpec = {}): Canary {
  const c = routedCanary({}, analysis);
  return { ...c, spec: { ...c.spec, ...spec, service: { ...c.spec.service, ...spec.service } } };
}

/** A/B analysis: `iterations: 5` and the given matches, no weights. */
export function abAnalysis(match: AnalysisSpec['match']): AnalysisSpec {
  return { stepWeight: undefined, maxWeight: undefined, iterations: 5, match };
}

/** Blue/green analysis: `iterations: 5`, no weights. */
export const blueGreen: AnalysisSpec = { stepWeight: undefined, maxWeight: undefined, iterations: 5 };

/** The Ingress `podinfo` of Flagger's NGINX tutorial (host app.example.com → podinfo:9898). */
export function podinfoIngress(
  extra: { annotations?: Record<string, string>; labels?: Record<string, string> } = {},
) {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: 'podinfo',
      namespace: 'test',
      labels: { app: 'podinfo', ...extra.labels },
      annotations: { 'kubernetes.io/ingress.class': 'nginx', ...extra.annotations },
    },
    spec: {
      rules: [
        {
          host: 'app.example.com',
          http: {
            paths: [
              {
                pathType: 'Prefix',
                path: '/',
                backend: { service: { name: 'podinfo', port: { number: 9898 } } },
              },
            ],
          },
        },
      ],
    },
  };
}

/** The ApisixRoute `podinfo` of Flagger's APISIX tutorial (app.example.com → podinfo:9898). */
export function podinfoApisixRoute() {
  return {
    apiVersion: 'apisix.apache.org/v2',
    kind: 'ApisixRoute',
    metadata: {
      name: 'podinfo',
      namespace: 'test',
      annotations: { 'kubernetes.io/ingress.class': 'apisix' },
    },
    spec: {
      http: [
        {
          name: 'method',
          match: { hosts: ['app.example.com'], methods: ['GET'], paths: ['/*'] },
          backends: [{ serviceName: 'podinfo', servicePort: 9898 }],
          plugins: [{ name: 'prometheus', enable: true, config: { disable: false, prefer_name: true } }],
        },
      ],
    },
  };
}
