/**
 * Semantic rules that a schema cannot express: which providers and target kinds we implement,
 * how the analysis fields must combine, metric and webhook consistency. Runs on a Canary that
 * already has the right shape; returns errors (the Canary is rejected) and warnings (accepted,
 * reported). Paths are written against `spec.analysis`; parse.ts renames them for v1alpha3 input.
 */
import {
  durationMs,
  intervalSeconds,
  isCompared,
  MIN_INTERVAL_SECONDS,
  webhookTimeoutMs,
  webhookType,
  type Provider,
} from './accessors.js';
import { judgeFindings } from '../judge/findings.js';
import { builtinMetricName, checkProvider, supportedTargetKinds } from './catalog.js';
import type { RawIssue } from './errors.js';
import { edgeBlueGreenFindings, ingressRoutingFindings } from './routing-rules.js';
import { checkMeshRouting } from './meshes.js';
import { checkTcpRouting } from './tcp-rules.js';
import type { AnalysisSpec, Canary, MetricSpec, WebhookSpec } from './schema.js';

export interface Findings {
  errors: RawIssue[];
  warnings: RawIssue[];
}

const A = ['spec', 'analysis'] as const;

/**
 * The routing rules of `provider` for `c` (what the provider cannot route is an error at its field):
 * for canaries without `spec.provider`, checked against the provider that will route them.
 */
export function routingFindings(c: Canary, provider: Provider): Findings {
  const f = ingressRoutingFindings(c, provider);
  checkMeshRouting(c, provider, f);
  checkTcpRouting(c, provider, f);
  return f;
}

/** All semantic errors and warnings for a shape-valid Canary (order: spec fields, then analysis). */
export function validateCanary(c: Canary): Findings {
  const f: Findings = { errors: [], warnings: [] };
  const provider = checkProviderField(c, f);
  checkTarget(c, f);
  checkService(c, provider, f);
  if (provider !== undefined) {
    const routing = ingressRoutingFindings(c, provider);
    f.errors.push(...routing.errors, ...edgeBlueGreenFindings(c, provider));
    f.warnings.push(...routing.warnings);
  }
  checkMeshRouting(c, provider, f);
  checkTcpRouting(c, provider, f);
  const a = c.spec.analysis;
  if (a === undefined) {
    if (c.spec.skipAnalysis !== true) {
      f.warnings.push({
        path: ['spec'],
        message: 'no analysis block: new revisions are promoted without analysis',
      });
    }
    return f;
  }
  if (c.spec.skipAnalysis !== true) checkStrategy(a, provider, f);
  checkWeights(a, f);
  checkMirror(a, provider, f);
  checkTiming(a, f);
  (a.metrics ?? []).forEach((m, i) => checkMetric(m, i, provider, isCompared(m, a), f));
  checkWebhooks(a.webhooks ?? [], intervalSeconds(c), f);
  const judged = judgeFindings(a, provider);
  f.errors.push(...judged.errors);
  f.warnings.push(...judged.warnings);
  return f;
}

/** The explicit provider family, undefined when unset (the cluster default applies) or invalid. */
function checkProviderField(c: Canary, f: Findings): Provider | undefined {
  const raw = c.spec.provider;
  if (raw === undefined) return undefined;
  const res = checkProvider(raw);
  if (res.ok) return res.family;
  f.errors.push({ path: ['spec', 'provider'], message: res.message });
  return undefined;
}

function checkTarget(c: Canary, f: Findings): void {
  const kind = c.spec.targetRef.kind;
  if (!(supportedTargetKinds as readonly string[]).includes(kind)) {
    f.errors.push({
      path: ['spec', 'targetRef', 'kind'],
      message: `expected ${supportedTargetKinds.join(' or ')}, got "${kind}": this target kind is not supported by Flagger Serverless yet`,
    });
  }
  const scaler = c.spec.autoscalerRef;
  if (scaler === undefined) return;
  if (kind === 'DaemonSet') {
    // A DaemonSet runs one pod per node: there is nothing for an autoscaler to scale (as Flagger).
    f.errors.push({
      path: ['spec', 'autoscalerRef'],
      message: 'a DaemonSet target cannot have an autoscalerRef: DaemonSets run one pod per node',
    });
    return;
  }
  if (scaler.kind === 'HorizontalPodAutoscaler') return;
  if (scaler.kind === 'ScaledObject') {
    f.warnings.push({
      path: ['spec', 'autoscalerRef'],
      message:
        'KEDA ScaledObject autoscalers are not supported by Flagger Serverless yet; autoscalerRef is ignored',
    });
    return;
  }
  f.errors.push({
    path: ['spec', 'autoscalerRef', 'kind'],
    message: `expected HorizontalPodAutoscaler (or a KEDA ScaledObject), got "${scaler.kind}"`,
  });
}

