/**
 * Fakes of what the analysis asks: webhooks (lib/ports/hooks.ts), a metrics server and the check
 * query resolver (lib/ports/metrics.ts). Each answers from a function the test may replace and
 * records every call, so a test counts the checks a step ran.
 */
import type { HookCall, HookResult, Hooks } from '../../../lib/ports/hooks.js';
import type {
  CheckContext,
  CheckDefinition,
  CheckQueryResolver,
  JudgeComparison,
  JudgeSideQueries,
  MetricsProvider,
  MetricTemplate,
  QueryRange,
  QueryResult,
  RangeResult,
  ResolvedCheck,
  VectorResult,
  WorkloadSide,
} from '../../../lib/ports/metrics.js';
import { Calls } from './calls.js';

/** Every hook answers 200 unless `answer` says otherwise. */
export class FakeHooks implements Hooks {
  readonly calls = new Calls();
  answer: (call: HookCall) => HookResult | Promise<HookResult> = (call) => answered(call, 200);

  async call(hook: HookCall): Promise<HookResult> {
    await this.calls.enter('call', hook);
    return this.answer(hook);
  }

  /** The hook calls made, in order. */
  made(): HookCall[] {
    return this.calls.args('call').map(([c]) => c as HookCall);
  }
}

/** A hook result with `status` (ok when ≤ 202, as Flagger). */
export function answered(call: HookCall, status: number, body = ''): HookResult {
  return {
    ok: status <= 202,
    status,
    body,
    attempts: 1,
    durationMs: 0,
    explanation: `${call.type} hook "${call.name}": ${status}`,
  };
}

/**
 * A metrics server answering 100 to every query and an empty vector (no series yet) to every
 * vector query, unless `answer` / `answerVector` say otherwise.
 */
export class FakeMetrics implements MetricsProvider {
  readonly calls = new Calls();
  answer: (query: string) => QueryResult = () => ({ kind: 'value', value: 100 });
  answerVector: (query: string) => VectorResult = () => ({ kind: 'vector', samples: [] });
  online = true;

  async query(q: string): Promise<QueryResult> {
    await this.calls.enter('query', q);
    return this.answer(q);
  }

  /** Range queries answer no series unless `answerRange` says otherwise. */
  answerRange: (query: string, range: QueryRange) => RangeResult = () => ({ kind: 'series', series: [] });

  async queryRange(q: string, range: QueryRange): Promise<RangeResult> {
    await this.calls.enter('queryRange', q, range);
    return this.answerRange(q, range);
  }

  async queryVector(q: string): Promise<VectorResult> {
    await this.calls.enter('queryVector', q);
    return this.answerVector(q);
  }

  async isOnline(): Promise<boolean> {
    await this.calls.enter('isOnline');
    return this.online;
  }
}

/**
 * Resolves a check to `<name>{<cluster labels>}`, and records the context it was given; a
 * `templateRef` to one of `templates` (by `namespace/name`, the canary's namespace by default)
 * resolves to that template, to one not there throws as a missing template does.
 */
export class FakeResolver implements CheckQueryResolver {
  readonly calls = new Calls();
  templates = new Map<string, MetricTemplate>();

  async resolve(check: CheckDefinition, canary: CheckContext): Promise<ResolvedCheck> {
    await this.calls.enter('resolve', check, canary);
    const labels = Object.entries(canary.clusterLabels ?? {}).map(([k, v]) => `${k}="${v}"`);
    const query = `${check.name}{${labels.join(',')}}`;
    if (!check.templateRef || this.templates.size === 0) return { query, source: 'builtin' };
    const ref = `${check.templateRef.namespace ?? canary.namespace}/${check.templateRef.name}`;
    const template = this.templates.get(ref);
    if (!template) throw new Error(`metric "${check.name}": MetricTemplate ${ref} not found`);
    return { query, source: 'template', template };
  }

  /** `requests{workload="…"}`, `ok{…}`, `buckets{…}` of the side's workload (`<target>-primary`). */
  judgeQueries(
    comparison: Pick<JudgeComparison, 'kind'>,
    canary: CheckContext,
    side: WorkloadSide,
  ): JudgeSideQueries {
    const workload = side === 'primary' ? `${canary.target}-primary` : canary.target;
    const sel = `{workload="${workload}"}`;
    return comparison.kind === 'errors'
      ? { kind: 'errors', workload, requests: `requests${sel}`, ok: `ok${sel}` }
      : { kind: 'latency', workload, buckets: `buckets${sel}`, scale: 1 };
  }
}

/** `queryRange` of a fake metrics server that only answers instant queries. */
export function noRangeQueries(): Promise<RangeResult> {
  return Promise.resolve({ kind: 'error', message: 'range queries are not supported by this fake' });
}
