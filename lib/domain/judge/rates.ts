/**
 * Anytime-valid bounds for one error rate from its totals (errors out of requests), by the
 * mixture e-process of eprocess.ts on a grid of log-odds. Assumes requests fail independently with
 * a rate that does not drift during the analysis; the errors judge uses these bounds only to turn a
 * rate ratio into percentage points and when one version has no errors at all. Pure.
 */
import { halfNormalLogWeights, makeGrid, mixtureBounds } from './eprocess.js';

const GRID = makeGrid(-16, 10, 0.05);
const LOG_W = halfNormalLogWeights(GRID.step, 1);

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** log(1 + e^x) without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** Bounds on a rate: P(rate ≤ lower) ≤ alphaLower and P(rate ≥ upper) ≤ alphaUpper at every look. */
export function rateBounds(
  events: number,
  trials: number,
  alphaLower: number,
  alphaUpper: number,
): { lower: number; upper: number } {
  if (trials <= 0) return { lower: 0, upper: 1 };
  const loglik = new Float64Array(GRID.size);
  for (let i = 0; i < GRID.size; i++) {
    const eta = GRID.min + i * GRID.step;
    loglik[i] = events * eta - trials * softplus(eta);
  }
  const b = mixtureBounds(loglik, GRID, LOG_W, alphaLower, alphaUpper);
  return {
    lower: b.lower === -Infinity ? 0 : sigmoid(b.lower),
    upper: b.upper === Infinity ? 1 : sigmoid(b.upper),
  };
}
