/** Shapes of API answers and parsing of the small documents the API stores. */
import { z } from 'zod';
import { pendingGates } from '../domain/commands.js';
import { canarySecrets, redactJson } from '../domain/redaction.js';
import type { Canary } from '../domain/spec/schema.js';
import type { CanaryStatus } from '../domain/status.js';
import type { MetricTemplate } from '../ports/metrics.js';
import {
  AlertProviderValidationError,
  parseAlertProvider as parseProvider,
  type AlertProvider,
} from '../ports/notifier.js';
import type { CanaryRecord, HistoryRecord } from '../ports/store.js';
import { ValidationError } from './errors.js';

/**
 * A canary as the API shows it; `full` adds the spec, `extra` more fields (the last step, warnings).
 * Redacted with the canary's own secrets (its webhook URLs', lib/domain/redaction.ts): they are
 * masked wherever they appear, not only in the URLs.
 */
export function canaryView(
  r: CanaryRecord<CanaryStatus>,
  full: boolean,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const canary = r.manifest as Canary;
  const view = {
    cluster: r.key.cluster,
    namespace: r.key.namespace,
    name: r.key.name,
    target: canary.spec.targetRef.name,
    phase: r.status.phase,
    canaryWeight: r.status.canaryWeight,
    failedChecks: r.status.failedChecks,
    iterations: r.status.iterations,
    paused: r.status.paused === true,
    pendingCommand: r.status.pendingCommand ?? null,
    /** The confirmation gates an `approve` would open now. */
    pendingGates: pendingGates(r.status),
    nextRunAt: r.nextRunAt === undefined ? null : new Date(r.nextRunAt).toISOString(),
    updatedAt: new Date(r.updatedAt).toISOString(),
    version: r.version,
    ...(full ? { status: statusView(r.status), spec: canary.spec, apiVersion: canary.apiVersion } : {}),
    ...extra,
  };
  return redactJson(view, canarySecrets(canary));
}

/**
 * The status as the API shows it: the judge's evidence (likelihood grids, the last counters) is the
 * judge's working memory, not something to read — the history has each step's verdicts.
 */
function statusView(s: CanaryStatus): Record<string, unknown> {
  if (s.judge === undefined) return { ...s };
  const { evidence, ...judge } = s.judge;
  return { ...s, judge: { ...judge, compared: Object.keys(evidence) } };
}

/**
 * History records as the API shows them: the canary's latest step record with the count of the
 * repeats still going on, which the row keeps (CanaryRecord.recorded) until a later record carries
 * them; the history itself shows the counts of runs that ended (History.list).
 */
export function historyView(records: HistoryRecord[], row: CanaryRecord | undefined): HistoryRecord[] {
  const live = row?.recorded;
  if (!live || live.count < 2) return records;
  return records.map((r) =>
    r.id === live.id && r.at === live.at ? { ...r, count: live.count, lastAt: live.lastAt } : r,
  );
}

const secretRef = z.looseObject({ name: z.string().min(1) });

const prometheusProvider = z.looseObject({
  type: z.literal('prometheus'),
  address: z.url(),
  secretRef: secretRef.optional(),
  insecureSkipVerify: z.boolean().optional(),
});

/** Flagger's Datadog provider: the address defaults to Datadog's US site; the keys are in the secret. */
const datadogProvider = z.looseObject({
  type: z.literal('datadog'),
  address: z.url({ protocol: /^https?$/ }).default('https://api.datadoghq.com'),
  secretRef: z.looseObject(secretRef.shape, {
    error: 'required: the secret holding datadog_api_key and datadog_application_key',
  }),
});

/** Flagger's CloudWatch provider: the region of the metrics (default the deployment's own). */
const cloudwatchProvider = z.looseObject({
  type: z.literal('cloudwatch'),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region such as ap-northeast-1')
    .optional(),
});

/** A MetricTemplate's `{provider, query}` (or Flagger's `spec`); also the OpenAPI schema of its body. */
export const templateBody = z.looseObject({
  provider: z.discriminatedUnion('type', [prometheusProvider, datadogProvider, cloudwatchProvider]),
  query: z.string().min(1),
});

/**
 * A MetricTemplate body: our plain shape `{provider, query}` or Flagger's MetricTemplate manifest
 * (`kind: MetricTemplate` with `spec.provider` and `spec.query`). Name and namespace come from the path.
 */
export function parseTemplate(body: unknown, namespace: string, name: string): MetricTemplate {
  const b = body as Record<string, unknown> | null;
  const inner = b && b.kind === 'MetricTemplate' ? b.spec : body;
  const r = templateBody.safeParse(inner);
  if (!r.success) {
    const prefix = b && b.kind === 'MetricTemplate' ? 'spec.' : '';
    const errors = r.error.issues.map((i) => ({ path: prefix + i.path.join('.'), message: i.message }));
    throw new ValidationError(
      `invalid metric template: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      errors,
    );
  }
  return { name, namespace, provider: r.data.provider, query: r.data.query };
}

/**
 * The opt-out of Slack buttons in Flagger's shape: an annotation, which Flagger ignores, so one
 * AlertProvider manifest serves both (`"false"`: no buttons; `"true"`: the default).
 */
export const SLACK_BUTTONS_ANNOTATION = 'flagger-serverless.app/slack-buttons';

/**
 * An AlertProvider body (ours or Flagger's `kind: AlertProvider` with `spec`, whose
 * {@link SLACK_BUTTONS_ANNOTATION} becomes `buttons`); name and namespace from the path.
 */
export function parseAlertProvider(body: unknown, namespace: string, name: string): AlertProvider {
  const b = body as Record<string, unknown> | null;
  const flagger = b !== null && typeof b === 'object' && b.kind === 'AlertProvider';
  const inner = (flagger ? b.spec : body) as Record<string, unknown> | null;
  const buttons = flagger ? buttonsAnnotation(b.metadata) : undefined;
  try {
    return parseProvider({ ...(inner ?? {}), ...(buttons ?? {}), name, namespace });
  } catch (e) {
    if (!(e instanceof AlertProviderValidationError)) throw e;
    throw new ValidationError(e.message, [{ path: '(body)', message: e.message }]);
  }
}

/** `{ buttons }` from a Flagger manifest's metadata, or undefined without the annotation. */
function buttonsAnnotation(metadata: unknown): { buttons: boolean } | undefined {
  const annotations = (metadata as { annotations?: Record<string, unknown> } | undefined)?.annotations;
  const value = annotations?.[SLACK_BUTTONS_ANNOTATION];
  if (value === undefined) return undefined;
  if (value === 'true' || value === 'false') return { buttons: value === 'true' };
  const path = `metadata.annotations.${SLACK_BUTTONS_ANNOTATION}`;
  const message = `${path} must be "true" or "false"`;
  throw new ValidationError(`invalid AlertProvider: ${message}`, [{ path, message }]);
}
