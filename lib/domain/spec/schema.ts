/**
 * The Canary schema: one zod schema gives the TypeScript types, the validation with field-path
 * errors and (through accessors.ts) the defaults. It accepts Flagger's `flagger.app/v1beta1`
 * (`spec.analysis`) and `v1alpha3` (`spec.canaryAnalysis`) shapes; `parse.ts` normalises the
 * latter into `analysis` before validation, so everything downstream sees one shape.
 *
 * Objects are loose (unknown keys pass through) so that Flagger fields we do not support yet are
 * kept and reported as warnings by `parse.ts`, never silently dropped.
 */
import { z } from 'zod';
import { analysisJudge, metricCompare } from './judge-fields.js';
import { label, nameSchema, serviceName, subdomain } from './names.js';

/** The longest duration accepted anywhere (a week): longer ones are typos, and must not overflow a time. */
const MAX_DURATION_MS = 7 * 24 * 3_600_000;
const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function withinWeek(value: string): boolean {
  let ms = 0;
  for (const [, n, unit] of value.matchAll(/([0-9]+)(ms|s|m|h)/g)) ms += Number(n) * units[unit];
  return ms <= MAX_DURATION_MS;
}

/** A duration as Flagger writes it: `30s`, `1m`, `1h`, `1m30s`. */
const duration = z
  .string()
  .max(32)
  .regex(/^([0-9]+(ms|s|m|h))+$/, 'a duration such as "30s", "1m" or "1h"')
  .refine(withinWeek, 'a duration of at most 168h');

const percent = z.number().int().min(0).max(100);
/** Kubernetes int32 fields (replicas, seconds, counts). */
const int32 = z.number().int().min(-2_147_483_648).max(2_147_483_647);
const port = z.number().int().min(1).max(65535);
/** A metric bound: any number a store keeps exactly (±2^53−1). */
const bound = z.number().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
const objectName = nameSchema(subdomain);
const namespaceName = nameSchema(label);

/** Istio StringMatch: exactly one of exact / prefix / suffix / regex. */
const stringMatch = z.looseObject({
  exact: z.string().optional(),
  prefix: z.string().optional(),
  suffix: z.string().optional(),
  regex: z.string().optional(),
});

/** Istio HTTPMatchRequest (the subset every router understands plus pass-through keys). */
const httpMatch = z.looseObject({
  name: z.string().optional(),
  uri: stringMatch.optional(),
  scheme: stringMatch.optional(),
  method: stringMatch.optional(),
  authority: stringMatch.optional(),
  headers: z.record(z.string(), stringMatch).optional(),
  queryParams: z.record(z.string(), stringMatch).optional(),
  port: port.optional(),
  sourceLabels: z.record(z.string(), z.string()).optional(),
  gateways: z.array(z.string()).optional(),
});

const crossRef = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().min(1),
  name: objectName,
});

const autoscalerRef = crossRef.extend({
  primaryScalerReplicas: z
    .looseObject({
      minReplicas: int32.min(0).optional(),
      maxReplicas: int32.min(1).optional(),
    })
    .optional(),
});

const headerOps = z.looseObject({
  set: z.record(z.string(), z.string()).optional(),
  add: z.record(z.string(), z.string()).optional(),
  remove: z.array(z.string()).optional(),
});

const gatewayRef = z.looseObject({
  name: objectName,
  namespace: namespaceName.optional(),
  sectionName: z.string().optional(),
  port: port.optional(),
  group: z.string().optional(),
  kind: z.string().optional(),
});

