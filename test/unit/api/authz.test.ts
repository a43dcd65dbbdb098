/**
 * Who may do what, through the API handler over dynalite (docs/security.md): the harness's admin
 * (a bootstrap admin, ADMIN_PRINCIPALS) sets up two namespaces of cluster `prod` and grants; team A
 * (an IAM role, called through an assumed-role session) may read and approve in prod/team-a and
 * nothing else — it never learns of team B's canaries, and every other request is a 403 that
 * names the action and the scope.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startApi, type ApiHarness, type RawRequest } from './harness.js';

const manifest = parse(readFileSync('test/fixtures/podinfo-canary.yaml', 'utf8')) as {
  metadata: Record<string, unknown>;
};
const canaryIn = (namespace: string) =>
  JSON.stringify({ ...manifest, metadata: { ...manifest.metadata, namespace } });

const ACCOUNT = '123456789012';
const teamA = {
  iam: { userArn: `arn:aws:sts::${ACCOUNT}:assumed-role/team-a/ci-run-42` },
};
const stranger = { iam: { userArn: `arn:aws:iam::${ACCOUNT}:user/stranger` } };
const teamAGrant = {
  principal: `iam:arn:aws:iam::${ACCOUNT}:role/team-a`,
  actions: ['approve'],
  cluster: 'prod',
  namespace: 'team-a',
};

let api: ApiHarness;
const as = (authorizer: Record<string, unknown>, r: RawRequest) => api.send({ ...r, authorizer });

beforeAll(async () => {
  api = await startApi();
  const setup: RawRequest[] = [
    {
      method: 'POST',
      path: '/clusters',
      body: JSON.stringify({ name: 'prod', kind: 'endpoint', server: 'https://k8s.invalid' }),
    },
    { method: 'POST', path: '/canaries', query: { cluster: 'prod' }, body: canaryIn('team-a') },
    { method: 'POST', path: '/canaries', query: { cluster: 'prod' }, body: canaryIn('team-b') },
    { method: 'PUT', path: '/grants/team-a-prod', body: JSON.stringify(teamAGrant) },
  ];
  for (const r of setup) expect((await api.send(r)).status, `${r.method} ${r.path}`).toBeLessThan(300);
});
afterAll(() => api.close());

describe('a team with approve in prod/team-a', () => {
  it('lists only the canaries of its namespace, whatever the filter', async () => {
    const all = await as(teamA, { method: 'GET', path: '/canaries' });
    expect(all.status).toBe(200);
    expect((all.body as unknown as { items: { namespace: string }[] }).items.map((c) => c.namespace)).toEqual(
      ['team-a'],
    );
    const other = await as(teamA, { method: 'GET', path: '/canaries', query: { namespace: 'team-b' } });
    expect(other.body).toEqual({ items: [] });
    expect(other.text).not.toContain('team-b/podinfo');
  });

  it('reads its canary and its history', async () => {
    expect((await as(teamA, { method: 'GET', path: '/canaries/prod/team-a/podinfo' })).status).toBe(200);
    expect((await as(teamA, { method: 'GET', path: '/canaries/prod/team-a/podinfo/history' })).status).toBe(
      200,
    );
  });

  it('may approve its canary: past authorization, the canary state answers (no gate waits yet)', async () => {
    const r = await as(teamA, { method: 'POST', path: '/canaries/prod/team-a/podinfo/actions/approve' });
    expect(r.status).toBe(409);
    expect(r.body?.message).toMatch(/^approve refused for canary prod\/team-a\/podinfo: /);
  });

  it.each<[string, RawRequest, string]>([
    [
      'read team-b’s canary',
      { method: 'GET', path: '/canaries/prod/team-b/podinfo' },
      'read in cluster "prod", namespace "team-b"',
    ],
    [
      'read a canary of team-b that does not exist (403, not 404)',
      { method: 'GET', path: '/canaries/prod/team-b/nope' },
      'read in cluster "prod", namespace "team-b"',
    ],
    [
      'read team-b’s history',
      { method: 'GET', path: '/canaries/prod/team-b/podinfo/history' },
      'read in cluster "prod", namespace "team-b"',
    ],
    [
      'approve in team-b',
      { method: 'POST', path: '/canaries/prod/team-b/podinfo/actions/approve' },
      'approve in cluster "prod", namespace "team-b"',
    ],
    [
      'approve in another cluster',
      { method: 'POST', path: '/canaries/staging/team-a/podinfo/actions/approve' },
      'approve in cluster "staging", namespace "team-a"',
    ],
    [
      'promote its own canary (operate)',
      { method: 'POST', path: '/canaries/prod/team-a/podinfo/actions/promote' },
      'operate in cluster "prod", namespace "team-a"',
    ],
    [
      'abort its own canary (operate)',
      { method: 'POST', path: '/canaries/prod/team-a/podinfo/actions/abort' },
      'operate in cluster "prod", namespace "team-a"',
    ],
    [
      'register a canary (register)',
      { method: 'POST', path: '/canaries', query: { cluster: 'prod' }, body: canaryIn('team-a') },
      'register in cluster "prod", namespace "team-a"',
    ],
    [
      'delete its canary (register)',
      { method: 'DELETE', path: '/canaries/prod/team-a/podinfo' },
      'register in cluster "prod", namespace "team-a"',
    ],
    [
      'read the cluster record',
      { method: 'GET', path: '/clusters/prod' },
      'read in cluster "prod", every namespace',
    ],
    [
      'register a cluster (admin)',
      {
        method: 'POST',
        path: '/clusters',
        body: JSON.stringify({ name: 'prod', kind: 'endpoint', server: 'https://x.invalid' }),
      },
      'admin in cluster "prod", every namespace',
    ],
    [
      'grant itself more',
      {
        method: 'PUT',
        path: '/grants/team-a-prod',
        body: JSON.stringify({ ...teamAGrant, actions: ['admin'] }),
      },
      'admin in cluster "prod", namespace "team-a"',
    ],
    [
      'delete its grant',
      { method: 'DELETE', path: '/grants/team-a-prod' },
      'admin in cluster "prod", namespace "team-a"',
    ],
  ])('may not %s: 403 naming the action and scope', async (_name, req, what) => {
    const r = await as(teamA, req);
    expect(r.status).toBe(403);
    expect(r.body?.message).toBe(`forbidden: iam:${teamA.iam.userArn} may not ${what}: no grant allows it`);
    expect(r.body?.errors).toEqual([{ path: '', message: r.body?.message }]);
  });

  it('sees no cluster records and no grants', async () => {
    expect((await as(teamA, { method: 'GET', path: '/clusters' })).body).toEqual({ items: [] });
    expect((await as(teamA, { method: 'GET', path: '/grants' })).body).toEqual({ items: [] });
  });

  it('changes nothing when refused', async () => {
    const row = await api.core.store.get(
      { cluster: 'prod', namespace: 'team-b', name: 'podinfo' },
      AbortSignal.timeout(5000),
    );
    expect(row?.status.pendingCommand).toBeUndefined();
  });
});

describe('a caller without any grant', () => {
  it('sees nothing and may do nothing (deny by default)', async () => {
    expect((await as(stranger, { method: 'GET', path: '/canaries' })).body).toEqual({ items: [] });
    expect((await as(stranger, { method: 'GET', path: '/templates' })).body).toEqual({ items: [] });
    expect((await as(stranger, { method: 'GET', path: '/canaries/prod/team-a/podinfo' })).status).toBe(403);
  });

  it('a request with no identity at all is refused too', async () => {
    const r = await as({}, { method: 'GET', path: '/canaries/prod/team-a/podinfo' });
    expect(r.status).toBe(403);
    expect(r.body?.message).toMatch(/^forbidden: \(no principal\) may not read/);
  });
});

describe('grants, managed by an admin', () => {
  it('are listed with the bootstrap admins to an admin of everything', async () => {
    const r = await api.send({ method: 'GET', path: '/grants' });
    expect(r.body).toEqual({
      items: [{ name: 'team-a-prod', ...teamAGrant }],
      bootstrapAdmins: ['local:token'],
    });
  });

  it('a JWT group granted read in every namespace of prod sees both teams', async () => {
    const put = await api.send({
      method: 'PUT',
      path: '/grants/auditors',
      body: JSON.stringify({
        principal: 'jwt:group:auditors',
        actions: ['read'],
        cluster: 'prod',
        namespace: '*',
      }),
    });
    expect(put.status).toBe(201);
    const auditor = { jwt: { claims: { sub: 'carol', 'cognito:groups': '[auditors staff]' } } };
    const list = await as(auditor, { method: 'GET', path: '/canaries' });
    expect((list.body as unknown as { items: unknown[] }).items).toHaveLength(2);
    expect(
      (await as(auditor, { method: 'POST', path: '/canaries/prod/team-a/podinfo/actions/pause' })).status,
    ).toBe(403);
    expect((await api.send({ method: 'DELETE', path: '/grants/auditors' })).status).toBe(204);
    expect((await as(auditor, { method: 'GET', path: '/canaries' })).body).toEqual({ items: [] });
  });

  it('a scoped admin manages grants within its scope only', async () => {
    const prodAdmin = { jwt: { claims: { sub: 'dave' } } };
    await api.send({
      method: 'PUT',
      path: '/grants/prod-admin',
      body: JSON.stringify({
        principal: 'jwt:sub:dave',
        actions: ['admin'],
        cluster: 'prod',
        namespace: '*',
      }),
    });
    const within = { principal: 'jwt:group:team-c', actions: ['read'], cluster: 'prod', namespace: 'team-c' };
    expect(
      (await as(prodAdmin, { method: 'PUT', path: '/grants/team-c', body: JSON.stringify(within) })).status,
    ).toBe(201);
    const wider = { ...within, cluster: '*' };
    expect(
      (await as(prodAdmin, { method: 'PUT', path: '/grants/team-c', body: JSON.stringify(wider) })).status,
    ).toBe(403);
    const listed = await as(prodAdmin, { method: 'GET', path: '/grants' });
    expect((listed.body as unknown as { items: { name: string }[] }).items.map((g) => g.name)).toEqual([
      'prod-admin',
      'team-a-prod',
      'team-c',
    ]);
    expect(listed.body).not.toHaveProperty('bootstrapAdmins');
    // Which grants exist beyond its scope is not its business: 403 whether or not there is one.
    expect((await as(prodAdmin, { method: 'DELETE', path: '/grants/no-such-grant' })).status).toBe(403);
  });

  it.each<[string, unknown, string]>([
    ['no scope', { principal: 'jwt:sub:x', actions: ['read'] }, 'cluster'],
    [
      'an unknown action',
      { principal: 'jwt:sub:x', actions: ['deploy'], cluster: '*', namespace: '*' },
      'actions.0',
    ],
    [
      'a bare ARN',
      { principal: 'arn:aws:iam::1:role/x', actions: ['read'], cluster: '*', namespace: '*' },
      'principal',
    ],
  ])('refuses a grant with %s: 400 at the field', async (_name, body, path) => {
    const r = await api.send({ method: 'PUT', path: '/grants/bad', body: JSON.stringify(body) });
    expect(r.status).toBe(400);
    expect(r.body?.errors?.map((e) => e.path)).toContain(path);
  });

  it('a grant name is a DNS label: 400 at path.grant', async () => {
    const r = await api.send({ method: 'PUT', path: '/grants/Bad_Name', body: JSON.stringify(teamAGrant) });
    expect(r.status).toBe(400);
    expect(r.body?.errors?.[0]?.path).toBe('path.grant');
  });

  it('deleting a grant that does not exist is a 404', async () => {
    expect((await api.send({ method: 'DELETE', path: '/grants/none' })).status).toBe(404);
  });
});
