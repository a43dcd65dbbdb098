import { describe, expect, it } from 'vitest';
import { progressLine, redraw } from '../../../cli/commands/status.js';
import { endState, statusBlock, type CanaryDetail } from '../../../cli/status-view.js';

const T0 = Date.UTC(2025, 0, 1);

function aDetail(o: Partial<CanaryDetail> = {}): CanaryDetail {
  return {
    cluster: 'prod',
    namespace: 'test',
    name: 'podinfo',
    target: 'podinfo',
    phase: 'Progressing',
    canaryWeight: 20,
    failedChecks: 1,
    iterations: 0,
    paused: false,
    pendingCommand: null,
    nextRunAt: new Date(T0 + 45_000).toISOString(),
    spec: { analysis: { threshold: 5 } },
    lastStep: null,
    ...o,
  };
}

describe('statusBlock', () => {
  it('shows phase, the weight bar, failed checks out of the threshold and the next step', () => {
    expect(statusBlock(aDetail(), T0)).toEqual([
      'canary    prod/test/podinfo (target Deployment/podinfo)',
      'phase     Progressing',
      'weight    [##--------] 20%',
      'failed    1 of 5 checks',
      'next      in 45s',
    ]);
  });

  it('shows pause, a pending command, iterations and the last step with its checks', () => {
    const lastStep = {
      at: T0 - 12_000,
      kind: 'step',
      actor: 'analyze',
      reason: 'CanaryWeightIncreased',
      explanation: 'all checks passed; canary weight 20%',
      checks: [
        { name: 'request-success-rate', kind: 'metric', verdict: 'pass', explanation: '99.9% ≥ 99% minimum' },
        { name: 'request-duration', kind: 'metric', verdict: 'noData', explanation: 'no data' },
        { type: 'pre-rollout', name: 'acceptance-test', ok: true, explanation: 'HTTP 200' },
      ],
    };
    const lines = statusBlock(
      aDetail({
        paused: true,
        pendingCommand: { kind: 'approve', gate: 'confirm-promotion', by: 'alice' },
        iterations: 3,
        spec: { analysis: { iterations: 10 } },
        lastStep,
      }),
      T0,
    );
    expect(lines).toEqual([
      'canary    prod/test/podinfo (target Deployment/podinfo)',
      'phase     Progressing (paused)',
      'weight    [##--------] 20%',
      'failed    1 of 1 checks',
      'iteration 3 of 10',
      'next      paused',
      'pending   approve confirm-promotion (by alice)',
      'last      12s ago step by analyze: CanaryWeightIncreased',
      '          all checks passed; canary weight 20%',
      '  ✓ request-success-rate: 99.9% ≥ 99% minimum',
      '  ✗ request-duration: no data',
      '  ✓ pre-rollout acceptance-test: HTTP 200',
    ]);
  });
});

describe('endState', () => {
  it.each([
    { phase: 'Succeeded', pendingCommand: null, want: 'succeeded' },
    { phase: 'Failed', pendingCommand: null, want: 'failed' },
    { phase: 'Terminated', pendingCommand: null, want: 'failed' },
    { phase: 'Failed', pendingCommand: { kind: 'retry' }, want: undefined },
    { phase: 'Progressing', pendingCommand: null, want: undefined },
    { phase: 'Initialized', pendingCommand: null, want: undefined },
  ])('$phase with $pendingCommand → $want', ({ phase, pendingCommand, want }) => {
    expect(endState({ phase, pendingCommand })).toBe(want);
  });
});

describe('progressLine and redraw', () => {
  it('summarises a step on one line', () => {
    expect(progressLine(aDetail({ paused: true, pendingCommand: { kind: 'resume' } }))).toBe(
      'Progressing [##--------] 20% failed 1 paused pending resume',
    );
  });

  it('moves the cursor over the previous frame before drawing', () => {
    expect(redraw(0, ['a', 'b'])).toBe('a\nb\n');
    expect(redraw(2, ['c'])).toBe('\x1b[2A\x1b[Jc\n');
  });
});
