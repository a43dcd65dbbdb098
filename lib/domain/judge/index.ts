/**
 * The canary-vs-primary judge: anytime-valid sequential comparisons of error ratios (from counts)
 * and latency distributions (from histogram buckets), the step policy that turns verdicts into
 * actions, and the spec fragments that switch it on. See docs/analysis.md.
 */
export type { CompareOptions, CountSnapshot, HistogramSnapshot, Judgement } from './types.js';
export { addErrorSnapshot, emptyErrorEvidence, judgeErrorEvidence } from './errors.js';
export { addLatencySnapshot, emptyLatencyEvidence, judgeLatencyEvidence } from './latency.js';
export { judgeStep } from './policy.js';
export { judgeConfig, type JudgeConfig } from './spec.js';
export { planErrors, planLatency } from './plan.js';
export { shiftInformation, referenceCdf } from './latency-model.js';
