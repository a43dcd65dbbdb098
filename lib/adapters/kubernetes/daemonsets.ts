/**
 * The `-primary` DaemonSet, pure (docs/flagger-compatibility.md#daemonset-targets), as Flagger's
 * createPrimaryDaemonSet: the target's pod template under the primary selector label (the same
 * template rule as a Deployment's primary, deployments.ts), its minReadySeconds, revision history
 * and update strategy. A DaemonSet has no replicas and no autoscaler.
 */
import type { V1DaemonSet } from '@kubernetes/client-node';
import { targetName } from '../../domain/spec/accessors.js';
import { primaryTemplate, promotedSpec, type PrimaryInputs } from './deployments.js';
import { ownerLabels, selectorLabel } from './labels.js';

type DaemonSetInputs = PrimaryInputs & { target: V1DaemonSet };

/** The `-primary` DaemonSet to create. */
export function primaryDaemonSet(i: DaemonSetInputs): V1DaemonSet {
  const sel = selectorLabel(i.canary, i.target.spec?.selector, i.selectorLabels);
  const spec = i.target.spec;
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {
      name: `${targetName(i.canary)}-primary`,
      namespace: i.canary.metadata.namespace,
      labels: { ...(i.target.metadata?.labels ?? {}), [sel.key]: sel.primaryValue, ...ownerLabels(i.canary) },
    },
    spec: {
      minReadySeconds: spec?.minReadySeconds,
      revisionHistoryLimit: spec?.revisionHistoryLimit,
      updateStrategy: spec?.updateStrategy,
      selector: { matchLabels: { [sel.key]: sel.primaryValue } },
      template: primaryTemplate(i),
    },
  };
}

/**
 * The primary after promotion: the live object (resourceVersion kept) with the target's template,
 * minReadySeconds, revision history and update strategy; `undefined` when it already runs them.
 */
export function promotedPrimaryDaemonSet(live: V1DaemonSet, i: DaemonSetInputs): V1DaemonSet | undefined {
  const t = i.target.spec;
  return promotedSpec(live, {
    template: primaryTemplate(i),
    minReadySeconds: t?.minReadySeconds,
    revisionHistoryLimit: t?.revisionHistoryLimit,
    updateStrategy: t?.updateStrategy,
  });
}
