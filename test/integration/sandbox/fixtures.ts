// Shared object builders for the sandbox integration tests.
import type { V1Deployment } from '@kubernetes/client-node';

/** CustomObjectsApi coordinates of Istio v1beta1 VirtualServices in `default`. */
export const vsRef = {
  group: 'networking.istio.io',
  version: 'v1beta1',
  namespace: 'default',
  plural: 'virtualservices',
};

/** A Deployment with two containers (app with ports and env, and a sidecar). */
export function deployment(name: string): V1Deployment {
  return {
    metadata: { name, labels: { app: name } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'app:1',
              ports: [{ containerPort: 8080, name: 'http' }],
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
            },
            { name: 'sidecar', image: 'sidecar:1' },
          ],
        },
      },
    },
  };
}

/** The shape virtualService() returns. */
export interface VirtualServiceBody {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec: { hosts: string[]; http: unknown[]; gateways?: string[] };
}

/** An Istio VirtualService routing 100/0 between <name>-primary and <name>-canary. */
export function virtualService(name: string): VirtualServiceBody {
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'VirtualService',
    metadata: { name },
    spec: {
      hosts: [name],
      http: [
        {
          route: [
            { destination: { host: `${name}-primary` }, weight: 100 },
            { destination: { host: `${name}-canary` }, weight: 0 },
          ],
        },
      ],
    },
  };
}
