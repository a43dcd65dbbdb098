/**
 * Which builtin comparisons a routing provider's metrics cannot make, and why: validation refuses
 * them at the metric's path when `spec.provider` names the provider, rather than letting every
 * step read them as `unavailable` (which no release could pass). The series themselves live in
 * lib/adapters/prometheus/observers.ts; test/unit/judge/providers.test.ts keeps the two in step.
 * Pure.
 */
import type { BuiltinMetric } from '../spec/catalog.js';
import type { Provider } from '../spec/accessors.js';

interface Uncomparable {
  metrics: readonly BuiltinMetric[];
  why: string;
}

const BOTH: readonly BuiltinMetric[] = ['request-success-rate', 'request-duration'];

const UNCOMPARABLE: Partial<Record<Provider, Uncomparable>> = {
  kubernetes: {
    metrics: BOTH,
    why: 'provider kubernetes routes by Service selectors and has no request metrics',
  },
  apisix: {
    metrics: BOTH,
    why: "APISIX's metrics name the canary ApisixRoute, which serves primary and canary together: there is no primary side to compare against",
  },
  alb: {
    metrics: BOTH,
    why: "the AWS Load Balancer Controller's metrics are in CloudWatch, which gives no raw counters or histogram buckets to compare",
  },
  nginx: {
    metrics: ['request-duration'],
    why: 'ingress-nginx exports only a mean response duration, no latency histogram to compare',
  },
};

/** Why `provider` cannot compare `metric` against the primary, or undefined when it can. */
export function uncomparableReason(provider: Provider, metric: BuiltinMetric): string | undefined {
  const u = UNCOMPARABLE[provider];
  return u?.metrics.includes(metric) ? u.why : undefined;
}
