/**
 * What Flagger Serverless supports, by name: provider families and their version suffixes, the
 * Flagger providers we do not support yet, builtin metric names (with Flagger's older aliases) and
 * the Flagger fields that are accepted but not implemented. Validation and accessors both read it.
 */
import type { Provider } from './accessors.js';

/** Version suffixes Flagger accepts after `<family>:`; an empty list means no suffix is allowed. */
const providerVersions: Readonly<Record<Provider, readonly string[]>> = {
  istio: [],
  gatewayapi: ['v1', 'v1beta1'],
  appmesh: ['v1beta2'],
  kubernetes: [],
  nginx: [],
  contour: [],
  gloo: [],
  traefik: [],
  apisix: [],
  linkerd: [],
  // Flagger's SMI providers name the TrafficSplit version; a bare `smi` is refused (Flagger routes
  // it to Istio by its fallback, which is never what the author meant).
  smi: ['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4'],
  consul: [],
  kuma: [],
  alb: [],
};

/** Families whose version suffix is mandatory. */
const versionRequired: readonly Provider[] = ['smi'];

/** Families that accept Flagger's third segment naming the mesh (`smi:v1alpha3:linkerd`). */
const meshSegment: readonly Provider[] = ['smi'];

/** Every `spec.provider` value we accept, for messages and docs. */
const supportedProviderValues: readonly string[] = Object.entries(providerVersions).flatMap(
  ([family, versions]) => [
    ...(versionRequired.includes(family as Provider) ? [] : [family]),
    ...versions.map((v) => `${family}:${v}`),
  ],
);

/** Flagger providers (families, before any `:` suffix) that Flagger Serverless does not implement yet. */
export const unsupportedFlaggerProviders: readonly string[] = ['osm', 'skipper', 'knative'];

export type BuiltinMetric = 'request-success-rate' | 'request-duration';

export interface BuiltinMetricName {
  check: BuiltinMetric;
  /** Set when the name is a mesh's own metric, meaningful only for these providers. */
  providers?: readonly Provider[];
}

/**
 * Builtin metric names → the check they select. The `istio_*` and `envoy_*` names are Flagger's
 * pre-0.11 names, still honoured as aliases for their own mesh (the same table as
 * lib/adapters/prometheus/queries.ts, which builds the queries).
 */
export const builtinMetricNames: Readonly<Record<string, BuiltinMetricName>> = {
  'request-success-rate': { check: 'request-success-rate' },
  'request-duration': { check: 'request-duration' },
  istio_requests_total: { check: 'request-success-rate', providers: ['istio', 'gatewayapi'] },
  istio_request_duration_seconds_bucket: { check: 'request-duration', providers: ['istio', 'gatewayapi'] },
  envoy_cluster_upstream_rq: { check: 'request-success-rate', providers: ['appmesh', 'consul', 'kuma'] },
};

/** The builtin a metric name selects, or undefined. */
export function builtinMetricName(name: string): BuiltinMetricName | undefined {
  return Object.hasOwn(builtinMetricNames, name) ? builtinMetricNames[name] : undefined;
}

/** Target kinds (apps/v1) implemented here; Flagger also drives Services and Knative Services. */
export const supportedTargetKinds = ['Deployment', 'DaemonSet'] as const;

/** A supported `targetRef.kind`. */
export type TargetKind = (typeof supportedTargetKinds)[number];

/**
 * Flagger fields we accept but ignore, as paths with `*` for list indices; each occurrence is
 * reported as a warning. The value is the reason shown to the user.
 */
export const unsupportedFields: Readonly<Record<string, string>> = {
  'spec.metricsServer': 'the Prometheus address is configured per cluster',
  'spec.analysis.sessionAffinity': 'session affinity is not implemented',
  'spec.service.portDiscovery': 'only service.port is exposed',
  'spec.service.headless': 'headless services are not generated',
  'spec.service.delegation': 'Istio delegation is not implemented',
  'spec.service.unmanagedMetadata': 'generated Services get no extra metadata',
};

export type ProviderCheck =
  { ok: true; family: Provider; version: string | undefined } | { ok: false; message: string };

/**
 * Checks a `spec.provider` value: a supported family with an allowed version suffix. Flagger
 * providers we do not implement get "not supported … yet", anything else "unknown" (with a
 * case-insensitive suggestion).
 */
export function checkProvider(raw: string): ProviderCheck {
  const [family = '', version, ...rest] = raw.split(':');
  const supported = `supported: ${supportedProviderValues.join(', ')}`;
  if (!Object.hasOwn(providerVersions, family)) {
    if (unsupportedFlaggerProviders.includes(family.toLowerCase())) {
      return {
        ok: false,
        message: `provider "${raw}" is not supported by Flagger Serverless yet; ${supported}`,
      };
    }
    const hint = supportedProviderValues.find((v) => v.toLowerCase() === raw.toLowerCase());
    const suggestion = hint ? `; did you mean "${hint}"?` : '';
    return { ok: false, message: `unknown provider "${raw}"${suggestion}; ${supported}` };
  }
  const versions = providerVersions[family as Provider];
  const named = meshSegment.includes(family as Provider) && /^[a-z0-9-]+$/.test(rest[0] ?? '');
  const extra = named ? rest.slice(1) : rest;
  if (version === undefined && versionRequired.includes(family as Provider)) {
    return {
      ok: false,
      message: `provider "${raw}" needs a version: ${versions.map((v) => `${family}:${v}`).join(', ')}`,
    };
  }
  if (version !== undefined && (extra.length > 0 || !versions.includes(version))) {
    const allowed = versions.length === 0 ? 'takes no version suffix' : `versions: ${versions.join(', ')}`;
    return {
      ok: false,
      message: `unsupported provider version "${raw}": ${family} ${allowed}; ${supported}`,
    };
  }
  return { ok: true, family: family as Provider, version };
}
