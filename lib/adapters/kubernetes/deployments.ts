/**
 * The `-primary` Deployment, pure (docs/flagger-compatibility.md#workloads-and-services): built from
 * the target, with the selector label rewritten to `<target>-primary`, tracked config references
 * renamed to their `-primary` copies and a fresh rollout id in the pod annotations.
 */
import type { V1Deployment, V1PodTemplateSpec } from '@kubernetes/client-node';
import { withoutScaleToZero } from './scale-to-zero.js';
import type { Workload } from './resources.js';
import type { Canary } from '../../domain/spec/schema.js';
import { targetName } from '../../domain/spec/accessors.js';
import type { ConfigRefs } from './configs.js';
import { rewriteConfigRefs } from './configs.js';
import { canonicalJson } from './hashing.js';
import { ownerLabels, ROLLOUT_ID_ANNOTATION, selectorLabel } from './labels.js';

/** Everything the primary is built from. */
export interface PrimaryInputs {
  canary: Canary;
  /** The live target Deployment or DaemonSet. */
  target: Workload;
  /** Configs that are tracked (and copied); only their references are renamed. */
  tracked: ConfigRefs;
  /** A fresh id (injected randomness); written as the `flagger-id` pod annotation. */
  rolloutId: string;
  /** Selector keys that may carry the app name (the cluster's `routing.selectorLabels`). */
  selectorLabels?: readonly string[];
}

/**
 * The primary's pod template: target template (without the DaemonSet scale-to-zero node selector),
 * primary selector label, `-primary` configs, new id.
 */
export function primaryTemplate(i: PrimaryInputs): V1PodTemplateSpec {
  const sel = selectorLabel(i.canary, i.target.spec?.selector, i.selectorLabels);
  const tpl = withoutScaleToZero(i.target.spec?.template) ?? {};
  const meta = tpl.metadata ?? {};
  return {
    metadata: {
      labels: { ...(meta.labels ?? {}), [sel.key]: sel.primaryValue },
      annotations: { ...(meta.annotations ?? {}), [ROLLOUT_ID_ANNOTATION]: i.rolloutId },
    },
    spec: rewriteConfigRefs(tpl.spec ?? { containers: [] }, i.tracked),
  };
}

/** The `-primary` Deployment to create: replicas = target's if > 0, else 1. */
export function primaryDeployment(i: PrimaryInputs & { target: V1Deployment }): V1Deployment {
  const sel = selectorLabel(i.canary, i.target.spec?.selector, i.selectorLabels);
  const spec = i.target.spec;
  const name = `${targetName(i.canary)}-primary`;
  const replicas = spec?.replicas && spec.replicas > 0 ? spec.replicas : 1;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: i.canary.metadata.namespace,
      labels: { ...(i.target.metadata?.labels ?? {}), [sel.key]: sel.primaryValue, ...ownerLabels(i.canary) },
    },
    spec: {
      replicas,
      progressDeadlineSeconds: spec?.progressDeadlineSeconds,
      minReadySeconds: spec?.minReadySeconds,
      revisionHistoryLimit: spec?.revisionHistoryLimit,
      strategy: spec?.strategy,
      selector: { matchLabels: { [sel.key]: sel.primaryValue } },
      template: primaryTemplate(i),
    },
  };
}

/**
 * The primary after promotion (docs/flagger-compatibility.md#promotion): the live object
 * (resourceVersion kept, so the write is optimistic) with template, progress deadline, minReadySeconds,
 * revision history and strategy from the target, and replicas too when `copyReplicas` (no
 * autoscalerRef). `undefined` when the primary already runs that template (ignoring the rollout id):
 * promotion is then a no-op.
 */
export function promotedPrimary(
  live: V1Deployment,
  i: PrimaryInputs & { target: V1Deployment },
  copyReplicas: boolean,
): V1Deployment | undefined {
  const t = i.target.spec;
  return promotedSpec(live, {
    template: primaryTemplate(i),
    progressDeadlineSeconds: t?.progressDeadlineSeconds,
    minReadySeconds: t?.minReadySeconds,
    revisionHistoryLimit: t?.revisionHistoryLimit,
    strategy: t?.strategy,
    replicas: copyReplicas && t?.replicas && t.replicas > 0 ? t.replicas : live.spec?.replicas,
  });
}

/**
 * `live` (cloned, selector kept) with the `desired` spec fields, or `undefined` when each of them
 * already has that value (the template compared without the rollout id).
 */
export function promotedSpec<W extends Workload>(
  live: W,
  desired: Partial<NonNullable<W['spec']>> & { template: V1PodTemplateSpec },
): W | undefined {
  const pick = (s: Record<string, unknown>) =>
    Object.fromEntries(
      Object.keys(desired).map((k) => [
        k,
        k === 'template' ? withoutRolloutId(s[k] as V1PodTemplateSpec | undefined) : s[k],
      ]),
    );
  const current = (live.spec ?? {}) as Record<string, unknown>;
  if (canonicalJson(pick(current)) === canonicalJson(pick(desired))) return undefined;
  const out = structuredClone(live);
  out.spec = { ...out.spec!, ...desired, selector: live.spec!.selector };
  return out;
}

function withoutRolloutId(t: V1PodTemplateSpec | undefined): V1PodTemplateSpec | undefined {
  if (!t) return t;
  const annotations = { ...(t.metadata?.annotations ?? {}) };
  delete annotations[ROLLOUT_ID_ANNOTATION];
  return { ...t, metadata: { ...t.metadata, annotations } };
}
