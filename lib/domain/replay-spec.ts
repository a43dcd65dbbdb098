/**
 * A Canary for the replay: `parseCanary` plus the judge's fragments (`analysis.judge`,
 * `metrics[].compare`, docs/analysis.md), validated by `judgeFindings`.
 *
 * A bridge until spec/schema.ts and validateCanary accept those fragments (docs/analysis.md
 * "Integration"): today a builtin metric needs a threshold, and the fragments are unknown fields.
 * So compared builtin metrics without bounds are set aside while parsing and put back in their
 * place afterwards, and the unknown-field warnings of the fragments are dropped. Remove this once
 * the spec knows the judge.
 */
import { formatFindings, judgeFindings, type JudgedAnalysis } from './judge/spec.js';
import { parseCanary, type ParseResult } from './spec/parse.js';
import type { MetricSpec } from './spec/schema.js';

type RawMetric = Record<string, unknown>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A metric the judge compares and that has no static bounds of its own. */
function compareOnly(m: RawMetric, judgeEnabled: boolean): boolean {
  const compare = isRecord(m.compare) ? m.compare : undefined;
  if (compare?.against === 'none') return false;
  const compared = compare !== undefined || judgeEnabled;
  return (
    compared && m.threshold === undefined && m.thresholdRange === undefined && !m.query && !m.templateRef
  );
}

/** Parses a Canary manifest object that may use the judge's fragments (see the module comment). */
export function parseReplayCanary(body: Record<string, unknown>): ParseResult {
  const spec = isRecord(body.spec) ? body.spec : {};
  const key = isRecord(spec.analysis) ? 'analysis' : 'canaryAnalysis';
  const analysis = isRecord(spec[key]) ? spec[key] : undefined;
  const raw = Array.isArray(analysis?.metrics) ? (analysis.metrics as unknown[]) : [];
  const judgeEnabled = isRecord(analysis?.judge) && analysis.judge.enabled === true;
  const aside = raw.map((m) => isRecord(m) && compareOnly(m, judgeEnabled));
  const kept = raw.filter((_, i) => !aside[i]);
  const input = analysis ? { ...body, spec: { ...spec, [key]: { ...analysis, metrics: kept } } } : body;
  const parsed = parseCanary(input);
  if (!parsed.ok || !analysis || !parsed.canary.spec.analysis) return parsed;
  const parsedMetrics = [...(parsed.canary.spec.analysis.metrics ?? [])];
  const metrics = raw.map((m, i) => (aside[i] ? (m as MetricSpec) : parsedMetrics.shift()!));
  const judged: JudgedAnalysis = { ...parsed.canary.spec.analysis, metrics };
  const findings = judgeFindings(judged);
  if (findings.errors.length > 0) {
    return {
      ok: false,
      errors: formatFindings(findings.errors).map((line) => {
        const at = line.indexOf(': ');
        return { path: line.slice(0, at), message: line.slice(at + 2) };
      }),
    };
  }
  const fragment = /^spec\.(canaryAnalysis|analysis)\.(judge|metrics\[\d+\]\.compare): unknown field$/;
  return {
    ok: true,
    canary: { ...parsed.canary, spec: { ...parsed.canary.spec, analysis: judged } },
    warnings: [...parsed.warnings.filter((w) => !fragment.test(w)), ...formatFindings(findings.warnings)],
  };
}
