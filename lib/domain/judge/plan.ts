/**
 * Sample-size planning: about how many canary requests the sequential judge needs to tell a
 * regression of the margin's size from none. Normal approximations of the mixture boundary, for
 * messages and the docs' tables; the bench measures the real numbers. Pure.
 *
 * Both effects live on a log scale (log rate ratio, log latency factor). With per-canary-request
 * standard deviation σ₁ of the effect estimate and an indifference zone of width Δ between
 * "no worse than the tolerance" and "worse than the margin", a verdict needs the anytime-valid
 * interval's half-width to shrink below Δ: n ≈ ((c_α + z_power)·σ₁/Δ)², where c_α ≈ √(2·ln(1/α) + 2)
 * is the boundary of a normal mixture martingale near its tuned sample size.
 */
import { qnorm } from './special.js';

/** c_α: the effective z of a one-sided mixture boundary at level α. */
function boundaryZ(alpha: number): number {
  return Math.sqrt(2 * Math.log(1 / alpha) + 2);
}

/** Planning inputs common to both metrics. */
export interface PlanOptions {
  /** Canary share of the requests (0 < share < 1), e.g. 0.5 at maxWeight 50. */
  share: number;
  /** One-sided level of the test that must conclude. */
  alpha: number;
  /** Probability of concluding at that size (0.5 = typical, 0.99 = nearly always). */
  power?: number;
}

function required(sigma1: number, zone: number, o: PlanOptions): number {
  if (!(zone > 0) || !(sigma1 > 0)) return Infinity;
  const zPower = o.power === undefined || o.power <= 0.5 ? 0 : qnorm(o.power);
  return Math.ceil(((boundaryZ(o.alpha) + zPower) * sigma1) / zone) ** 2;
}

/**
 * Canary requests to tell an error rate of `primaryRate` (fraction) from `primaryRate + marginPp/100`.
 * σ₁² of the log rate ratio = 1/p_c + share/((1 − share)·p_p), evaluated at the regressed canary.
 */
export function planErrors(primaryRate: number, marginPp: number, o: PlanOptions): number {
  if (!(primaryRate > 0)) return Infinity;
  const canaryRate = primaryRate + marginPp / 100;
  const sigma1 = Math.sqrt(1 / canaryRate + o.share / ((1 - o.share) * primaryRate));
  return required(sigma1, Math.log(canaryRate / primaryRate), o);
}

/**
 * Canary requests to tell no change from a latency factor `margin` (e.g. 1.2), given the Fisher
 * information per request about the log factor from the bucketed primary distribution
 * ({@link shiftInformation} in latency-model.ts).
 */
export function planLatency(informationPerRequest: number, margin: number, o: PlanOptions): number {
  if (!(informationPerRequest > 0)) return Infinity;
  const sigma1 = Math.sqrt(1 / informationPerRequest / (1 - o.share));
  return required(sigma1, Math.log(margin), o);
}
