/** Tallies of the bench's cells and their markdown report. */
import { planErrors, planLatency, referenceCdf, shiftInformation } from '../../../lib/domain/judge/index.js';
import { lognormalCdf, lognormalQuantile } from '../../../sandbox/traffic/random.js';
import { ANALYSES, KINDS, type Analysis, type CellResult } from './cells.js';
import type { Result } from './releases.js';
import { ISTIO_BOUNDS, PRIMARY } from './traffic.js';

/** One analysis in one cell. */
interface Summary {
  n: number;
  promoted: number;
  rolledBack: number;
  held: number;
  medianSeconds: number;
  medianCanaryRequests: number;
  /** Share decided correctly (good → promoted, bad → rolled back) within `limitSeconds`. */
  correctWithin: number;
  /** 99th percentile of the time to a correct decision (Infinity if fewer than 99 % are correct). */
  p99CorrectSeconds: number;
  /** Median and 99th percentile of the canary requests served until a correct decision. */
  correctCanaryRequests: [number, number];
  /** Which metric decided, for the judge (e.g. request-success-rate: 12). */
  decidedBy: Record<string, number>;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Tallies `results`; correctness needs the cell's kind and the time limit (2× static's median). */
function summarise(results: readonly Result[], bad: boolean, limitSeconds: number): Summary {
  const correct = (r: Result) => (bad ? r.outcome === 'rolledBack' : r.outcome === 'promoted');
  const times = results.map((r) => r.seconds).sort((a, b) => a - b);
  const correctTimes = results
    .filter(correct)
    .map((r) => r.seconds)
    .sort((a, b) => a - b);
  const correctRequests = results
    .filter(correct)
    .map((r) => r.canaryRequests)
    .sort((a, b) => a - b);
  const at99 = Math.ceil(0.99 * results.length) - 1;
  const decidedBy: Record<string, number> = {};
  for (const r of results) if (r.decidedBy) decidedBy[r.decidedBy] = (decidedBy[r.decidedBy] ?? 0) + 1;
  const n = results.length;
  return {
    n,
    promoted: results.filter((r) => r.outcome === 'promoted').length,
    rolledBack: results.filter((r) => r.outcome === 'rolledBack').length,
    held: results.filter((r) => r.outcome === 'held').length,
    medianSeconds: quantile(times, 0.5),
    medianCanaryRequests: quantile(
      results.map((r) => r.canaryRequests).sort((a, b) => a - b),
      0.5,
    ),
    correctWithin: results.filter((r) => correct(r) && r.seconds <= limitSeconds).length / n,
    p99CorrectSeconds: correctTimes.length > at99 ? correctTimes[at99] : Infinity,
    correctCanaryRequests: [
      quantile(correctRequests, 0.5),
      correctRequests.length > at99 ? correctRequests[at99] : Infinity,
    ],
    decidedBy,
  };
}

/** Per cell and analysis. */
export interface CellSummary {
  kind: string;
  rps: number;
  limitSeconds: number;
  s: Record<Analysis, Summary>;
}

export function summariseCell(c: CellResult): CellSummary {
  const bad = KINDS.find((k) => k.id === c.kind)!.bad;
  const staticTimes = c.results.static.map((r) => r.seconds).sort((a, b) => a - b);
  const limitSeconds = 2 * quantile(staticTimes, 0.5);
  const s = Object.fromEntries(
    ANALYSES.map((a) => [a, summarise(c.results[a], bad, limitSeconds)]),
  ) as Record<Analysis, Summary>;
  return { kind: c.kind, rps: c.rps, limitSeconds, s };
}

const pct = (x: number) => `${(100 * x).toFixed(x === 1 || x === 0 ? 0 : 1)} %`;
const conf = (s: Summary) => `${s.promoted} / ${s.rolledBack} / ${s.held}`;
const secs = (x: number) => (Number.isFinite(x) ? `${x} s` : '—');

function goalRows(cells: readonly CellSummary[]): string[] {
  const rows = [
    '| req/s | release | goal | static | judge | judge (onPass) | met by the judge |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const c of cells.filter((x) => x.rps !== 2)) {
    const kind = KINDS.find((k) => k.id === c.kind)!;
    const goal = `≥ 99 % ${kind.bad ? 'rolled back' : 'promoted'} within ${c.limitSeconds} s`;
    const met =
      c.s.judge.correctWithin >= 0.99 ? 'yes' : `**no** (99 % by ${secs(c.s.judge.p99CorrectSeconds)})`;
    rows.push(
      `| ${c.rps} | ${kind.label} | ${goal} | ${pct(c.s.static.correctWithin)} | ${pct(c.s.judge.correctWithin)} | ${pct(c.s.judgeOnPass.correctWithin)} | ${met} |`,
    );
  }
  return rows;
}

function confusionRows(cells: readonly CellSummary[]): string[] {
  const rows = [
    '| req/s | release | static P / R / H | median | canary req | judge P / R / H | median | canary req | judge onPass P / R / H | median | canary req |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const c of cells) {
    const kind = KINDS.find((k) => k.id === c.kind)!;
    const col = (s: Summary) => `${conf(s)} | ${s.medianSeconds} s | ${s.medianCanaryRequests}`;
    rows.push(
      `| ${c.rps} | ${kind.label} | ${col(c.s.static)} | ${col(c.s.judge)} | ${col(c.s.judgeOnPass)} |`,
    );
  }
  return rows;
}

function deciderRows(cells: readonly CellSummary[]): string[] {
  const rows = ['| req/s | release | judge: deciding metric(s) (releases) |', '|---|---|---|'];
  for (const c of cells) {
    const kind = KINDS.find((k) => k.id === c.kind)!;
    const by = Object.entries(c.s.judge.decidedBy)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ');
    rows.push(`| ${c.rps} | ${kind.label} | ${by} |`);
  }
  return rows;
}

