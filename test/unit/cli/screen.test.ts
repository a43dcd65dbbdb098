import { createLogUpdate } from 'log-update';
import { describe, expect, it } from 'vitest';
import { pipeView, terminalView } from '../../../cli/screen.js';
import type { CanaryDetail } from '../../../cli/status-view.js';
import { Terminal } from './terminal.js';

const T0 = Date.UTC(2025, 0, 1);

function aDetail(o: Partial<CanaryDetail> = {}): CanaryDetail {
  return {
    cluster: 'prod',
    namespace: 'test',
    name: 'podinfo',
    target: 'podinfo',
    phase: 'Progressing',
    canaryWeight: 20,
    failedChecks: 0,
    iterations: 0,
    paused: false,
    pendingCommand: null,
    nextRunAt: new Date(T0 + 45_000).toISOString(),
    spec: { analysis: { threshold: 5 } },
    lastStep: null,
    ...o,
  };
}

const longStep: CanaryDetail['lastStep'] = {
  at: T0 - 5_000,
  kind: 'step',
  actor: 'controller',
  reason: 'CanaryWeightIncreased',
  explanation: 'all checks passed; the canary weight goes from 10% to 20% and the next step is in 45 seconds',
};

describe('terminalView (status --watch on a terminal)', () => {
  it('redraws in place by terminal rows: a wrapped line leaves no stray rows behind', () => {
    const term = new Terminal(30);
    const view = terminalView(term, false, createLogUpdate);
    view.show(aDetail({ lastStep: longStep }), T0);
    const first = term.text();
    expect(first.length).toBeGreaterThan(9); // the long lines wrapped onto extra rows
    view.show(aDetail({ canaryWeight: 30, lastStep: null }), T0 + 2000);
    expect(term.text()).toEqual([
      'canary    prod/test/podinfo (t',
      'arget Deployment/podinfo)',
      'phase     Progressing',
      'weight    [###-------] 30%',
      'failures  0 (rollback at 5)',
      'next      in 43s',
    ]);
    view.done();
  });

  it('shows a passing problem under the block until the next state', () => {
    const term = new Terminal(80);
    const view = terminalView(term, false, createLogUpdate);
    view.show(aDetail(), T0);
    view.problem('service unavailable (HTTP 503); retrying');
    expect(term.text().at(-1)).toBe('warning: service unavailable (HTTP 503); retrying');
    view.show(aDetail(), T0 + 1000);
    expect(term.text().at(-1)).toBe('next      in 44s');
  });
});

describe('pipeView (status --watch into a pipe)', () => {
  it('prints a block only when the canary changed, not on every poll', () => {
    let out = '';
    let err = '';
    const view = pipeView({ write: (s: string) => (out += s) }, { write: (s: string) => (err += s) }, false);
    for (let i = 0; i < 50; i++) view.show(aDetail(), T0 + i * 2000);
    expect(out.split('\n').filter((l) => l.startsWith('canary'))).toHaveLength(1);
    view.show(aDetail({ canaryWeight: 30 }), T0 + 200_000);
    view.show(aDetail({ canaryWeight: 30 }), T0 + 202_000);
    expect(out.split('\n').filter((l) => l.startsWith('canary'))).toHaveLength(2);
    expect(out).toContain('\nweight    [###-------] 30%\n');
    view.problem('boom; retrying');
    view.problem('boom; retrying');
    expect(err).toBe('warning: boom; retrying\n');
  });
});