function checkService(c: Canary, provider: Provider | undefined, f: Findings): void {
  const s = c.spec.service;
  if (provider === 'appmesh' && !s.meshName) {
    f.errors.push({
      path: ['spec', 'service', 'meshName'],
      message: 'required when provider is appmesh; expected the App Mesh mesh name, got nothing',
    });
  }
  if (provider === 'gatewayapi' && (s.gatewayRefs?.length ?? 0) === 0) {
    f.warnings.push({
      path: ['spec', 'service', 'gatewayRefs'],
      message:
        'no Gateway references: the HTTPRoute attaches to the apex Service (mesh, east-west routing); list gatewayRefs for traffic through a Gateway',
    });
  }
}

function checkStrategy(a: AnalysisSpec, provider: Provider | undefined, f: Findings): void {
  const its = a.iterations ?? 0;
  const stepped = (a.stepWeight ?? 0) > 0 || (a.stepWeights?.length ?? 0) > 0;
  if ((a.match?.length ?? 0) > 0 && its === 0) {
    f.errors.push({
      path: [...A, 'iterations'],
      message: 'required with analysis.match (A/B testing); expected an iteration count > 0, got nothing',
    });
  } else if (provider === 'kubernetes') {
    if (its === 0) {
      f.errors.push({
        path: [...A, 'iterations'],
        message:
          'required with provider kubernetes (blue/green only); expected an iteration count > 0, got nothing',
      });
    }
    for (const key of ['stepWeight', 'stepWeights', 'match'] as const) {
      if (a[key] !== undefined) {
        f.warnings.push({
          path: [...A, key],
          message: `ignored: provider kubernetes supports blue/green only`,
        });
      }
    }
  } else if (!stepped && its === 0) {
    f.errors.push({
      path: [...A],
      message:
        'expected stepWeight or stepWeights (canary), iterations (blue/green) or match with iterations (A/B); found none',
    });
  }
}

function checkWeights(a: AnalysisSpec, f: Findings): void {
  const steps = a.stepWeights ?? [];
  steps.forEach((w, i) => {
    const prev = i === 0 ? 0 : steps[i - 1];
    if (w <= prev) {
      const want = i === 0 ? 'a weight > 0' : `a weight greater than the previous step (${prev})`;
      f.errors.push({ path: [...A, 'stepWeights', i], message: `expected ${want}, got ${w}` });
    }
  });
  if (steps.length > 0 && a.stepWeight !== undefined) {
    f.warnings.push({ path: [...A, 'stepWeight'], message: 'ignored: stepWeights takes precedence' });
  }
  if (steps.length > 0 && a.maxWeight !== undefined) {
    f.warnings.push({
      path: [...A, 'maxWeight'],
      message: 'ignored: the last of stepWeights is the maximum weight',
    });
  }
  if (
    steps.length === 0 &&
    a.stepWeight !== undefined &&
    a.maxWeight !== undefined &&
    a.maxWeight < a.stepWeight
  ) {
    f.errors.push({
      path: [...A, 'maxWeight'],
      message: `expected maxWeight ≥ stepWeight (${a.stepWeight}), got ${a.maxWeight}`,
    });
  }
}

function checkMirror(a: AnalysisSpec, provider: Provider | undefined, f: Findings): void {
  if (a.mirror === true && provider !== undefined && provider !== 'istio' && provider !== 'gatewayapi') {
    f.errors.push({
      path: [...A, 'mirror'],
      message: `traffic mirroring requires provider istio or gatewayapi, got provider "${provider}"`,
    });
  }
  if (a.mirrorWeight !== undefined && a.mirror !== true) {
    f.warnings.push({ path: [...A, 'mirrorWeight'], message: 'ignored: mirror is not enabled' });
  }
}

