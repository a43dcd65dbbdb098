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
function scaledToZero(t: V1PodTemplateSpec | undefined): boolean {
  return t?.spec?.nodeSelector?.[SCALE_TO_ZERO_KEY] !== undefined;
}

/**
 * The template without the scale-to-zero key, and without a node selector that is (or it leaves)
 * empty — the API server drops an empty one, a merge patch removing the last key may not; the same
 * object otherwise, so a template that never had the key hashes as before.
 */
export function withoutScaleToZero(t: V1PodTemplateSpec | undefined): V1PodTemplateSpec | undefined {
  const selector = t?.spec?.nodeSelector;
  if (!t?.spec || selector === undefined || (!scaledToZero(t) && Object.keys(selector).length > 0)) return t;
  const { [SCALE_TO_ZERO_KEY]: _dropped, ...rest } = selector;
  const { nodeSelector: _all, ...spec } = t.spec;
  return { ...t, spec: Object.keys(rest).length === 0 ? spec : { ...spec, nodeSelector: rest } };
}

/**
 * JSON merge patch of a DaemonSet: scale to zero (`zero`) or back up, removing the node selector
 * when the key was all it held; undefined when already so.
 */
export function scaleToZeroPatch(t: V1PodTemplateSpec | undefined, zero: boolean): object | undefined {
  if (scaledToZero(t) === zero) return undefined;
  const others = Object.keys(t?.spec?.nodeSelector ?? {}).filter((k) => k !== SCALE_TO_ZERO_KEY);
  const nodeSelector = zero
    ? { [SCALE_TO_ZERO_KEY]: 'true' }
    : others.length
      ? { [SCALE_TO_ZERO_KEY]: null }
      : null;
  return { spec: { template: { spec: { nodeSelector } } } };
}
