/**
 * What a step reads and reconciles, by phase (pure; docs/architecture.md#requests-per-step).
 *
 * The promotion (Flagger's Promoting and Finalising) begins with the step that copies the target
 * and its configs to the primary (→ Promoting). The steps after it only wait for the primary and
 * move traffic back to it: they decide from the primary's readiness and the live routes, so they
 * neither read the target's tracked ConfigMaps and Secrets nor run the base reconciliation — except
 * the step that ends the promotion, which reconciles (the idle canary it leaves is repaired and
 * swept from what it touched), and any step that found no routes to move (a deleted routing object
 * is recreated first).
 */
import type { Phase } from './phase.js';
import type { CanaryStatus } from './status.js';
import type { Stamps } from './sweep/seen.js';

const PROMOTION: ReadonlySet<Phase> = new Set(['Promoting', 'Finalising']);

/**
 * Whether a step starting from `status` reads the target's tracked configs. Not while promoting:
 * the step that entered Promoting copied them and kept their stamps (`status.configStamps`) for the
 * promotion's last step to record as seen. A promotion without them (a row saved mid-promotion by
 * an older version) reads them.
 */
export function readsConfigs(status: Pick<CanaryStatus, 'phase' | 'configStamps'>): boolean {
  return !PROMOTION.has(status.phase) || status.configStamps === undefined;
}

/** Whether a status of `phase` keeps `configStamps` (only while promoting). */
export function keepsConfigStamps(phase: Phase): boolean {
  return PROMOTION.has(phase);
}

/**
 * Whether a step from phase `from` to phase `to` starts with the base reconciliation (decide's
 * `baseActions`): always, except for a step of the promotion that stays in it while it observed
 * the routes. Drift made meanwhile is repaired by the step that ends the promotion.
 */
export function reconciles(from: Phase, to: Phase, routesObserved: boolean): boolean {
  return !(PROMOTION.has(from) && PROMOTION.has(to) && routesObserved);
}

/**
 * What a step saw, for an idle canary's record: the objects it touched and — when it did not read
 * the target's configs — the configs' stamps the promotion kept. A config changed since the
 * promotion began then differs from the record, and the next sweep asks for a step.
 */
export function sawWith(from: Pick<CanaryStatus, 'phase' | 'configStamps'>, touched: Stamps): Stamps {
  return readsConfigs(from) ? touched : { ...from.configStamps, ...touched };
}
