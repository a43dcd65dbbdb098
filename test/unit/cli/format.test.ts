import { describe, expect, it } from 'vitest';
import {
  ago,
  canaryTable,
  clusterTable,
  errorLines,
  historyTable,
  relative,
  table,
  weightBar,
} from '../../../cli/format.js';

const T0 = Date.UTC(2025, 0, 1);

describe('weightBar', () => {
  it.each([
    { weight: 0, want: '[----------] 0%' },
    { weight: 50, want: '[#####-----] 50%' },
    { weight: 100, want: '[##########] 100%' },
    { weight: 15, want: '[##--------] 15%' },
    { weight: 130, want: '[##########] 100%' },
    { weight: -5, want: '[----------] 0%' },
  ])('$weight% → $want', ({ weight, want }) => expect(weightBar(weight)).toBe(want));

  it('takes a width', () => expect(weightBar(25, 4)).toBe('[#---] 25%'));
});

describe('relative and ago', () => {
  it.each([
    { iso: null, want: '-' },
    { iso: new Date(T0 - 1000).toISOString(), want: 'now' },
    { iso: new Date(T0 + 45_000).toISOString(), want: 'in 45s' },
    { iso: new Date(T0 + 5 * 60_000).toISOString(), want: 'in 5m' },
    { iso: new Date(T0 + 3 * 3_600_000).toISOString(), want: 'in 3h' },
    { iso: 'garbage', want: '-' },
  ])('relative($iso) = $want', ({ iso, want }) => expect(relative(iso, T0)).toBe(want));

  it('says how long ago', () => {
    expect(ago(T0 - 12_000, T0)).toBe('12s ago');
    expect(ago(T0 - 10 * 60_000, T0)).toBe('10m ago');
    expect(ago(T0 - 3 * 86_400_000, T0)).toBe('3d ago');
  });
});

describe('table', () => {
  it('pads columns to the widest cell, without trailing spaces', () => {
    expect(
      table(
        ['A', 'BB'],
        [
          ['long', 'x'],
          ['s', ''],
        ],
      ),
    ).toBe('A      BB\nlong   x\ns\n');
  });
});

describe('canaryTable', () => {
  it('shows CLUSTER NAMESPACE NAME PHASE WEIGHT FAILED NEXT', () => {
    const row = {
      cluster: 'prod',
      namespace: 'test',
      name: 'podinfo',
      phase: 'Progressing',
      canaryWeight: 20,
      failedChecks: 1,
      paused: false,
      nextRunAt: new Date(T0 + 30_000).toISOString(),
    };
    const out = canaryTable([row, { ...row, name: 'paused-one', paused: true }], T0).split('\n');
    expect(out[0]).toBe('CLUSTER   NAMESPACE   NAME         PHASE         WEIGHT   FAILED   NEXT');
    expect(out[1]).toBe('prod      test        podinfo      Progressing   20%      1        in 30s');
    expect(out[2]).toMatch(/paused-one .* paused$/);
  });
});

describe('historyTable', () => {
  it('prints one row per record with a one-line message', () => {
    const out = historyTable([
      {
        at: T0,
        kind: 'registration',
        actor: 'local-token',
        phase: 'Initializing',
        reason: 'CanaryRegistered',
        explanation: 'registered\nby local-token',
      },
    ]);
    expect(out.split('\n')[1]).toBe(
      '2025-01-01T00:00:00Z   registration   Initializing   -        CanaryRegistered   local-token   registered; by local-token',
    );
  });
});

describe('clusterTable', () => {
  it('names what each kind points at', () => {
    const out = clusterTable([
      { name: 'eu', kind: 'eks', eksClusterName: 'prod-eu', region: 'eu-west-1', defaultProvider: 'istio' },
      { name: 'sandbox', kind: 'endpoint', server: 'https://127.0.0.1:6443', token: '(hidden)' },
      { name: 'k', kind: 'kubeconfig', kubeconfigSecret: 'kc/prod' },
    ]);
    expect(out).toContain('eu        eks          prod-eu (eu-west-1)      istio');
    expect(out).toContain('sandbox   endpoint     https://127.0.0.1:6443   -');
    expect(out).toContain('k         kubeconfig   kc/prod');
  });
});

describe('errorLines', () => {
  it('prints field errors one per line, prefixed with their path', () => {
    const errors = [
      { path: 'spec.analysis.stepWeight', message: 'expected a number, got string "10"' },
      { path: 'spec.service.port', message: 'required' },
    ];
    expect(errorLines('invalid Canary:\n...', errors, 400)).toEqual([
      'error: spec.analysis.stepWeight: expected a number, got string "10"',
      'error: spec.service.port: required',
    ]);
  });

  it('prints the message on one line with the HTTP status when there are no field errors', () => {
    expect(errorLines('canary a/b/c not found', [], 404)).toEqual([
      'error: canary a/b/c not found (HTTP 404)',
    ]);
    expect(errorLines('first\nsecond', [])).toEqual(['error: first; second']);
  });
});
