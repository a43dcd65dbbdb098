/**
 * The bench's cells: kinds of release × traffic levels, and the per-cell tallies. A cell runs the
 * same seeded releases through Flagger's static analysis and through the judge (two policies).
 */
import { judgeConfig, type JudgeConfig } from '../../../lib/domain/judge/index.js';
import { judgedRelease, staticRelease, type Result } from './releases.js';
import { PRIMARY, type Behaviour } from './traffic.js';

/** A kind of release: good, or one regression. */
export interface Kind {
  id: string;
  label: string;
  bad: boolean;
  canary: Behaviour;
}

export const KINDS: readonly Kind[] = [
  { id: 'good', label: 'good (same as primary)', bad: false, canary: PRIMARY },
  { id: 'e1', label: 'errors +1 pp', bad: true, canary: { ...PRIMARY, errorRate: PRIMARY.errorRate + 0.01 } },
  { id: 'e2', label: 'errors +2 pp', bad: true, canary: { ...PRIMARY, errorRate: PRIMARY.errorRate + 0.02 } },
  { id: 'e5', label: 'errors +5 pp', bad: true, canary: { ...PRIMARY, errorRate: PRIMARY.errorRate + 0.05 } },
  { id: 'l12', label: 'latency ×1.2', bad: true, canary: { ...PRIMARY, medianMs: PRIMARY.medianMs * 1.2 } },
  { id: 'l15', label: 'latency ×1.5', bad: true, canary: { ...PRIMARY, medianMs: PRIMARY.medianMs * 1.5 } },
  { id: 'l2', label: 'latency ×2', bad: true, canary: { ...PRIMARY, medianMs: PRIMARY.medianMs * 2 } },
];

export const RATES = [2, 20, 100] as const;

/** The analyses compared in every cell. */
export const ANALYSES = ['static', 'judge', 'judgeOnPass'] as const;
export type Analysis = (typeof ANALYSES)[number];

/** The judge as the bench configures it: both builtins compared, defaults otherwise. */
function benchJudge(advance: 'unlessFail' | 'onPass'): JudgeConfig {
  return judgeConfig({
    stepWeight: 10,
    maxWeight: 50,
    metrics: [{ name: 'request-success-rate' }, { name: 'request-duration' }],
    judge: { enabled: true, advance },
  });
}

/** One cell's raw results. */
export interface CellResult {
  kind: string;
  rps: number;
  results: Record<Analysis, Result[]>;
}

/** Runs `n` releases of one cell, seeds `seed + i`. */
export function runCell(kind: Kind, rps: number, n: number, seed: number): CellResult {
  const judge = benchJudge('unlessFail');
  const onPass = benchJudge('onPass');
  const results: Record<Analysis, Result[]> = { static: [], judge: [], judgeOnPass: [] };
  for (let i = 0; i < n; i++) {
    const c = { seed: seed + i, rps, canary: kind.canary, primary: PRIMARY };
    results.static.push(staticRelease(c));
    results.judge.push(judgedRelease(c, judge));
    results.judgeOnPass.push(judgedRelease(c, onPass));
  }
  return { kind: kind.id, rps, results };
}
