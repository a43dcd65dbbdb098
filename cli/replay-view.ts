/**
 * How `replay` shows a replay: a data view (`-o json|yaml`: ISO times) and a table per step with
 * each check's value and verdict, the judge's sentences under their step, and the ending.
 */
import type { ReplayReport } from '../lib/app/replay.js';
import type { CheckResult } from '../lib/domain/check.js';
import type { Canary } from '../lib/domain/spec/schema.js';
import { table } from './format.js';

/** The replay as data: what the table shows, with ISO times. */
export function replayView(canary: Canary, provider: string, r: ReplayReport) {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    canary: `${canary.metadata.namespace}/${canary.metadata.name}`,
    provider,
    window: { from: iso(r.window.start), to: iso(r.window.end), stepSeconds: r.window.stepSeconds },
    outcome: { ...r.outcome, at: iso(r.outcome.at) },
    steps: r.steps.map((s) => ({ ...s, at: iso(s.at) })),
    queries: r.queries,
    warnings: r.warnings,
  };
}

type View = ReturnType<typeof replayView>;

/** `99.2% ok`, `92% FAIL`, `no data`, `error`. */
function cell(c: CheckResult | undefined): string {
  if (!c) return '-';
  if (c.verdict === 'noData') return 'no data';
  if (c.verdict === 'error') return 'error';
  const v = c.value === undefined ? '?' : Number.isInteger(c.value) ? String(c.value) : c.value.toFixed(2);
  return `${v} ${c.verdict === 'pass' ? 'ok' : 'FAIL'}`;
}

/** `≥ 99`, `≤ 500`, `[1, 2]`, `no bounds`. */
function bounds(c: CheckResult): string {
  if (c.min !== undefined && c.max !== undefined) return `within [${c.min}, ${c.max}]`;
  if (c.min !== undefined) return `≥ ${c.min}`;
  if (c.max !== undefined) return `≤ ${c.max}`;
  return 'no bounds';
}

function hhmmss(iso: string, sameDay: boolean): string {
  return sameDay ? iso.slice(11, 19) : iso.replace(/\.\d+Z$/, 'Z');
}

/** The human table (see the module comment). */
export function replayTable(v: View): string {
  const first = v.steps[0];
  const names = first ? first.checks.map((c) => c.name) : [];
  const sameDay = v.window.from.slice(0, 10) === v.window.to.slice(0, 10);
  const out: string[] = [
    `replay of ${v.canary} (${v.provider}) from ${v.window.from} to ${v.window.to}, a step every ${v.window.stepSeconds}s${sameDay ? ` (times UTC, ${v.window.from.slice(0, 10)})` : ''}`,
  ];
  if (first && first.checks.length > 0)
    out.push(`checks: ${first.checks.map((c) => `${c.name} ${bounds(c)}`).join('; ')}`);
  out.push(
    "WEIGHT is what this spec would have set; the values come from the traffic the recorded release had (SHARE: the canary's share of its requests in the step).",
    '',
  );
  const headers = ['TIME', 'WEIGHT', 'SHARE', 'FAILED', ...names, 'DECISION'];
  const lines = table(
    headers,
    v.steps.map((s) => [
      hhmmss(s.at, sameDay),
      `${s.weight}%${s.iterations !== undefined ? ` it ${s.iterations}` : ''}`,
      s.recordedCanaryPercent === undefined ? '-' : `${s.recordedCanaryPercent}%`,
      String(s.failedChecks),
      ...names.map((n) => cell(s.checks.find((c) => c.name === n))),
      `${s.action}: ${s.explanation}`,
    ]),
  ).split('\n');
  out.push(lines[0]);
  v.steps.forEach((s, i) => {
    out.push(lines[i + 1]);
    for (const j of s.judgements) out.push(`    judge ${j.explanation}`);
    // The first step is not checked: its missing data (a canary without traffic yet) is no news.
    if (s.action !== 'start')
      for (const c of s.checks)
        if (c.verdict === 'noData' || c.verdict === 'error') out.push(`    ${c.explanation}`);
  });
  out.push('', ending(v));
  return out.join('\n') + '\n';
}

function ending(v: View): string {
  const o = v.outcome;
  switch (o.kind) {
    case 'promoted':
      return `would have promoted at ${o.at}: ${o.explanation}`;
    case 'rolledBack':
      return `would have rolled back at ${o.at} because ${o.explanation}`;
    case 'analysing':
      return `still analysing at ${v.window.to}: ${o.explanation}`;
  }
}
