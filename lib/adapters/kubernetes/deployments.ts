/**
 * The `-primary` Deployment, pure (docs/flagger-compatibility.md#workloads-and-services): built from
 * the target, with the selector label rewritten to `<target>-primary`, tracked config references
 * renamed to their `-primary` copies and a fresh rollout id in the pod annotations.
 */
import type { V1Deployment, V1PodTemplateSpec } from '@kubernetes/client-node';
import type { Canary } from '../../domain/spec/schema.js';
import { targetName } from '../../domain/spec/accessors.js';
import type { ConfigRefs } from './configs.js';
import { rewriteConfigRefs } from './configs.js';
import { canonicalJson } from './hashing.js';
import { ownerLabels, ROLLOUT_ID_ANNOTATION, selectorLabel } from './labels.js';

/** Everything the primary is built from. */
export interface PrimaryInputs {
  canary: Canary;
  /** The live target Deployment. */
  target: V1Deployment;
  /** Configs that are tracked (and copied); only their references are renamed. */
  tracked: ConfigRefs;
  /** A fresh id (injected randomness); written as the `flagger-id` pod annotation. */
  rolloutId: string;
  /** Selector keys that may carry the app name (the cluster's `routing.selectorLabels`). */
  selectorLabels?: readonly string[];
}

/** The primary's pod template: target template, primary selector label, `-primary` configs, new id. */
function primaryTemplate(i: PrimaryInputs): V1PodTemplateSpec {
  const sel = selectorLabel(i.canary, i.target.spec?.selector, i.selectorLabels);
  const tpl = i.target.spec?.template ?? {};
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
export function primaryDeployment(i: PrimaryInputs): V1Deployment {
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
  i: PrimaryInputs,
  copyReplicas: boolean,
): V1Deployment | undefined {
  const t = i.target.spec;
  const desired = {
    template: primaryTemplate(i),
    progressDeadlineSeconds: t?.progressDeadlineSeconds,
    minReadySeconds: t?.minReadySeconds,
    revisionHistoryLimit: t?.revisionHistoryLimit,
    strategy: t?.strategy,
    replicas: copyReplicas && t?.replicas && t.replicas > 0 ? t.replicas : live.spec?.replicas,
  };
  const current = { ...live.spec, template: live.spec?.template };
  if (sameRollout(current, desired)) return undefined;
  const out = structuredClone(live);
  out.spec = { ...out.spec!, ...desired, selector: live.spec!.selector };
  return out;
}

function sameRollout(current: Record<string, unknown>, desired: Record<string, unknown>): boolean {
  const pick = (s: Record<string, unknown>) => ({
    template: withoutRolloutId(s.template as V1PodTemplateSpec | undefined),
    progressDeadlineSeconds: s.progressDeadlineSeconds,
    minReadySeconds: s.minReadySeconds,
    revisionHistoryLimit: s.revisionHistoryLimit,
    strategy: s.strategy,
    replicas: s.replicas,
  });
  return canonicalJson(pick(current)) === canonicalJson(pick(desired));
}

function withoutRolloutId(t: V1PodTemplateSpec | undefined): V1PodTemplateSpec | undefined {
  if (!t) return t;
  const annotations = { ...(t.metadata?.annotations ?? {}) };
  delete annotations[ROLLOUT_ID_ANNOTATION];
  return { ...t, metadata: { ...t.metadata, annotations } };
}