/** Flagger's `service.apex` / `.primary` / `.canary`: metadata added to that generated Service. */
const serviceMetadata = z.looseObject({
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

const serviceSpec = z.looseObject({
  name: nameSchema(serviceName).optional(),
  apex: serviceMetadata.optional(),
  primary: serviceMetadata.optional(),
  canary: serviceMetadata.optional(),
  port,
  portName: z.string().optional(),
  targetPort: z.union([port, z.string().min(1)]).optional(),
  appProtocol: z.string().optional(),
  gateways: z.array(z.string()).optional(),
  hosts: z.array(z.string()).optional(),
  match: z.array(httpMatch).optional(),
  rewrite: z.looseObject({ uri: z.string().optional(), authority: z.string().optional() }).optional(),
  headers: z.looseObject({ request: headerOps.optional(), response: headerOps.optional() }).optional(),
  corsPolicy: z
    .looseObject({
      allowOrigin: z.array(z.string()).optional(),
      allowOrigins: z.array(stringMatch).optional(),
      allowMethods: z.array(z.string()).optional(),
      allowHeaders: z.array(z.string()).optional(),
      exposeHeaders: z.array(z.string()).optional(),
      maxAge: z.string().optional(),
      allowCredentials: z.boolean().optional(),
    })
    .optional(),
  retries: z
    .looseObject({
      attempts: int32.min(0).optional(),
      perTryTimeout: z.string().optional(),
      retryOn: z.string().optional(),
    })
    .optional(),
  timeout: duration.optional(),
  trafficPolicy: z.record(z.string(), z.unknown()).optional(),
  meshName: z.string().optional(),
  backends: z.array(z.string()).optional(),
  gatewayRefs: z.array(gatewayRef).optional(),
});

const metricSpec = z.looseObject({
  name: z.string().min(1),
  threshold: bound.optional(),
  thresholdRange: z.looseObject({ min: bound.optional(), max: bound.optional() }).optional(),
  interval: duration.optional(),
  query: z.string().min(1).optional(),
  templateRef: z.looseObject({ name: objectName, namespace: namespaceName.optional() }).optional(),
  templateVariables: z.record(z.string(), z.string()).optional(),
  /** Not in Flagger: compare this builtin against the primary (docs/analysis.md). */
  compare: metricCompare.optional(),
});

export const webhookTypes = [
  'confirm-rollout',
  'pre-rollout',
  'rollout',
  'confirm-traffic-increase',
  'confirm-promotion',
  'post-rollout',
  'rollback',
  'event',
] as const;

const webhookSpec = z.looseObject({
  name: z.string().min(1),
  type: z.enum(webhookTypes).optional(),
  url: z.url(),
  timeout: duration.optional(),
  retries: z.number().int().min(0).max(10).optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  muteAlert: z.boolean().optional(),
  disableTLS: z.boolean().optional(),
});

const alertSeverities = ['info', 'warn', 'error'] as const;

const alertSpec = z.looseObject({
  name: z.string().min(1),
  severity: z.enum(alertSeverities).optional(),
  providerRef: z.looseObject({ name: objectName, namespace: namespaceName.optional() }),
});

const analysisSpec = z.looseObject({
  interval: duration.optional(),
  threshold: int32.optional(),
  maxWeight: percent.optional(),
  stepWeight: percent.optional(),
  stepWeights: z.array(percent).optional(),
  stepWeightPromotion: percent.optional(),
  iterations: int32.min(0).optional(),
  match: z.array(httpMatch).optional(),
  mirror: z.boolean().optional(),
  mirrorWeight: percent.optional(),
  primaryReadyThreshold: percent.optional(),
  canaryReadyThreshold: percent.optional(),
  metrics: z.array(metricSpec).optional(),
  webhooks: z.array(webhookSpec).optional(),
  alerts: z.array(alertSpec).optional(),
  /** Not in Flagger: the canary-vs-primary judge (docs/analysis.md). */
  judge: analysisJudge.optional(),
});

const canarySpec = z.looseObject({
  provider: z.string().optional(),
  targetRef: crossRef,
  autoscalerRef: autoscalerRef.optional(),
  /** NGINX: the Ingress that routes to the apex Service. */
  ingressRef: crossRef.optional(),
  /** APISIX: the ApisixRoute that routes to the apex Service. */
  routeRef: crossRef.optional(),
  /** Gloo: an Upstream whose settings the generated Upstreams copy. */
  upstreamRef: crossRef.extend({ namespace: namespaceName.optional() }).optional(),
  progressDeadlineSeconds: int32.min(1).optional(),
  skipAnalysis: z.boolean().optional(),
  suspend: z.boolean().optional(),
  revertOnDeletion: z.boolean().optional(),
  service: serviceSpec,
  analysis: analysisSpec.optional(),
});

export const canaryManifest = z.looseObject({
  apiVersion: z
    .string()
    .regex(/^flagger\.app\/v1(alpha[1-3]|beta1)$/, 'flagger.app/v1beta1 or flagger.app/v1alpha3'),
  kind: z.literal('Canary'),
  metadata: z.looseObject({
    name: objectName,
    namespace: namespaceName.optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
  spec: canarySpec,
});

export type StringMatch = z.infer<typeof stringMatch>;
export type HttpMatch = z.infer<typeof httpMatch>;
export type ServiceSpec = z.infer<typeof serviceSpec>;
export type MetricSpec = z.infer<typeof metricSpec>;
export type WebhookType = (typeof webhookTypes)[number];
export type WebhookSpec = z.infer<typeof webhookSpec>;
export type AlertSpec = z.infer<typeof alertSpec>;
export type AnalysisSpec = z.infer<typeof analysisSpec>;
export type CanarySpec = z.infer<typeof canarySpec>;
/** A parsed, normalised Canary: `metadata.namespace` is always set and `spec.analysis` replaces `canaryAnalysis`. */
export type Canary = z.infer<typeof canaryManifest> & { metadata: { namespace: string } };
