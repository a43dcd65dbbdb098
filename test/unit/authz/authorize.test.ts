import { describe, expect, it } from 'vitest';
import { authorize, type Action, type Grant, type Scope } from '../../../lib/domain/authz/authorize.js';
import { bootstrapGrants } from '../../../lib/domain/authz/authorize.js';
import { parseGrant } from '../../../lib/domain/authz/grants.js';
import {
  iamPrincipals,
  jwtPrincipals,
  principalMatches,
  principalProblem,
} from '../../../lib/domain/authz/principals.js';

const ACCOUNT = '123456789012';
const teamARole = `arn:aws:iam::${ACCOUNT}:role/team-a`;
const teamASession = `arn:aws:sts::${ACCOUNT}:assumed-role/team-a/ci-1234`;

function aGrant(o: Partial<Grant> = {}): Grant {
  return {
    name: 'team-a-prod',
    principal: `iam:${teamARole}`,
    actions: ['approve'],
    cluster: 'prod',
    namespace: 'team-a',
    ...o,
  };
}

const prodA: Scope = { cluster: 'prod', namespace: 'team-a' };
const iam = (arn: string) => ({ principals: iamPrincipals(arn) });

describe('authorize', () => {
  it.each<{
    name: string;
    principals: string[];
    action: Action;
    scope: Scope;
    grants: Grant[];
    want: string | false;
  }>([
    {
      name: 'denies by default: no grants at all',
      principals: iamPrincipals(teamARole),
      action: 'read',
      scope: prodA,
      grants: [],
      want: false,
    },
    {
      name: 'allows the action granted in its cluster and namespace',
      principals: iamPrincipals(teamARole),
      action: 'approve',
      scope: prodA,
      grants: [aGrant()],
      want: 'team-a-prod',
    },
    {
      name: 'an assumed-role session acts as its role',
      principals: iamPrincipals(teamASession),
      action: 'approve',
      scope: prodA,
      grants: [aGrant()],
      want: 'team-a-prod',
    },
    {
      name: 'a role granted with its path matches its sessions (which carry no path)',
      principals: iamPrincipals(teamASession),
      action: 'approve',
      scope: prodA,
      grants: [aGrant({ principal: `iam:arn:aws:iam::${ACCOUNT}:role/teams/team-a` })],
      want: 'team-a-prod',
    },
    {
      name: 'another namespace is out of scope',
      principals: iamPrincipals(teamARole),
      action: 'approve',
      scope: { cluster: 'prod', namespace: 'team-b' },
      grants: [aGrant()],
      want: false,
    },
    {
      name: 'another cluster is out of scope',
      principals: iamPrincipals(teamARole),
      action: 'approve',
      scope: { cluster: 'staging', namespace: 'team-a' },
      grants: [aGrant()],
      want: false,
    },
    {
      name: 'another principal gets nothing from the grant',
      principals: iamPrincipals(`arn:aws:iam::${ACCOUNT}:role/team-b`),
      action: 'read',
      scope: prodA,
      grants: [aGrant()],
      want: false,
    },
    {
      name: 'approve implies read',
      principals: iamPrincipals(teamARole),
      action: 'read',
      scope: prodA,
      grants: [aGrant()],
      want: 'team-a-prod',
    },
    {
      name: 'approve does not imply register',
      principals: iamPrincipals(teamARole),
      action: 'register',
      scope: prodA,
      grants: [aGrant()],
      want: false,
    },
    {
      name: 'register does not imply approve',
      principals: iamPrincipals(teamARole),
      action: 'approve',
      scope: prodA,
      grants: [aGrant({ actions: ['register'] })],
      want: false,
    },
    {
      name: 'operate implies approve',
      principals: iamPrincipals(teamARole),
      action: 'approve',
      scope: prodA,
      grants: [aGrant({ actions: ['operate'] })],
      want: 'team-a-prod',
    },
    {
      name: 'operate does not imply admin',
      principals: iamPrincipals(teamARole),
      action: 'admin',
      scope: prodA,
      grants: [aGrant({ actions: ['operate'] })],
      want: false,
    },
    {
      name: 'admin implies operate',
      principals: iamPrincipals(teamARole),
      action: 'operate',
      scope: prodA,
      grants: [aGrant({ actions: ['admin'] })],
      want: 'team-a-prod',
    },
    {
      name: 'a namespace wildcard covers every namespace of its cluster',
      principals: iamPrincipals(teamARole),
      action: 'read',
      scope: { cluster: 'prod', namespace: 'team-z' },
      grants: [aGrant({ namespace: '*' })],
      want: 'team-a-prod',
    },
    {
      name: 'a cluster wildcard covers the namespace in every cluster',
      principals: iamPrincipals(teamARole),
      action: 'read',
      scope: { cluster: 'staging', namespace: 'team-a' },
      grants: [aGrant({ cluster: '*' })],
      want: 'team-a-prod',
    },
    {
      name: 'asking for every namespace needs a namespace wildcard',
      principals: iamPrincipals(teamARole),
      action: 'admin',
      scope: { cluster: 'prod', namespace: '*' },
      grants: [aGrant({ actions: ['admin'] })],
      want: false,
    },
    {
      name: 'a principal wildcard names every role it matches',
      principals: iamPrincipals(`arn:aws:sts::${ACCOUNT}:assumed-role/team-a-deployer/x`),
      action: 'approve',
      scope: prodA,
      grants: [aGrant({ principal: `iam:arn:aws:iam::${ACCOUNT}:role/team-a-*` })],
      want: 'team-a-prod',
    },
    {
      name: 'a JWT group is granted, its members act',
      principals: jwtPrincipals('alice', ['team-a', 'everyone']),
      action: 'approve',
      scope: prodA,
      grants: [aGrant({ principal: 'jwt:group:team-a' })],
      want: 'team-a-prod',
    },
    {
      name: 'a JWT subject is not its group',
      principals: jwtPrincipals('team-a', []),
      action: 'read',
      scope: prodA,
      grants: [aGrant({ principal: 'jwt:group:team-a' })],
      want: false,
    },
    {
      name: 'the first grant that allows it is the answer',
      principals: ['local:token'],
      action: 'read',
      scope: prodA,
      grants: [aGrant({ name: 'nobody' }), ...bootstrapGrants(['local:token'])],
      want: '(bootstrap)',
    },
    {
      name: 'a caller with no principal gets nothing, even from "*"',
      principals: [],
      action: 'read',
      scope: prodA,
      grants: [aGrant({ principal: '*' })],
      want: false,
    },
  ])('$name', ({ principals, action, scope, grants, want }) => {
    const d = authorize({ principals }, action, scope, grants);
    if (want === false) expect(d).toMatchObject({ allowed: false });
    else expect(d).toMatchObject({ allowed: true, grant: want });
  });

  it('says why it denied: who, which action, where', () => {
    expect(
      authorize(iam(teamARole), 'approve', { cluster: 'prod', namespace: 'team-b' }, [aGrant()]),
    ).toEqual({
      allowed: false,
      reason: `iam:${teamARole} may not approve in cluster "prod", namespace "team-b": no grant allows it`,
    });
  });

  it('says which principal of the caller the grant matched', () => {
    expect(authorize(iam(teamASession), 'read', prodA, [aGrant()])).toEqual({
      allowed: true,
      grant: 'team-a-prod',
      principal: `iam:${teamARole}`,
    });
  });
});

