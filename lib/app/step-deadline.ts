/**
 * How long one step may run, and so how long its claim on the canary lasts. One constant for the
 * step function's own deadline (functions/step/batch.ts, local mode's queue) and the claim
 * (lib/wiring-step.ts), so the two cannot drift apart.
 */

/** A step's deadline: its signal aborts every request after this long. */
export const STEP_DEADLINE_MS = 110_000;

/**
 * What a claim lasts beyond the deadline: the step function's timeout (120 s in serverless.yml,
 * where a step that overruns its signal is stopped) is reached by then, with room for the time
 * between the invocation's start and the claim and for clock differences between Lambda hosts.
 * A test of the template keeps the function's timeout within the claim.
 */
const CLAIM_MARGIN_MS = 10_000;

/**
 * How long a step's claim on its canary lasts: its deadline plus the margin. A step that dies
 * holding the claim delays its canary by at most this (the claim moved nextRunAt to its end).
 */
export const CLAIM_MS = STEP_DEADLINE_MS + CLAIM_MARGIN_MS;
