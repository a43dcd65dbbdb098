/**
 * What the demo deploys: the podinfo Deployment and its Canary, tuned so that a whole release
 * takes about a minute: 10 s analysis interval, 20 % steps up to 60 %, two failed checks roll
 * back, and 20 s metric windows (long enough to span two scrapes and a step, short enough that
 * the previous version's traffic has left the window). The canary-vs-primary judge
 * (docs/analysis.md) compares both builtin metrics with the primary besides Flagger's static bounds.
 */

/** Where everything lives. */
export const DEMO = { cluster: 'sandbox', namespace: 'test', name: 'podinfo' } as const;

/** The releases the demo makes, in order, and how each should end. */
export const RELEASES: readonly Release[] = [
  { image: 'podinfo:6.0.1', expect: 'Succeeded', story: 'a good version' },
  { image: 'podinfo:6.0.2-faulty', expect: 'Failed', story: 'a faulty version (30 % errors)' },
  {
    image: 'podinfo:6.0.3',
    annotations: { 'sandbox.flagger.app/latency-ms': '150' },
    expect: 'Failed',
    story:
      'a version 3× slower than the primary (P99 150 ms vs 50 ms): under the 500 ms bound, so only the judge sees it',
  },
];

/** One release of the demo: the image (and pod annotations the simulator reads) and how it should end. */
export interface Release {
  image: string;
  annotations?: Readonly<Record<string, string>>;
  expect: 'Succeeded' | 'Failed';
  story: string;
}

/** A namespaced object to apply to the sandbox. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
  spec: unknown;
}

/** The first version, deployed before the canary is registered. */
export const INITIAL_IMAGE = 'podinfo:6.0.0';

/** The podinfo Deployment (two replicas) running `image`, with the pod template's `annotations`. */
export function podinfoDeployment(
  image: string,
  annotations: Readonly<Record<string, string>> = {},
): Manifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: DEMO.name, namespace: DEMO.namespace },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: DEMO.name } },
      template: {
        metadata: { labels: { app: DEMO.name }, annotations: { ...annotations } },
        spec: { containers: [{ name: 'podinfod', image, ports: [{ name: 'http', containerPort: 9898 }] }] },
      },
    },
  };
}

/** What differs between the demo's podinfo Canary and local mode's. */
export interface CanaryOptions {
  /** Base URL of the load tester its webhooks call (no trailing slash). */
  loadtester: string;
  /** Compare every builtin metric with the primary besides the static bounds (the demo). */
  judge?: boolean;
  /** Scale through the HorizontalPodAutoscaler `podinfo` (Flagger then makes `podinfo-primary`'s). */
  autoscaler?: boolean;
  /** Failed checks that roll back; default 2. */
  threshold?: number;
}

/** The podinfo Canary (Istio), YAML as a user would write it. */
export function podinfoCanary(o: CanaryOptions): string {
  const autoscaler = o.autoscaler
    ? `
  autoscalerRef:
    apiVersion: autoscaling/v2
    kind: HorizontalPodAutoscaler
    name: ${DEMO.name}`
    : '';
  const judge = o.judge
    ? `
    # Not in Flagger: compare every builtin metric with the primary (docs/analysis.md).
    judge:
      enabled: true`
    : '';
  return `apiVersion: flagger.app/v1beta1
kind: Canary
metadata:
  name: ${DEMO.name}
  namespace: ${DEMO.namespace}
spec:
  provider: istio
  targetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: ${DEMO.name}${autoscaler}
  progressDeadlineSeconds: 60
  service:
    port: 9898
    targetPort: 9898
  analysis:
    interval: 10s
    threshold: ${o.threshold ?? 2}
    maxWeight: 60
    stepWeight: 20${judge}
    metrics:
      - name: request-success-rate
        thresholdRange:
          min: 99
        interval: 20s
      - name: request-duration
        thresholdRange:
          max: 500
        interval: 20s
    webhooks:
      - name: approve-rollout
        type: confirm-rollout
        url: ${o.loadtester}/gate/approve
      - name: manual-rollback
        type: rollback
        url: ${o.loadtester}/rollback/check
`;
}

/**
 * The demo's Canary: Flagger's in-cluster load tester, addressed as in Flagger's docs (the
 * functions reach it through the cluster's API server, service proxy), and the judge.
 */
export const PODINFO_CANARY = podinfoCanary({
  loadtester: `http://flagger-loadtester.${DEMO.namespace}`,
  judge: true,
});

/** podinfo's HorizontalPodAutoscaler (2 to 4 replicas at 80 % CPU), as Flagger's tutorials have it. */
export function podinfoAutoscaler(): Manifest {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: DEMO.name, namespace: DEMO.namespace },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: DEMO.name },
      minReplicas: 2,
      maxReplicas: 4,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
        },
      ],
    },
  };
}
