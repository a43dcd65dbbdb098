/**
 * The ALB's CloudWatch metrics (namespace AWS/ApplicationELB, dimensions TargetGroup and
 * LoadBalancer) of the sandbox's target groups, from the traffic simulator's per-second snapshots:
 * per period, RequestCount and HTTPCode_Target_5XX_Count (Sum) and TargetResponseTime (seconds;
 * Average or a pNN extended statistic from the latency histogram) of the requests sent to the
 * Service behind each target group. As the ALB does, a period without requests has no datapoint;
 * a 5XX count of a period with requests but no errors is 0 here (the ALB publishes none:
 * templates should FILL). The target groups are given, or read from the TargetGroupBindings the
 * sandbox's load balancer controller keeps (apiserver/alb-controller.ts); every one of them has
 * the three metrics (for SEARCH).
 */
import type { SandboxStore } from '../apiserver/index.js';
import { albNames, STACK_NAME } from '../apiserver/alb-controller.js';
import type { Snapshot } from '../traffic/history.js';
import type { Datapoints, MetricId, MetricSource } from './get-metric-data.js';

/** One target group as the AWS Load Balancer Controller names it for a Service. */
export interface AlbTargetGroup {
  namespace: string;
  service: string;
  /** The `TargetGroup` dimension value, `targetgroup/<name>/<id>`. */
  targetGroup: string;
  /** The `LoadBalancer` dimension value, `app/<name>/<id>`. */
  loadBalancer: string;
}

/** The target group of `service` behind the Ingress `ingress`, named as the sandbox's controller names it. */
export function albTargetGroup(namespace: string, service: string, ingress: string): AlbTargetGroup {
  const { targetGroup, loadBalancer } = albNames(namespace, service, ingress);
  return { namespace, service, targetGroup, loadBalancer };
}

interface Binding {
  metadata: { namespace?: string; labels?: Record<string, string> };
  spec?: { serviceRef?: { name?: string }; targetGroupARN?: string };
}

/** The target groups of the TargetGroupBindings in `store` (those of an Ingress's stack). */
export function boundTargetGroups(store: Pick<SandboxStore, 'list'>): AlbTargetGroup[] {
  return (store.list('elbv2.k8s.aws/v1beta1', 'TargetGroupBinding') as Binding[]).flatMap((b) => {
    const ingress = b.metadata.labels?.[STACK_NAME];
    const service = b.spec?.serviceRef?.name;
    const tg = /:(targetgroup\/[^:]+)$/.exec(b.spec?.targetGroupARN ?? '')?.[1];
    if (!ingress || !service || !tg) return [];
    const g = albTargetGroup(b.metadata.namespace ?? 'default', service, ingress);
    return [{ ...g, targetGroup: tg }];
  });
}

const METRICS = ['RequestCount', 'HTTPCode_Target_5XX_Count', 'TargetResponseTime'];

const LABEL = /(\w+)=("(?:[^"\\]|\\.)*")/g;

function parseKey(key: string): { name: string; labels: Record<string, string> } {
  const brace = key.indexOf('{');
  const labels: Record<string, string> = {};
  for (const m of key.slice(brace).matchAll(LABEL)) labels[m[1]] = JSON.parse(m[2]) as string;
  return { name: key.slice(0, brace), labels };
}

interface Cut {
  requests: number;
  errors: number;
  /** Cumulative counts per `le` (seconds). */
  buckets: Map<number, number>;
  sumSeconds: number;
}

/** The workload's counters in one snapshot. */
function cut(s: Snapshot, g: AlbTargetGroup): Cut {
  const out: Cut = { requests: 0, errors: 0, buckets: new Map(), sumSeconds: 0 };
  for (const [key, value] of s.values) {
    const { name, labels } = parseKey(key);
    if (labels.destination_service !== `${g.service}.${g.namespace}.svc.cluster.local`) continue;
    if (name === 'istio_requests_total') {
      out.requests += value;
      if (labels.response_code?.startsWith('5')) out.errors += value;
    } else if (name === 'istio_request_duration_seconds_bucket') {
      const le = labels.le === '+Inf' ? Infinity : Number(labels.le);
      out.buckets.set(le, (out.buckets.get(le) ?? 0) + value);
    } else if (name === 'istio_request_duration_seconds_sum') out.sumSeconds += value;
  }
  return out;
}

/** The `q` quantile (0..1) of a cumulative histogram's increase, by linear interpolation in the bucket. */
function quantile(q: number, from: Cut, to: Cut): number {
  const bounds = [...to.buckets.keys()].sort((a, b) => a - b);
  const counts = bounds.map((le) => (to.buckets.get(le) ?? 0) - (from.buckets.get(le) ?? 0));
  const total = counts.at(-1) ?? 0;
  const rank = q * total;
  for (let i = 0; i < bounds.length; i++) {
    if (counts[i] < rank) continue;
    const lower = i === 0 ? 0 : bounds[i - 1];
    const upper = Number.isFinite(bounds[i]) ? bounds[i] : lower;
    const below = i === 0 ? 0 : counts[i - 1];
    const inBucket = counts[i] - below;
    return inBucket === 0 ? upper : lower + ((upper - lower) * (rank - below)) / inBucket;
  }
  return bounds.at(-2) ?? 0;
}

function value(metric: string, stat: string, from: Cut, to: Cut): number | undefined {
  const requests = to.requests - from.requests;
  if (requests <= 0) return undefined;
  if (metric === 'RequestCount') return requests;
  if (metric === 'HTTPCode_Target_5XX_Count') return to.errors - from.errors;
  if (metric !== 'TargetResponseTime') return undefined;
  const p = /^p(\d+(?:\.\d+)?)$/.exec(stat);
  return p ? quantile(Number(p[1]) / 100, from, to) : (to.sumSeconds - from.sumSeconds) / requests;
}

/**
 * A {@link MetricSource} for `groups` (or what `groups()` answers at each request) over the
 * simulator's snapshots (`baseline(ms)`: the one at or before).
 */
export function albMetricSource(
  snapshots: { baseline(atMs: number): Snapshot | undefined; now(): number },
  groups: readonly AlbTargetGroup[] | (() => readonly AlbTargetGroup[]),
): MetricSource {
  const current = typeof groups === 'function' ? groups : () => groups;
  const source = (metric: MetricId, stat: string, period: number, start: number, end: number): Datapoints => {
    const out: Datapoints = new Map();
    const dim = (name: string) => metric.Dimensions?.find((d) => d.Name === name)?.Value;
    const g = current().find(
      (x) => x.targetGroup === dim('TargetGroup') && x.loadBalancer === dim('LoadBalancer'),
    );
    if (metric.Namespace !== 'AWS/ApplicationELB' || !g || (metric.Dimensions?.length ?? 0) !== 2) return out;
    const last = Math.min(end, Math.floor(snapshots.now() / 1000));
    for (let t = Math.ceil(start / period) * period; t + period <= last; t += period) {
      const from = snapshots.baseline(t * 1000);
      const to = snapshots.baseline((t + period) * 1000);
      if (!from || !to) continue;
      const v = value(metric.MetricName, stat, cut(from, g), cut(to, g));
      if (v !== undefined) out.set(t, v);
    }
    return out;
  };
  const list = (): MetricId[] =>
    current().flatMap((g) =>
      METRICS.map((MetricName) => ({
        Namespace: 'AWS/ApplicationELB',
        MetricName,
        Dimensions: [
          { Name: 'LoadBalancer', Value: g.loadBalancer },
          { Name: 'TargetGroup', Value: g.targetGroup },
        ],
      })),
    );
  return Object.assign(source, { list });
}
