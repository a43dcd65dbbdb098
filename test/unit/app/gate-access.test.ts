/**
 * The stack's own load tester asks the grants before a gate opens or closes (lib/app/gate-access.ts
 * through lib/loadtester): the real load tester and guard over in-memory grants and gates. What it
 * reads (the grants at most once, never for an admin or a check), what a refusal says, what is kept.
 */
import { describe, expect, it } from 'vitest';
import { grantsGateGuard } from '../../../lib/app/gate-access.js';
import { bootstrapGrants, type Grant } from '../../../lib/domain/authz/authorize.js';
import { iamPrincipals } from '../../../lib/domain/authz/principals.js';
import { makeLoadtester, silentLogger } from '../../../lib/loadtester/index.js';
import { gateKey, type GateCaller } from '../../../lib/ports/gates.js';
import { FakeDocuments } from '../../support/fakes/store.js';
import { FakeGateStore } from '../../support/fakes/gates.js';

const ACCOUNT = '123456789012';
const TEAM_ROLE = `arn:aws:iam::${ACCOUNT}:role/team-a`;
const ADMIN = `arn:aws:iam::${ACCOUNT}:user/platform`;
const STEP = `arn:aws:sts::${ACCOUNT}:assumed-role/flagger-serverless-step/fn`;
const iam = (arn: string): GateCaller => ({ actor: arn, principals: iamPrincipals(arn) });
const teamSession = iam(`arn:aws:sts::${ACCOUNT}:assumed-role/team-a/ci-42`);

const approveProd: Grant = {
  name: 'team-a-prod',
  principal: `iam:${TEAM_ROLE}`,
  actions: ['approve'],
  cluster: 'prod',
  namespace: 'test',
};

function world(grants: Grant[] = [approveProd]) {
  const stored = new FakeDocuments<Grant>(Object.fromEntries(grants.map((g) => [g.name, g])));
  const gates = new FakeGateStore();
  const guard = grantsGateGuard({ grants: stored, bootstrapAdmins: bootstrapGrants([`iam:${ADMIN}`]) });
  const loadtester = makeLoadtester({ gates, guard, logger: silentLogger });
  const post = (path: string, body: unknown, caller?: GateCaller) =>
    loadtester({ method: 'POST', path, body, caller });
  return { stored, gates, post };
}

const canary = { name: 'podinfo', namespace: 'test' };
const inProd = { ...canary, metadata: { cluster: 'prod' } };

describe('gates of the stack load tester', () => {
  it('opens a gate for a caller granted approve there, reading the grants once and recording who', async () => {
    const { stored, gates, post } = world();
    expect(await post('/gate/open', inProd, teamSession)).toEqual({
      status: 202,
      body: 'gate opened for gate:prod/test/podinfo',
    });
    expect(stored.calls.count()).toBe(1);
    expect(gates.calls.args('set')).toEqual([
      [gateKey('gate', { ...canary, cluster: 'prod' }), { open: true, by: teamSession.actor }],
    ]);
    expect(await post('/gate/check', inProd)).toEqual({ status: 200, body: 'Approved' });
  });

  it.each([
    {
      name: 'without a grant there',
      path: '/gate/open',
      body: { ...canary, metadata: { cluster: 'staging' } },
      message:
        'forbidden: iam:arn:aws:sts::123456789012:assumed-role/team-a/ci-42 may not approve in cluster "staging", namespace "test": no grant allows it',
    },
    {
      name: 'closing with approve only',
      path: '/gate/close',
      body: inProd,
      message: 'may not operate in cluster "prod", namespace "test": no grant allows it',
    },
    {
      name: 'opening a rollback gate with approve only',
      path: '/rollback/open',
      body: inProd,
      message: 'may not operate in cluster "prod", namespace "test"',
    },
    {
      name: "Flagger's body without a cluster, which opens every cluster's gate",
      path: '/gate/open',
      body: canary,
      message:
        'may not approve in every cluster, namespace "test": no grant allows it; a body without metadata.cluster changes the gate in every cluster, which takes a grant for cluster "*": name the cluster in metadata.cluster',
    },
  ])('refuses $name with a 403 naming the action and scope, before the gate is touched', async (t) => {
    const { gates, post } = world();
    const res = await post(t.path, t.body, teamSession);
    expect(res.status).toBe(403);
    expect(res.body).toContain(t.message);
    expect(gates.calls.count()).toBe(0);
  });

  it('refuses a caller with no principal, and never tells it of the grants', async () => {
    const { post } = world();
    const res = await post('/gate/open', inProd);
    expect(res).toEqual({
      status: 403,
      body: 'forbidden: (no principal) may not approve in cluster "prod", namespace "test": no grant allows it',
    });
    expect(res.body).not.toContain('team-a');
  });

  it('lets a bootstrap admin change any gate, in every cluster, without reading the grants', async () => {
    const { stored, gates, post } = world();
    for (const path of ['/gate/open', '/gate/close', '/rollback/open', '/rollback/close'])
      expect((await post(path, canary, iam(ADMIN))).status).toBe(202);
    expect(stored.calls.count()).toBe(0);
    expect(gates.calls.count('set')).toBe(4);
  });

  it('answers checks to a caller with no grant (the step role) without reading the grants', async () => {
    const { stored, post } = world();
    await post('/gate/open', inProd, iam(ADMIN));
    expect(await post('/gate/check', inProd, iam(STEP))).toEqual({ status: 200, body: 'Approved' });
    expect(await post('/rollback/check', inProd, iam(STEP))).toEqual({ status: 403, body: 'Forbidden' });
    expect(await post('/gate/approve', inProd, iam(STEP))).toEqual({ status: 200, body: 'OK' });
    expect(stored.calls.count()).toBe(0);
  });

  it('without a guard (the standalone load tester) lets whoever reaches it change any gate', async () => {
    const gates = new FakeGateStore();
    const loadtester = makeLoadtester({ gates, logger: silentLogger });
    expect((await loadtester({ method: 'POST', path: '/rollback/open', body: canary })).status).toBe(202);
    expect(gates.calls.args('set')).toEqual([[gateKey('rollback', canary), { open: true, by: undefined }]]);
  });
});
