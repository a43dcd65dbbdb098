/**
 * The outcome of one analysis check (a metric or a gating webhook). "No data" is a value, not an
 * exception (STYLE.md habit 8); noData and error count as failed checks, as in Flagger.
 */
type CheckVerdict = 'pass' | 'fail' | 'noData' | 'error';

export interface CheckResult {
  /** Metric or webhook name as written in the spec. */
  name: string;
  kind: 'metric' | 'webhook';
  verdict: CheckVerdict;
  /** The measured value (metrics) or HTTP status (webhooks), when there is one. */
  value?: number;
  /** Bounds the value had to respect (metrics). */
  min?: number;
  max?: number;
  /** The PromQL or URL (without secrets) that produced the value. */
  query?: string;
  /** One line a person can read: "request-success-rate 91.2% < 99% minimum". */
  explanation: string;
}
