/** Fixtures for the Kubernetes adapter tests: podinfo in namespace test. */
import type { V1Deployment, V1PodSpec } from '@kubernetes/client-node';

/** A pod spec referencing configs in every supported way. */
export function podSpec(): V1PodSpec {
  return {
    initContainers: [{ name: 'init', image: 'busybox', envFrom: [{ configMapRef: { name: 'init-env' } }] }],
    containers: [
      {
        name: 'podinfo',
        image: 'ghcr.io/stefanprodan/podinfo:6.0.0',
        ports: [{ name: 'http', containerPort: 9898 }],
        env: [
          { name: 'A', valueFrom: { configMapKeyRef: { name: 'podinfo-env', key: 'a' } } },
          { name: 'B', valueFrom: { secretKeyRef: { name: 'podinfo-secret-env', key: 'b' } } },
          { name: 'C', value: 'plain' },
        ],
        envFrom: [
          { configMapRef: { name: 'podinfo-envfrom' } },
          { secretRef: { name: 'podinfo-secret-envfrom' } },
        ],
      },
    ],
    volumes: [
      { name: 'cfg', configMap: { name: 'podinfo-config-vol' } },
      { name: 'sec', secret: { secretName: 'podinfo-secret-vol' } },
      {
        name: 'proj',
        projected: {
          sources: [
            { configMap: { name: 'podinfo-projected' } },
            { secret: { name: 'podinfo-secret-projected' } },
          ],
        },
      },
      { name: 'tmp', emptyDir: {} },
    ],
  };
}

/** The target Deployment `podinfo` selecting `app: podinfo`. */
export function aTarget(o: { replicas?: number; spec?: V1PodSpec } = {}): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'podinfo',
      namespace: 'test',
      labels: { app: 'podinfo', team: 'a' },
      resourceVersion: '7',
    },
    spec: {
      replicas: o.replicas ?? 2,
      progressDeadlineSeconds: 60,
      minReadySeconds: 3,
      revisionHistoryLimit: 5,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } },
      selector: { matchLabels: { app: 'podinfo' } },
      template: {
        metadata: {
          labels: { app: 'podinfo', version: 'v1' },
          annotations: { 'prometheus.io/scrape': 'true' },
        },
        spec: o.spec ?? podSpec(),
      },
    },
  };
}
