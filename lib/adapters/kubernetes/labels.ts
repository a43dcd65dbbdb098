/**
 * Labels and annotations the controller reads and writes, pure. There is no Canary object in the
 * cluster (canaries live in DynamoDB), so objects we create carry owner labels instead of an owner
 * reference; `kubectl get all -l app.kubernetes.io/managed-by=flagger-serverless` lists them.
 */
import type { V1LabelSelector } from '@kubernetes/client-node';
import type { Canary } from '../../domain/spec/schema.js';
import { targetName } from '../../domain/spec/accessors.js';
import { InvalidError } from './errors.js';

/** `app.kubernetes.io/managed-by` value, and the Events' source component. */
export const COMPONENT = 'flagger-serverless';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
/** Name of the canary (in DynamoDB) that owns the object. */
export const CANARY_LABEL = 'flagger-serverless.io/canary';
/** Pod-template annotation with a fresh id on every write, forcing a rollout (Flagger's `flagger-id`). */
export const ROLLOUT_ID_ANNOTATION = 'flagger-id';
/** Per-object opt-out of config tracking. */
export const CONFIG_TRACKING_ANNOTATION = 'flagger.app/config-tracking';
/** Selector label keys accepted on the target, in order of preference (Flagger's `-selector-labels`). */
export const SELECTOR_LABELS = ['app', 'name', 'app.kubernetes.io/name'] as const;

/** The owner labels of every object created for `canary`. */
export function ownerLabels(canary: Canary): Record<string, string> {
  return { [MANAGED_BY_LABEL]: COMPONENT, [CANARY_LABEL]: labelValue(canary.metadata.name) };
}

/** A label selector matching the objects we created (or labelled) for `canary`. */
export function ownerSelector(canary: Canary): string {
  return Object.entries(ownerLabels(canary))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** A label value: names longer than 63 characters are cut (labels cannot hold more). */
function labelValue(v: string): string {
  return v.length <= 63 ? v : v.slice(0, 63).replace(/[-_.]+$/, '');
}

/** The selector label of a target: its key, the target pods' value and the primary pods' value. */
export interface SelectorLabel {
  key: string;
  canaryValue: string;
  primaryValue: string;
}

/**
 * Finds the target's selector label among `keys` (the cluster's `routing.selectorLabels`, default
 * {@link SELECTOR_LABELS}), first match wins; the primary value is `<target>-primary`. Throws
 * InvalidError when the target selects its pods otherwise.
 */
export function selectorLabel(
  canary: Canary,
  selector: V1LabelSelector | undefined,
  keys: readonly string[] = SELECTOR_LABELS,
): SelectorLabel {
  const labels = selector?.matchLabels ?? {};
  const key = keys.find((k) => labels[k] !== undefined);
  const name = targetName(canary);
  if (key === undefined) {
    throw new InvalidError(
      `Deployment ${canary.metadata.namespace}/${name} spec.selector.matchLabels must contain one of ${keys.join(', ')}`,
    );
  }
  return { key, canaryValue: labels[key], primaryValue: `${name}-primary` };
}