function checkTiming(a: AnalysisSpec, f: Findings): void {
  const ms = durationMs(a.interval);
  if (ms !== undefined && ms < MIN_INTERVAL_SECONDS * 1000) {
    f.warnings.push({
      path: [...A, 'interval'],
      message: `interval ${a.interval} is below the ${MIN_INTERVAL_SECONDS}s minimum; ${MIN_INTERVAL_SECONDS}s is used`,
    });
  }
  if (a.threshold !== undefined && a.threshold <= 0) {
    f.warnings.push({
      path: [...A, 'threshold'],
      message: `threshold ${a.threshold} is treated as 1 (roll back on the first failed check)`,
    });
  }
}

function checkMetric(
  m: MetricSpec,
  i: number,
  provider: Provider | undefined,
  compared: boolean,
  f: Findings,
): void {
  const at = [...A, 'metrics', i] as const;
  const builtin = builtinMetricName(m.name);
  const hasBound = m.threshold !== undefined || m.thresholdRange !== undefined;
  // A compared builtin may go without a static bound: the judge is its check.
  if (m.templateRef !== undefined && m.query !== undefined) {
    f.warnings.push({ path: [...at, 'query'], message: 'ignored: templateRef takes precedence over query' });
  } else if (builtin && (m.templateRef !== undefined || m.query !== undefined)) {
    const used = m.templateRef !== undefined ? 'templateRef' : 'query';
    f.warnings.push({
      path: [...at, 'name'],
      message: `"${m.name}" is a builtin name but the ${used} is run instead`,
    });
  } else if (builtin) {
    if (!hasBound && !compared) {
      f.errors.push({
        path: [...at, 'threshold'],
        message: `builtin metric "${m.name}" needs threshold or thresholdRange (or compare, to judge it against the primary); expected a number, got nothing`,
      });
    }
    if (builtin.providers && provider !== undefined && !builtin.providers.includes(provider)) {
      f.errors.push({
        path: [...at, 'name'],
        message: `"${m.name}" is a metric of provider ${builtin.providers.join('/')}, not ${provider}; use "${builtin.check}"`,
      });
    }
  } else if (m.templateRef === undefined && m.query === undefined) {
    f.errors.push({
      path: [...at, 'name'],
      message: `expected a builtin metric (request-success-rate, request-duration) or a query or templateRef, got name "${m.name}" alone`,
    });
  } else if (!hasBound) {
    f.warnings.push({
      path: [...at],
      message: `metric "${m.name}" has no threshold or thresholdRange; it never fails`,
    });
  }
  const r = m.thresholdRange;
  if (r?.min !== undefined && r.max !== undefined && r.min > r.max) {
    f.errors.push({
      path: [...at, 'thresholdRange'],
      message: `expected min ≤ max, got min ${r.min} > max ${r.max}`,
    });
  }
  if (m.threshold !== undefined && r !== undefined) {
    f.warnings.push({ path: [...at, 'threshold'], message: 'ignored: thresholdRange takes precedence' });
  }
}

function checkWebhooks(hooks: readonly WebhookSpec[], intervalS: number, f: Findings): void {
  const seen = new Map<string, number>();
  hooks.forEach((w, i) => {
    const first = seen.get(w.name);
    if (first !== undefined) {
      f.errors.push({
        path: [...A, 'webhooks', i, 'name'],
        message: `expected a unique webhook name, got "${w.name}" (also webhooks[${first}])`,
      });
    } else seen.set(w.name, i);
    if (!/^https?:\/\//i.test(w.url)) {
      f.errors.push({
        path: [...A, 'webhooks', i, 'url'],
        message: `expected an http or https URL, got "${w.url}"`,
      });
    }
  });
  const rollout = hooks.filter((w) => webhookType(w) === 'rollout');
  const total = rollout.reduce((sum, w) => sum + webhookTimeoutMs(w), 0);
  if (rollout.length > 0 && total >= intervalS * 1000) {
    f.warnings.push({
      path: [...A, 'webhooks'],
      message: `rollout webhook timeouts add up to ${total / 1000}s, not less than the ${intervalS}s analysis interval`,
    });
  }
}
