/**
 * `npm run bench:quality:e2e -- --releases N`: the quality bench's releases (good, errors +5 pp,
 * latency ×1.5; primary 0.5 % errors, median 100 ms, P99 300 ms; 100 req/s) through the real
 * handlers with a real Prometheus scraping the traffic simulator, N per kind, each judged step also
 * judged on the simulator's exact counters at that step (test/support/judged-release.ts). Reports,
 * per kind, how each path ended and whether their verdicts agreed; writes
 * .data/bench/quality-e2e.md beside the virtual-time report and prints it. Options: `--releases N`
 * (default 3), `--seed S` (the simulator's, default 1). Needs the `prometheus` binary.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { lognormalQuantile } from '../../../sandbox/traffic/random.js';
import {
  behaviour,
  judgedAnalysis,
  startJudgedWorld,
  type ComparedRelease,
} from '../../support/judged-release.js';
import type { Outcome } from '../../support/virtual-judge.js';
import { KINDS } from './cells.js';
import { PRIMARY, type Behaviour } from './traffic.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const n = arg('releases', 3);
const seed = arg('seed', 1);
const RPS = 100;
const kinds = KINDS.filter((k) => ['good', 'e5', 'l15'].includes(k.id));

/** The simulator's annotations for a bench behaviour (its P99; the median is a third of it). */
function annotationsOf(b: Behaviour): Record<string, string> {
  return behaviour(b.errorRate, Number(lognormalQuantile(b, 0.99).toPrecision(12)));
}

const tally = (rs: readonly ComparedRelease[], pick: (r: ComparedRelease) => Outcome) =>
  (['promoted', 'rolledBack', 'held', 'undecided'] as const)
    .map((o) => rs.filter((r) => pick(r) === o).length)
    .join(' / ');

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

function row(label: string, rs: readonly ComparedRelease[]): string {
  const steps = rs.flatMap((r) => r.steps);
  const agreeingSteps = steps.filter((s) => s.differences.length === 0).length;
  const agreeing = rs.filter((r) => r.real === r.virtual && r.steps.every((s) => s.differences.length === 0));
  return `| ${label} | ${rs.length} | ${tally(rs, (r) => r.real)} | ${tally(rs, (r) => r.virtual)} | ${median(rs.map((r) => r.realSteps))} / ${median(rs.map((r) => r.virtualSteps))} | ${agreeing.length} of ${rs.length} | ${agreeingSteps} of ${steps.length} |`;
}

const started = performance.now();
const world = await startJudgedWorld({
  analysis: judgedAnalysis(),
  primary: annotationsOf(PRIMARY),
  rps: RPS,
  seed,
});
const results = new Map<string, ComparedRelease[]>(kinds.map((k) => [k.id, []]));
const disagreements: string[] = [];
try {
  for (let i = 0; i < n; i++) {
    for (const [j, k] of kinds.entries()) {
      const r = await world.release(`podinfo:7.${i}.${j}`, annotationsOf(k.canary), 60);
      results.get(k.id)!.push(r);
      const diffs = r.steps.flatMap((s, at) => s.differences.map((d) => `step ${at + 1}: ${d}`));
      if (diffs.length > 0 || r.real !== r.virtual)
        disagreements.push(
          `- ${k.label}, release ${i + 1}: real ${r.real}, virtual ${r.virtual}; ${diffs.join('; ')}`,
        );
      console.error(
        `${k.label} #${i + 1}: real ${r.real} (${r.realSteps} judged steps), virtual ${r.virtual}`,
      );
    }
  }
} finally {
  await world.close();
}

const report = [
  '# Release quality bench, end to end: the judge through Prometheus vs the judge on exact counts',
  '',
  `${n} releases per kind (simulator seed ${seed}), ${((performance.now() - started) / 1000).toFixed(0)} s. Reproduce: \`npm run bench:quality:e2e -- --releases ${n} --seed ${seed}\`.`,
  '',
  `Real path: the control plane's handlers read the raw cumulative counters from a real Prometheus (scraping the traffic simulator every second) at each step. Virtual path: the same steps judged on the simulator's exact counters captured at the step (baselineEvidence / addReading / judgeEvidence / judgeStep, as the virtual-time bench). Traffic: ${RPS} req/s; primary 0.5 % errors, median 100 ms, P99 300 ms. Analysis: interval 10 s, stepWeight 10, maxWeight 50, both builtins judged with the defaults, no static check.`,
  '',
  'P / R / H / U = promoted / rolled back / held / undecided. Steps: judged steps until the decision (median). A release agrees when both paths ended alike and every judged step recorded the verdicts, request counts and effect bounds the virtual path computed.',
  '',
  '| release | n | real P / R / H / U | virtual P / R / H / U | steps real / virtual | releases agreeing | judged steps agreeing |',
  '|---|---|---|---|---|---|---|',
  ...kinds.map((k) => row(k.label, results.get(k.id)!)),
  '',
  disagreements.length === 0 ? 'No disagreement.' : ['Disagreements:', '', ...disagreements].join('\n'),
  '',
].join('\n');
mkdirSync('.data/bench', { recursive: true });
writeFileSync('.data/bench/quality-e2e.md', report);
console.log(report);