/** Analytic canary requests (and time at 50 % weight) for a verdict with 99 % probability, and the bench's. */
function sampleSizeRows(alphaFail: number, cells: readonly CellSummary[]): string[] {
  const cdf = referenceCdf(
    [...ISTIO_BOUNDS, Infinity].map((b, j) => {
      const F = (x: number) => lognormalCdf(PRIMARY, x);
      return 1e6 * (F(b) - (j === 0 ? 0 : F(ISTIO_BOUNDS[j - 1])));
    }),
  );
  const info = shiftInformation(ISTIO_BOUNDS, cdf);
  const o = { share: 0.5, alpha: alphaFail, power: 0.99 };
  const rows = [
    '| regression | planned: typical | planned: 99 % | 99 % at 2 / 20 / 100 req/s (50 % weight) | measured at 100 req/s: median / 99 % |',
    '|---|---|---|---|---|',
  ];
  const add = (id: string, typical: number, sure: number) => {
    const t = (rps: number) => secs(Math.round(sure / (rps * 0.5)));
    const c = cells.find((x) => x.rps === 100 && x.kind === id);
    const measured = c
      ? `${c.s.judge.correctCanaryRequests[0]} / ${Number.isFinite(c.s.judge.correctCanaryRequests[1]) ? c.s.judge.correctCanaryRequests[1] : '> all'}`
      : 'n/a';
    rows.push(
      `| ${KINDS.find((k) => k.id === id)!.label} | ${typical} | ${sure} | ${t(2)} / ${t(20)} / ${t(100)} | ${measured} |`,
    );
  };
  add('good', planErrors(PRIMARY.errorRate, 1, { ...o, power: 0.5 }), planErrors(PRIMARY.errorRate, 1, o));
  (
    [
      ['e1', 1],
      ['e2', 2],
      ['e5', 5],
    ] as const
  ).forEach(([id, pp]) =>
    add(id, planErrors(PRIMARY.errorRate, pp, { ...o, power: 0.5 }), planErrors(PRIMARY.errorRate, pp, o)),
  );
  (
    [
      ['l12', 1.2],
      ['l15', 1.5],
      ['l2', 2],
    ] as const
  ).forEach(([id, f]) => add(id, planLatency(info, f, { ...o, power: 0.5 }), planLatency(info, f, o)));
  rows.push(
    '',
    `Fisher information per request about ln θ from Istio's buckets: ${info.toFixed(2)} (continuous lognormal data: ${(1 / PRIMARY.sigma ** 2).toFixed(2)}).`,
  );
  return rows;
}

/** The whole report. */
export function renderReport(
  cells: readonly CellSummary[],
  meta: { n: number; seed: number; seconds: number },
): string {
  const two = cells.filter((c) => c.rps === 2);
  const badPromoted2 = two
    .filter((c) => c !== two.find((x) => x.kind === 'good'))
    .reduce((s, c) => s + c.s.judge.promoted + c.s.judgeOnPass.promoted, 0);
  const alphaFail = 0.005;
  return [
    '# Release quality bench: static thresholds vs the canary-vs-primary judge',
    '',
    `${meta.n} seeded releases per cell (seed ${meta.seed}), virtual time, ${meta.seconds.toFixed(0)} s of compute. Reproduce: \`npm run bench:quality -- --releases ${meta.n} --seed ${meta.seed}\`.`,
    '',
    `Traffic: Poisson arrivals at 2, 20 or 100 req/s; each request goes to the canary with probability weight/100; errors with the version's probability; latencies lognormal (primary: 0.5 % errors, median ${PRIMARY.medianMs} ms, P99 ${Math.round(lognormalQuantile(PRIMARY, 0.99))} ms), counted in Istio's buckets. Analysis as podinfo's: interval 10 s, stepWeight 10, maxWeight 50, threshold 5.`,
    '',
    "- **static**: the real `decide()` with Flagger's builtin checks (success ≥ 99 %, P99 ≤ 500 ms), computed from counters scraped every 15 s with Prometheus' `rate()` over 1 m (first sample of a new series not counted; no data = failed check) and `histogram_quantile`.",
    '- **judge**: the sequential judge on both builtins (confidence 0.99: α 0.5 % per metric for failing, 1 % for passing; margins 1 pp and ×1.2, tolerance 0), fed exact cumulative counts; `advance: unlessFail` (default) and `advance: onPass` (hold the weight while inconclusive); 30 inconclusive steps → held.',
    '',
    'P / R / H = promoted / rolled back / held (not promoted). Times from the first canary traffic to the decision.',
    '',
    '## Goals at 20 and 100 req/s',
    '',
    "Share of releases decided correctly (good promoted, bad rolled back) within 2× the static analysis' median decision time in the same cell.",
    '',
    ...goalRows(cells),
    '',
    '## At 2 req/s',
    '',
    `Bad releases promoted by the judge (both policies): **${badPromoted2}** of ${two.filter((c) => c.kind !== 'good').length * 2 * meta.n}. A pass needs the anytime-valid bound to exclude the margin, so at this traffic the judge holds instead of guessing.`,
    '',
    '## Every cell',
    '',
    ...confusionRows(cells),
    '',
    '## What decided (judge, unlessFail)',
    '',
    ...deciderRows(cells),
    '',
    `## Sample sizes: canary requests to tell the regression from none`,
    '',
    `Planned: normal approximation of the anytime-valid boundary at canary share 50 %, α = ${alphaFail} (conservative; the good release is planned as telling "none" from +1 pp). Measured: canary requests served until the judge's correct decision.`,
    '',
    ...sampleSizeRows(alphaFail, cells),
    '',
  ].join('\n');
}
