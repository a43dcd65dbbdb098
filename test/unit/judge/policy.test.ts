/** The step policy: what a step does with the verdicts. */
import { describe, expect, it } from 'vitest';
import { judgeStep, type JudgeStepInput } from '../../../lib/domain/judge/policy.js';
import type { Judgement, JudgeVerdict } from '../../../lib/domain/judge/types.js';

function verdict(metric: string, v: JudgeVerdict): Judgement {
  return {
    metric,
    kind: 'errors',
    verdict: v,
    canary: { requests: 1 },
    primary: { requests: 1 },
    effect: { unit: 'pp', estimate: 0, lower: -1, upper: 1, confidence: 0.98 },
    tolerance: 0,
    margin: 1,
    explanation: `${metric}: ${v}.`,
    warnings: [],
  };
}

const config: JudgeStepInput['config'] = {
  advance: 'unlessFail',
  failFast: true,
  inconclusive: { maxSteps: 3, outcome: 'hold' },
};

function step(vs: JudgeVerdict[], o: Partial<JudgeStepInput> = {}) {
  return judgeStep({
    judgements: vs.map((v, i) => verdict(`m${i}`, v)),
    atMaxWeight: false,
    inconclusiveSteps: 0,
    config,
    ...o,
  });
}

describe('judgeStep', () => {
  it.each([
    {
      name: 'a failure rolls back at once (failFast)',
      vs: ['pass', 'fail'],
      o: {},
      want: { action: 'rollback', reason: 'JudgeFailed', inconclusiveSteps: 0 },
    },
    {
      name: 'a failure counts one failed check without failFast',
      vs: ['fail', 'inconclusive'],
      o: { config: { ...config, failFast: false } },
      want: { action: 'failedCheck', reason: 'JudgeFailed' },
    },
    {
      name: 'all pass: advance',
      vs: ['pass', 'pass'],
      o: {},
      want: { action: 'advance', reason: 'JudgePassed' },
    },
    {
      name: 'all pass at maxWeight: advance (promote)',
      vs: ['pass'],
      o: { atMaxWeight: true },
      want: { action: 'advance', reason: 'JudgePassed' },
    },
    {
      name: 'inconclusive below maxWeight, unlessFail: advance, nothing counted',
      vs: ['pass', 'inconclusive'],
      o: { inconclusiveSteps: 1 },
      want: { action: 'advance', reason: 'JudgeInconclusiveAdvance', inconclusiveSteps: 1 },
    },
    {
      name: 'inconclusive below maxWeight, onPass: wait and count',
      vs: ['inconclusive'],
      o: { config: { ...config, advance: 'onPass' as const } },
      want: { action: 'wait', reason: 'JudgeInconclusive', inconclusiveSteps: 1 },
    },
    {
      name: 'inconclusive at maxWeight: wait and count',
      vs: ['pass', 'inconclusive'],
      o: { atMaxWeight: true, inconclusiveSteps: 1 },
      want: { action: 'wait', inconclusiveSteps: 2 },
    },
    {
      name: 'bound reached, hold: wait for a person',
      vs: ['inconclusive'],
      o: { atMaxWeight: true, inconclusiveSteps: 2 },
      want: { action: 'hold', reason: 'JudgeHeldForDecision', inconclusiveSteps: 3 },
    },
    {
      name: 'bound reached, fail: roll back',
      vs: ['inconclusive'],
      o: {
        atMaxWeight: true,
        inconclusiveSteps: 2,
        config: { ...config, inconclusive: { maxSteps: 3, outcome: 'fail' as const } },
      },
      want: { action: 'rollback', reason: 'JudgeInconclusiveFailed' },
    },
    {
      name: 'bound reached, proceed: advance without evidence',
      vs: ['inconclusive'],
      o: {
        atMaxWeight: true,
        inconclusiveSteps: 2,
        config: { ...config, inconclusive: { maxSteps: 3, outcome: 'proceed' as const } },
      },
      want: { action: 'advance', reason: 'JudgeInconclusiveProceed' },
    },
  ])('$name', ({ vs, o, want }) => {
    expect(step(vs as JudgeVerdict[], o)).toMatchObject(want);
  });

  it('explains with the deciding verdicts', () => {
    const s = step(['pass', 'inconclusive'], { atMaxWeight: true });
    expect(s.deciding.map((j) => j.metric)).toEqual(['m1']);
    expect(s.explanation).toBe('inconclusive step 1/3: m1: inconclusive.');
    expect(step(['pass', 'inconclusive'], { atMaxWeight: true, inconclusiveSteps: 2 }).explanation).toBe(
      'still inconclusive after 3 steps: waiting for an operator to promote or abort. m1: inconclusive.',
    );
  });
});
