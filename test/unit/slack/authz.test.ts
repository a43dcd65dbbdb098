/** Who may click until the authorization model decides: SLACK_APPROVERS and slackMayAct. */
import { describe, expect, it } from 'vitest';
import { slackMayAct } from '../../../lib/app/slack-authz.js';
import { loadConfig } from '../../../lib/config.js';

const key = { cluster: 'prod', namespace: 'test', name: 'podinfo' };
const env = (approvers?: string) => ({ TABLE_NAME: 't', SLACK_APPROVERS: approvers });

describe('SLACK_APPROVERS', () => {
  it('is a comma-separated list of slack:<team>/<user>, empty by default', () => {
    expect(loadConfig(env()).slackApprovers).toEqual([]);
    expect(loadConfig(env(' slack:T0CAG/U0CA5 , slack:T0CAG/W0CA6,')).slackApprovers).toEqual([
      'slack:T0CAG/U0CA5',
      'slack:T0CAG/W0CA6',
    ]);
  });

  it.each(['slack:T0CAG/*', 'U0CA5', 'slack:T0CAG', 'arn:aws:iam::1:user/x'])(
    'refuses %s, naming the variable',
    (p) => {
      expect(() => loadConfig(env(p))).toThrow(
        /SLACK_APPROVERS must list principals slack:<team id>\/<user id>/,
      );
    },
  );
});

describe('slackMayAct', () => {
  const allowed = ['slack:T0CAG/U0CA5'];
  it.each([
    { principal: 'slack:T0CAG/U0CA5', want: true },
    { principal: 'slack:T0CAG/U0CA6', want: false },
    { principal: 'slack:T0OTHER/U0CA5', want: false },
    { principal: 'arn:aws:iam::1:user/x', want: false },
  ])('$principal: $want', ({ principal, want }) => {
    for (const action of ['approve', 'abort', 'pause'] as const)
      expect(slackMayAct(allowed, principal, action, key)).toBe(want);
  });

  it('allows nobody when the list is empty', () => {
    expect(slackMayAct([], 'slack:T0CAG/U0CA5', 'approve', key)).toBe(false);
  });
});