describe('principals', () => {
  it.each([
    ['iam:arn:aws:iam::123456789012:role/team-a', undefined],
    ['iam:arn:aws:sts::123456789012:assumed-role/team-a/ci', undefined],
    ['iam:arn:aws:iam::123456789012:role/team-*', undefined],
    ['jwt:sub:alice', undefined],
    ['jwt:group:team-a', undefined],
    ['local:token', undefined],
    ['slack:T123/U456', undefined],
    ['*', undefined],
    ['arn:aws:iam::123456789012:role/team-a', /expected iam:<ARN>/],
    ['jwt:alice', /expected/],
    ['local:other', /expected/],
    ['', /expected/],
  ])('%s', (pattern, want) => {
    const problem = principalProblem(pattern);
    if (want) expect(problem).toMatch(want);
    else expect(problem).toBeUndefined();
  });

  it('a pattern is literal but for "*"', () => {
    expect(principalMatches('jwt:sub:a.b', 'jwt:sub:aXb')).toBe(false);
    expect(principalMatches('jwt:sub:a*', 'jwt:sub:abc')).toBe(true);
    expect(principalMatches('*', 'local:token')).toBe(true);
  });
});

describe('parseGrant', () => {
  it('accepts a grant with explicit scope', () => {
    expect(
      parseGrant(
        { principal: 'jwt:group:team-a', actions: ['read', 'approve'], cluster: 'prod', namespace: 'team-a' },
        'team-a',
      ),
    ).toEqual({
      ok: true,
      grant: {
        name: 'team-a',
        principal: 'jwt:group:team-a',
        actions: ['read', 'approve'],
        cluster: 'prod',
        namespace: 'team-a',
      },
    });
  });

  it.each([
    [{ principal: 'jwt:group:a', actions: ['read'], cluster: 'prod' }, 'namespace'],
    [{ principal: 'jwt:group:a', actions: ['read'], namespace: '*' }, 'cluster'],
    [{ principal: 'team-a', actions: ['read'], cluster: '*', namespace: '*' }, 'principal'],
    [{ principal: 'jwt:group:a', actions: ['deploy'], cluster: '*', namespace: '*' }, 'actions.0'],
    [{ principal: 'jwt:group:a', actions: [], cluster: '*', namespace: '*' }, 'actions'],
    [{ principal: 'jwt:group:a', actions: ['read', 'read'], cluster: '*', namespace: '*' }, 'actions'],
    [{ principal: 'jwt:group:a', actions: ['read'], cluster: 'Prod', namespace: '*' }, 'cluster'],
    [{ principal: 'jwt:group:a', actions: ['read'], cluster: '*', namespace: '*', extra: 1 }, ''],
  ])('refuses %j at %s', (body, path) => {
    const r = parseGrant(body, 'g');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.path)).toContain(path);
  });
});
