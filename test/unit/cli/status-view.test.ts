import { describe, expect, it } from 'vitest';
import { progressLine } from '../../../cli/commands/status.js';
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
  it('names the target kind', () => {
    const c = aDetail({ spec: { analysis: { threshold: 5 }, targetRef: { kind: 'DaemonSet' } } });
    expect(statusBlock(c, T0)[0]).toBe('canary    prod/test/podinfo (target DaemonSet/podinfo)');
  });

  it('shows phase, the weight bar, failures with the threshold that rolls back, and the next step', () => {
    expect(statusBlock(aDetail(), T0)).toEqual([
      'canary    prod/test/podinfo (target Deployment/podinfo)',
      'phase     Progressing',
      'weight    [##--------] 20%',
      'failures  1 (rollback at 5)',
      'next      in 45s',
    ]);
  });

  it('never words failures as "N of M checks", which reads as "N of M checks failed"', () => {
    const text = statusBlock(aDetail({ failedChecks: 2 }), T0).join('\n') + progressLine(aDetail());
    expect(text).not.toMatch(/\d+ of \d+ checks/);
    expect(text).toContain('failures  2 (rollback at 5)');
  });

  it('shows absolute times for a pipe, so an unchanged canary gives an identical block', () => {
    const d = aDetail({
      lastStep: { at: T0 - 12_000, kind: 'step', actor: 'a', reason: 'R', explanation: 'e' },
    });
    const a = statusBlock(d, T0, 'absolute');
    expect(a).toContain('next      2025-01-01T00:00:45Z');
    expect(a).toContain('last      at 2024-12-31T23:59:48Z step by a: R');
    expect(statusBlock(d, T0 + 7_000, 'absolute')).toEqual(a);
  });

  it('-o wide adds the revisions and the last update', () => {
    const d = aDetail({
      status: { lastAppliedSpec: 'abc', lastPromotedSpec: 'def', lastTransitionTime: '2025-01-01T00:00:00Z' },
      updatedAt: '2025-01-01T00:00:01Z',
      version: 7,
    });
    expect(statusBlock(d, T0, 'relative', true).slice(5, 8)).toEqual([
      'revision  abc (promoted def)',
      'since     2025-01-01T00:00:00Z',
      'updated   2025-01-01T00:00:01Z (version 7)',
    ]);
  });

  it('shows pause, a pending command, iterations and the last step with its checks', () => {
    const lastStep: CanaryDetail['lastStep'] = {
      at: T0 - 12_000,
      kind: 'step',
      actor: 'controller',
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
      'failures  1 (rollback at 1)',
      'iteration 3 of 10',
      'next      paused',
      'pending   approve confirm-promotion (by alice)',
      'last      12s ago step by controller: CanaryWeightIncreased',
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

describe('progressLine', () => {
  it('summarises a step on one line', () => {
    expect(progressLine(aDetail({ paused: true, pendingCommand: { kind: 'resume' } }))).toBe(
      'Progressing [##--------] 20% failures 1 (rollback at 5) paused pending resume',
    );
  });
});
