/**
 * How a simulated version behaves: its error rate and latency, chosen per Deployment from its
 * pod-template annotations or, failing those, from its image tag. Pure.
 *
 * - `sandbox.flagger.app/error-rate: "0.3"` — share of requests answered 500 (0..1);
 * - `sandbox.flagger.app/latency-ms: "800"` — the P99 latency in milliseconds;
 * - an image tag ending in `-faulty` (e.g. `podinfo:6.0.2-faulty`) means 30 % errors, one ending
 *   in `-slow` means a P99 of 800 ms; annotations win over tags.
 * Default: healthy, no errors, P99 ≈ 50 ms.
 */
import type { KubeObject } from '../apiserver/index.js';

/** Annotation: share of 5xx responses of this version (0..1). */
const ERROR_RATE_ANNOTATION = 'sandbox.flagger.app/error-rate';
/** Annotation: P99 latency of this version in milliseconds. */
const LATENCY_ANNOTATION = 'sandbox.flagger.app/latency-ms';

/** What one version does with the requests it receives. */
export interface Behaviour {
  /** Share of requests answered 500, 0..1. */
  errorRate: number;
  /** 99th percentile of the request duration, ms. */
  p99Ms: number;
}

/** A healthy version. */
const HEALTHY: Readonly<Behaviour> = Object.freeze({ errorRate: 0, p99Ms: 50 });
/** What a `-faulty` image tag means. */
const FAULTY_ERROR_RATE = 0.3;
/** What a `-slow` image tag means. */
const SLOW_P99_MS = 800;

interface Template {
  metadata?: { annotations?: Record<string, string> };
  spec?: { containers?: { image?: string }[] };
}

/** The behaviour of a Deployment's current pod template. */
export function behaviourOf(deployment: KubeObject): Behaviour {
  const template = (deployment.spec as { template?: Template } | undefined)?.template ?? {};
  const annotations = template.metadata?.annotations ?? {};
  const tags = (template.spec?.containers ?? []).map((c) => imageTag(c.image ?? ''));
  const errorRate =
    parseNumber(annotations[ERROR_RATE_ANNOTATION], 0, 1) ??
    (tags.some((t) => /(^|-)faulty$/.test(t)) ? FAULTY_ERROR_RATE : HEALTHY.errorRate);
  const p99Ms =
    parseNumber(annotations[LATENCY_ANNOTATION], 0.001, 3_600_000) ??
    (tags.some((t) => /(^|-)slow$/.test(t)) ? SLOW_P99_MS : HEALTHY.p99Ms);
  return { errorRate, p99Ms };
}

/** The tag of an image reference (`repo/name:tag@digest` → `tag`), or ''. */
function imageTag(image: string): string {
  const withoutDigest = image.split('@')[0] ?? '';
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > lastSlash ? withoutDigest.slice(colon + 1) : '';
}

function parseNumber(text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) && n >= min && n <= max ? n : undefined;
}

/**
 * The duration of the `n`-th request of a version, ms. Deterministic and evenly spread (golden
 * ratio sequence): durations fill [0.3·p99, p99] uniformly, so their 99th percentile is ≈ p99 and
 * none exceeds it (a P99 of 50 ms stays inside Istio's 50 ms bucket, so `histogram_quantile`
 * reports ≈ 50 rather than interpolating into the next bucket).
 */
export function latencyOf(b: Behaviour, n: number): number {
  const u = (n * 0.6180339887498949) % 1;
  return b.p99Ms * (0.3 + 0.7 * u);
}
