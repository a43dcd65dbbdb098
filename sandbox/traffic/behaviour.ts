/**
 * How a simulated version behaves — its error probability and latency distribution, chosen per
 * Deployment from its pod-template annotations or, failing those, from its image tag — and how
 * many requests per second an app receives. Pure.
 *
 * - `sandbox.flagger.app/error-rate: "0.3"` — probability that a request is answered 500 (0..1);
 * - `sandbox.flagger.app/latency-ms: "800"` — the P99 latency in milliseconds: latencies are
 *   lognormal with that P99 and a median a third of it (random.ts);
 * - an image tag ending in `-faulty` (e.g. `podinfo:6.0.2-faulty`) means 30 % errors, one ending
 *   in `-slow` means a P99 of 800 ms; annotations win over tags.
 * Default: healthy, no errors, P99 50 ms (median ≈ 17 ms).
 *
 * The request rate belongs to the app's clients rather than to a version, so it is read from the
 * Deployment's own metadata (not its pod template): `sandbox.flagger.app/request-rate: "50"` on the
 * Deployment named after the app (Flagger's target), else on `<app>-primary`; default: the
 * simulator's `rps` option.
 */
import type { KubeObject } from '../apiserver/index.js';
import { lognormalWithP99, type Lognormal } from './random.js';

/** Pod-template annotation: probability of a 5xx response of this version (0..1). */
const ERROR_RATE_ANNOTATION = 'sandbox.flagger.app/error-rate';
/** Pod-template annotation: P99 latency of this version in milliseconds. */
const LATENCY_ANNOTATION = 'sandbox.flagger.app/latency-ms';
/** Deployment annotation: mean requests per second the app receives. */
const REQUEST_RATE_ANNOTATION = 'sandbox.flagger.app/request-rate';
/** The highest request rate the annotation accepts, per second. */
const MAX_REQUEST_RATE = 10_000;

/** What one version does with the requests it receives. */
export interface Behaviour {
  /** Probability that a request is answered 500, 0..1. */
  errorRate: number;
  /** The distribution of request durations. */
  latency: Lognormal;
}

/** A healthy version's error rate and P99, ms. */
const HEALTHY = Object.freeze({ errorRate: 0, p99Ms: 50 });
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
  return { errorRate, latency: lognormalWithP99(p99Ms) };
}

/**
 * The request rate (per second) set for `app` by the annotation on its Deployment, or on
 * `<app>-primary`; undefined when neither carries a valid one (0..10 000).
 */
export function requestRateOf(deployments: readonly KubeObject[], app: string): number | undefined {
  for (const name of [app, `${app}-primary`]) {
    const d = deployments.find((x) => x.metadata.name === name);
    const rate = parseNumber(d?.metadata.annotations?.[REQUEST_RATE_ANNOTATION], 0, MAX_REQUEST_RATE);
    if (rate !== undefined) return rate;
  }
  return undefined;
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
