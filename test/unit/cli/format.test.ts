import { describe, expect, it } from 'vitest';
import {
  ago,
  alertProviderTable,
  canaryNames,
  canaryTable,
  clusterTable,
  errorLines,
  historyTable,
  relative,
  table,
  templateTable,
  weightBar,
  type AlertProviderItem,
  type TemplateItem,
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

  it('shows how often a record was repeated and when last', () => {
    const out = historyTable([
      {
        at: T0,
        kind: 'step',
        actor: 'controller',
        phase: 'Succeeded',
        reason: 'NoNewRevision',
        explanation: 'no new revision (abc, phase Succeeded)',
        count: 7,
        lastAt: T0 + 3_600_000,
      },
    ]);
    expect(out.split('\n')[1]).toBe(
      '2025-01-01T00:00:00Z   step   Succeeded   -        NoNewRevision ×7   controller   no new revision (abc, phase Succeeded) (latest 2025-01-01T01:00:00Z)',
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

describe('-o wide and -o name', () => {
  const row = {
    cluster: 'prod',
    namespace: 'test',
    name: 'podinfo',
    phase: 'Progressing',
    canaryWeight: 20,
    failedChecks: 1,
    paused: false,
    nextRunAt: new Date(T0 + 30_000).toISOString(),
    target: 'podinfo',
    iterations: 2,
    pendingCommand: { kind: 'approve', gate: 'confirm-promotion' },
    updatedAt: new Date(T0 - 90_000).toISOString(),
  };

  it('adds TARGET ITERATIONS PENDING UPDATED to the canary table', () => {
    const out = canaryTable([row, { ...row, name: 'idle', pendingCommand: null }], T0, true).split('\n');
    expect(out[0]).toMatch(/FAILED\s+NEXT\s+TARGET\s+ITERATIONS\s+PENDING\s+UPDATED$/);
    expect(out[1]).toMatch(/in 30s\s+podinfo\s+2\s+approve confirm-promotion\s+90s ago$/);
    expect(out[2]).toMatch(/\s+-\s+90s ago$/);
  });

  it('lists canary ids one per line', () => {
    expect(canaryNames([row, { ...row, cluster: 'dev' }])).toBe('prod/test/podinfo\ndev/test/podinfo\n');
  });

  it('adds FAILED and CHECKS (passed/run) to the history', () => {
    const out = historyTable(
      [
        {
          at: T0,
          kind: 'step',
          actor: 'controller',
          phase: 'Progressing',
          reason: 'CanaryWeightIncreased',
          explanation: 'ok',
          canaryWeight: 20,
          failedChecks: 1,
          checks: [{ verdict: 'pass' }, { verdict: 'fail' }, { ok: true }],
        },
      ],
      true,
    ).split('\n');
    expect(out[0]).toMatch(/ACTOR\s+FAILED\s+CHECKS\s+MESSAGE$/);
    expect(out[1]).toMatch(/controller\s+1\s+2\/3\s+ok$/);
  });

  it('adds CONTEXT and AUTH to the cluster table', () => {
    const out = clusterTable(
      [
        { name: 'eu', kind: 'eks', eksClusterName: 'prod-eu', region: 'eu-west-1' },
        { name: 's', kind: 'endpoint', server: 'https://x', tokenSecret: 'arn:secret' },
      ],
      true,
    );
    expect(out).toMatch(/^eu\s+eks\s+prod-eu \(eu-west-1\)\s+-\s+-\s+iam$/m);
    expect(out).toMatch(/^s\s+endpoint\s+https:\/\/x\s+-\s+-\s+token from arn:secret$/m);
  });

  it('shows templates and alert providers, with more columns when wide', () => {
    const template: TemplateItem = {
      namespace: 'apps',
      name: 'error-rate',
      source: 'api',
      provider: { type: 'prometheus', address: 'http://prom:9090', secretRef: { name: 'prom-auth' } },
      query: 'sum(rate(x[1m]))\n/ 2',
    };
    expect(templateTable([template])).toBe(
      'NAMESPACE   NAME         SOURCE   PROVIDER     ADDRESS\napps        error-rate   api      prometheus   http://prom:9090\n',
    );
    expect(templateTable([template], true)).toMatch(/prom-auth\s+sum\(rate\(x\[1m\]\)\); \/ 2\n$/);
    const provider: AlertProviderItem = {
      namespace: 'apps',
      name: 'on-call',
      type: 'slack',
      channel: 'alerts',
      verbose: true,
      source: 'cluster',
      cluster: 'prod',
    };
    expect(alertProviderTable([provider], true).split('\n')[1]).toMatch(
      /^apps\s+on-call\s+prod\s+slack\s+alerts\s+-\s+yes$/,
    );
  });
});
