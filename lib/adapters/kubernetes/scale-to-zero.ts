/**
 * Flagger's "scale to zero" of a DaemonSet, pure (docs/flagger-compatibility.md#daemonset-targets):
 * a DaemonSet has no replicas, so its pod template gets the node selector
 * `flagger.app/scale-to-zero: "true"`, which no node carries, and loses it to scale up. The key is
 * never part of what the target runs: revision hashes and the primary's copy leave it out.
 */
import type { V1PodTemplateSpec } from '@kubernetes/client-node';

/** The node selector key no node carries. */
export const SCALE_TO_ZERO_KEY = 'flagger.app/scale-to-zero';

/** True when the template carries the scale-to-zero node selector. */
export function scaledToZero(t: V1PodTemplateSpec | undefined): boolean {
  return t?.spec?.nodeSelector?.[SCALE_TO_ZERO_KEY] !== undefined;
}

/**
 * The template without the scale-to-zero key (and without a node selector it leaves empty); the
 * same object when the key is absent, so a template that never had it hashes as before.
 */
export function withoutScaleToZero(t: V1PodTemplateSpec | undefined): V1PodTemplateSpec | undefined {
  if (!t?.spec || !scaledToZero(t)) return t;
  const { [SCALE_TO_ZERO_KEY]: _dropped, ...rest } = t.spec.nodeSelector!;
  const { nodeSelector: _all, ...spec } = t.spec;
  return { ...t, spec: Object.keys(rest).length === 0 ? spec : { ...spec, nodeSelector: rest } };
}

/** JSON merge patch of a DaemonSet: scale to zero (`zero`) or back up; undefined when already so. */
export function scaleToZeroPatch(t: V1PodTemplateSpec | undefined, zero: boolean): object | undefined {
  if (scaledToZero(t) === zero) return undefined;
  return { spec: { template: { spec: { nodeSelector: { [SCALE_TO_ZERO_KEY]: zero ? 'true' : null } } } } };
}
