/**
 * Builders for the objects the traffic simulator reads, written straight into a sandbox store
 * (with the status a settled Deployment would have).
 */
import type { Sandbox } from '../../support/sandbox.js';

export const NS = 'test';

/** A settled Deployment `name` with pod label `app: name` and `ready` ready replicas. */
export function putDeployment(
  sandbox: Sandbox,
  name: string,
  opts: { image?: string; ready?: number; annotations?: Record<string, string> } = {},
): void {
  const ready = opts.ready ?? 1;
  sandbox.store.put({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: {
      replicas: Math.max(ready, 1),
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations: opts.annotations ?? {} },
        spec: {
          containers: [
            { name: 'app', image: opts.image ?? 'podinfo:6.0.0', ports: [{ containerPort: 9898 }] },
          ],
        },
      },
    },
    status: { replicas: ready, readyReplicas: ready, availableReplicas: ready, updatedReplicas: ready },
  });
}

/** A Service `name` selecting pods labelled `app: selects`. */
export function putService(sandbox: Sandbox, name: string, selects: string): void {
  sandbox.store.put({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: NS },
    spec: { selector: { app: selects }, ports: [{ port: 9898 }] },
  });
}

/** podinfo-primary (healthy) and podinfo (the canary target), with Flagger's three Services. */
export function putPodinfo(
  sandbox: Sandbox,
  canary: { image?: string; annotations?: Record<string, string> } = {},
): void {
  putDeployment(sandbox, 'podinfo-primary');
  putDeployment(sandbox, 'podinfo', canary);
  putService(sandbox, 'podinfo', 'podinfo-primary');
  putService(sandbox, 'podinfo-primary', 'podinfo-primary');
  putService(sandbox, 'podinfo-canary', 'podinfo');
}

/** An Istio VirtualService `podinfo` with the given http routes. */
export function putVirtualService(sandbox: Sandbox, http: unknown[]): void {
  sandbox.store.put({
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'VirtualService',
    metadata: { name: 'podinfo', namespace: NS },
    spec: { hosts: ['app.example.com', 'podinfo'], gateways: ['mesh'], http },
  });
}

/** A weighted Istio route primary/canary. */
export function weighted(primary: number, canary: number, extra: Record<string, unknown> = {}): unknown {
  return {
    ...extra,
    route: [
      { destination: { host: 'podinfo-primary', port: { number: 9898 } }, weight: primary },
      { destination: { host: 'podinfo-canary', port: { number: 9898 } }, weight: canary },
    ],
  };
}

/** A manual clock for simulators started with `autoStart: false`. */
export function manualClock(startMs = 1_700_000_000_000): { now: () => number; advance(ms: number): void } {
  let t = startMs;
  return { now: () => t, advance: (ms) => void (t += ms) };
}
