/**
 * The canary-vs-primary judge: anytime-valid sequential comparisons of error ratios (from counts)
 * and latency distributions (from histogram buckets), the step policy that turns verdicts into
 * actions, and the spec fragments that switch it on. See docs/analysis.md.
 */
export type {
  ArmSummary,
  CompareOptions,
  Counts,
  CountSnapshot,
  EffectBound,
  HistogramSnapshot,
  Judgement,
  JudgeVerdict,
} from './types.js';
export type { Bucket, Histogram } from './histogram.js';
export { histogramQuantile } from './histogram.js';
export { rankSumTest, rankSumTestHistograms, type RankSumTest } from './ranks.js';
export { binomialTest, twoProportionTest, type Alternative } from './proportions.js';
export {
  addErrorSnapshot,
  emptyErrorEvidence,
  judgeErrorEvidence,
  judgeErrors,
  type ErrorEvidence,
} from './errors.js';
export {
  addLatencySnapshot,
  emptyLatencyEvidence,
  judgeLatency,
  judgeLatencyEvidence,
  type LatencyEvidence,
} from './latency.js';
export {
  judgeStep,
  type JudgeAction,
  type JudgeReason,
  type JudgeStep,
  type JudgeStepInput,
} from './policy.js';
export {
  analysisJudge,
  formatFindings,
  judgeConfig,
  judgeFindings,
  JUDGE_DEFAULTS,
  metricCompare,
  type AnalysisJudge,
  type Comparison,
  type JudgeConfig,
  type JudgedAnalysis,
  type JudgeFindings,
  type MetricCompare,
} from './spec.js';
export { planErrors, planLatency } from './plan.js';
export { shiftInformation, referenceCdf } from './latency-model.js';
