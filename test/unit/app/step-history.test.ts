/**
 * What counts as "nothing happened" (lib/app/step-history.ts): a step that only repeats the last
 * history record writes none; anything else — an action, a failed check, a phase change, an
 * operator command, a takeover, a write to the cluster — is recorded.
 */
import { describe, expect, it } from 'vitest';
import { recordedAfter, repeatsLast, type StepFacts } from '../../../lib/app/step-history.js';
import type { Action } from '../../../lib/domain/actions.js';
import type { DomainEvent } from '../../../lib/domain/events.js';
import type { CanaryStatus } from '../../../lib/domain/status.js';
import type { LastRecord } from '../../../lib/ports/store.js';
import { aStatus, fail, noData, ok, pass, refused, T0 } from '../../support/builders.js';

const status = aStatus({ phase: 'Succeeded', lastAppliedSpec: 'rev-1' });
const ensure: Action[] = [{ kind: 'bootstrap' }, { kind: 'pointApexAtPrimary' }, { kind: 'reconcileRoutes' }];
const explanation = 'no new revision (rev-1, phase Succeeded)';
const run = { id: 'step-1', now: T0 };

/** The row's last record: the NoNewRevision record above, saved at version 7. */
const last: LastRecord = recordedAfter(
  { version: 6 },
  { id: 'step-0', now: T0 - 600_000 },
  {
    reason: 'NoNewRevision',
    explanation,
  },
  false,
);

const warning: Action = {
  kind: 'recordEvent',
  type: 'Warning',
  reason: 'NoNewRevision',
  message: 'Halt advancement waiting for approval a',
};
const eventHook: Action = {
  kind: 'runHooks',
  type: 'event',
  phase: 'Succeeded',
  eventMessage: warning.message,
};

/** The last record as above, had its step also sent `actions`. */
function lastWith(actions: Action[]): LastRecord {
  const run0 = { id: 'step-0', now: T0 - 600_000 };
  return recordedAfter(
    { version: 6 },
    run0,
    { reason: 'NoNewRevision', explanation, actions: [...ensure, ...actions] },
    false,
  );
}

/** An idle reconcile step that found nothing new, on the row its last record was saved with. */
function facts(o: {
  record?: Partial<StepFacts['record']>;
  decision?: Partial<StepFacts['decision']>;
  obs?: Partial<StepFacts['obs']>;
  wrote?: boolean;
  tookOver?: boolean;
}): StepFacts {
  return {
    record: { status, version: 7, recorded: last, ...o.record },
    decision: { status, actions: ensure, events: [], reason: 'NoNewRevision', explanation, ...o.decision },
    obs: { metrics: undefined, hooks: {}, ...o.obs },
    wrote: o.wrote ?? false,
    tookOver: o.tookOver ?? false,
  };
}

const anEvent = { type: 'PhaseChanged' } as DomainEvent;
const changed = (s: Partial<CanaryStatus>): CanaryStatus => ({ ...status, ...s });

describe('repeatsLast', () => {
  it.each<{ name: string; facts: StepFacts; want: boolean }>([
    { name: 'an idle reconcile that found nothing new', facts: facts({}), want: true },
    {
      name: 'a wait whose checks passed (the gate still closed)',
      facts: facts({
        obs: { metrics: [pass('request-success-rate')], hooks: { 'confirm-promotion': [refused('gate')] } },
      }),
      want: true,
    },
    {
      name: 'a rollback hook that said no (the normal answer)',
      facts: facts({ obs: { hooks: { rollback: [refused('rollback')] } } }),
      want: true,
    },
    { name: 'no record on the row yet', facts: facts({ record: { recorded: undefined } }), want: false },
    {
      name: 'a save since the last record (an operator command, a failed step)',
      facts: facts({ record: { version: 8 } }),
      want: false,
    },
    {
      name: 'an operator command consumed',
      facts: facts({ record: { status: { ...status, pendingCommand: { kind: 'retry', by: 'bob' } } } }),
      want: false,
    },
    { name: 'a takeover of a step that died', facts: facts({ tookOver: true }), want: false },
    { name: 'an ensure-action that repaired drift (a write)', facts: facts({ wrote: true }), want: false },
    {
      name: 'an action beyond the ensure-actions',
      facts: facts({ decision: { actions: [...ensure, { kind: 'scaleTargetToZero' }] } }),
      want: false,
    },
    {
      name: 'a Kubernetes Event the last record did not send',
      facts: facts({ decision: { actions: [...ensure, warning] } }),
      want: false,
    },
    {
      name: 'the Warning Event and event hook the last record sent (a closed gate, repeated)',
      facts: facts({
        record: { recorded: lastWith([warning, eventHook]) },
        decision: { actions: [...ensure, warning, eventHook] },
      }),
      want: true,
    },
    {
      name: 'another Event message than the last record’s',
      facts: facts({
        record: { recorded: lastWith([warning]) },
        decision: {
          actions: [...ensure, { ...warning, message: 'Halt advancement waiting for approval b' }],
        },
      }),
      want: false,
    },
    {
      name: 'a post-rollout hook',
      facts: facts({
        decision: { actions: [...ensure, { kind: 'runHooks', type: 'post-rollout', phase: 'Succeeded' }] },
      }),
      want: false,
    },
    { name: 'a domain event (notification)', facts: facts({ decision: { events: [anEvent] } }), want: false },
    {
      name: 'a failed metric check',
      facts: facts({ obs: { metrics: [pass('a'), fail('request-success-rate')] } }),
      want: false,
    },
    { name: 'a metric without data', facts: facts({ obs: { metrics: [noData('latency')] } }), want: false },
    {
      name: 'a rollout hook that refused',
      facts: facts({ obs: { hooks: { rollout: [ok('a'), refused('load')] } } }),
      want: false,
    },
    {
      name: 'a phase change',
      facts: facts({ decision: { status: changed({ phase: 'Progressing' }) } }),
      want: false,
    },
    {
      name: 'a weight change',
      facts: facts({ decision: { status: changed({ canaryWeight: 10 }) } }),
      want: false,
    },
    {
      name: 'any other status change (an iteration)',
      facts: facts({ decision: { status: changed({ iterations: 1 }) } }),
      want: false,
    },
    { name: 'another reason', facts: facts({ decision: { reason: 'WaitingPromotion' } }), want: false },
    {
      name: 'the same reason with another explanation',
      facts: facts({ decision: { explanation: 'target is back at the promoted revision rev-1' } }),
      want: false,
    },
  ])('$name: $want', ({ facts: f, want }) => {
    expect(repeatsLast(f)).toBe(want);
  });
});

describe('recordedAfter', () => {
  it('counts a repeat on the record it repeats, at the version the save produces', () => {
    expect(
      recordedAfter({ version: 7, recorded: last }, run, { reason: 'NoNewRevision', explanation }, true),
    ).toEqual({
      ...last,
      count: 2,
      lastAt: T0,
      version: 8,
    });
  });

  it('starts a new record otherwise, whose outcome a repeat must match', () => {
    const fresh = recordedAfter(
      { version: 7, recorded: last },
      run,
      { reason: 'Promoted', explanation: 'x' },
      false,
    );
    expect(fresh).toEqual({
      id: 'step-1',
      at: T0,
      reason: 'Promoted',
      outcome: expect.stringMatching(/^[0-9a-f]{16}$/),
      version: 8,
      count: 1,
      lastAt: T0,
    });
    expect(fresh.outcome).not.toBe(last.outcome);
  });
});
