/** The ask-then-decide loop terminates: every need is satisfied by adding that input. */
import { describe, expect, it } from 'vitest';
import { decide, MAX_NEED_ROUNDS } from '../../../lib/domain/decide/index.js';
import type { Phase } from '../../../lib/domain/phase.js';
import { webhookTypes } from '../../../lib/domain/spec/schema.js';
import { aCanary, anObservation, aStatus, hook, passing } from '../../support/builders.js';

const everyHook = aCanary({ webhooks: webhookTypes.map((t) => hook(t)) });
const phases: Phase[] = [
  'Initializing',
  'Initialized',
  'Waiting',
  'Progressing',
  'WaitingPromotion',
  'Promoting',
  'Finalising',
  'Succeeded',
  'Failed',
];

describe('ask-then-decide', () => {
  it.each(
    phases.flatMap((phase) =>
      [0, 10, 50].flatMap((canaryWeight) =>
        [true, false].map((okAnswer) => ({ phase, canaryWeight, okAnswer })),
      ),
    ),
  )(
    '$phase at $canaryWeight (hooks ok: $okAnswer) settles within MAX_NEED_ROUNDS',
    ({ phase, canaryWeight, okAnswer }) => {
      const status = aStatus({
        phase,
        canaryWeight,
        lastAppliedSpec: phase === 'Waiting' ? 'rev-1' : 'rev-2',
      });
      const obs = anObservation();
      const asked = new Set<string>();
      let d = decide(everyHook, status, obs);
      let rounds = 0;
      while (d.kind === 'need') {
        rounds += 1;
        expect(rounds).toBeLessThanOrEqual(MAX_NEED_ROUNDS);
        for (const input of d.inputs) {
          const key = input.kind === 'hooks' ? input.type : input.kind;
          expect(asked.has(key), `asked twice for ${key}`).toBe(false);
          asked.add(key);
          if (input.kind === 'metrics') obs.metrics = passing;
          else if (input.kind === 'judge') obs.judge = {};
          else
            obs.hooks[input.type] = [
              { name: input.type, ok: okAnswer, explanation: okAnswer ? 'ok' : 'refused' },
            ];
        }
        d = decide(everyHook, status, obs);
      }
      expect(d.kind).toBe('step');
    },
  );

  it('is deterministic: same inputs, same decision', () => {
    const args = [aCanary(), aStatus({ canaryWeight: 10 }), anObservation({ metrics: passing })] as const;
    expect(decide(...args)).toEqual(decide(...args));
  });

  it('every step has a one-line explanation and an interval schedule by default', () => {
    const d = decide(aCanary(), aStatus({ canaryWeight: 10 }), anObservation({ metrics: passing }));
    expect(d).toMatchObject({ kind: 'step', nextRunAt: anObservation().now + 60_000 });
  });
});
