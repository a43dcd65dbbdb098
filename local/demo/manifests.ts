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

/** The first version, deployed before the canary is registered. */
export const INITIAL_IMAGE = 'podinfo:6.0.0';

/** The podinfo Deployment (two replicas) running `image`, with the pod template's `annotations`. */
export function podinfoDeployment(
  image: string,
  annotations: Readonly<Record<string, string>> = {},
): {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
  spec: unknown;
} {
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

/** The podinfo Canary (Istio), YAML as a user would write it. */
export const PODINFO_CANARY = `apiVersion: flagger.app/v1beta1
kind: Canary
metadata:
  name: ${DEMO.name}
  namespace: ${DEMO.namespace}
spec:
  provider: istio
  targetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: ${DEMO.name}
  progressDeadlineSeconds: 60
  service:
    port: 9898
    targetPort: 9898
  analysis:
    interval: 10s
    threshold: 2
    maxWeight: 60
    stepWeight: 20
    # Not in Flagger: compare every builtin metric with the primary (docs/analysis.md).
    judge:
      enabled: true
    metrics:
      - name: request-success-rate
        thresholdRange:
          min: 99
        interval: 20s
      - name: request-duration
        thresholdRange:
          max: 500
        interval: 20s
    # Flagger's in-cluster load tester, addressed as in Flagger's docs: the functions reach it
    # through the cluster's API server (service proxy).
    webhooks:
      - name: approve-rollout
        type: confirm-rollout
        url: http://flagger-loadtester.${DEMO.namespace}/gate/approve
      - name: manual-rollback
        type: rollback
        url: http://flagger-loadtester.${DEMO.namespace}/rollback/check
`;
