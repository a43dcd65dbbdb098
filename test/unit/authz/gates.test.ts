/**
 * What opening or closing a load tester gate requires (lib/domain/authz/gates.ts), and what that
 * means for grants: the rule alone, then through `authorize`.
 */
import { describe, expect, it } from 'vitest';
import { authorize, type Action, type Grant } from '../../../lib/domain/authz/authorize.js';
import { gateRequirement, type GateChangeRequest } from '../../../lib/domain/authz/gates.js';

describe('gateRequirement', () => {
  it.each<{ name: string; change: GateChangeRequest; action: Action; cluster: string }>([
    {
      name: 'opening a gate is approving',
      change: { kind: 'gate', open: true, namespace: 'test', cluster: 'prod' },
      action: 'approve',
      cluster: 'prod',
    },
    {
      name: 'closing a gate holds the release (and can fail pre-rollout hooks): operate',
      change: { kind: 'gate', open: false, namespace: 'test', cluster: 'prod' },
      action: 'operate',
      cluster: 'prod',
    },
    {
      name: 'opening a rollback gate is aborting: operate',
      change: { kind: 'rollback', open: true, namespace: 'test', cluster: 'prod' },
      action: 'operate',
      cluster: 'prod',
    },
    {
      name: 'closing a rollback gate withdraws an abort: operate',
      change: { kind: 'rollback', open: false, namespace: 'test', cluster: 'prod' },
      action: 'operate',
      cluster: 'prod',
    },
    {
      name: "Flagger's body without a cluster changes every cluster's gate",
      change: { kind: 'gate', open: true, namespace: 'test' },
      action: 'approve',
      cluster: '*',
    },
    {
      name: 'an empty metadata.cluster is no cluster (the gate key has none either)',
      change: { kind: 'rollback', open: true, namespace: 'test', cluster: '' },
      action: 'operate',
      cluster: '*',
    },
  ])('$name', ({ change, action, cluster }) => {
    expect(gateRequirement(change)).toEqual({ action, scope: { cluster, namespace: change.namespace } });
  });
});

describe('who may change a gate', () => {
  const approver = 'iam:arn:aws:iam::123456789012:role/team-a';
  const grant = (o: Partial<Grant>): Grant => ({
    name: 'g',
    principal: approver,
    actions: ['approve'],
    cluster: 'prod',
    namespace: 'test',
    ...o,
  });
  const may = (change: GateChangeRequest, grants: Grant[]) => {
    const { action, scope } = gateRequirement(change);
    return authorize({ principals: [approver] }, action, scope, grants).allowed;
  };
  const open = (cluster?: string, namespace = 'test'): GateChangeRequest => ({
    kind: 'gate',
    open: true,
    namespace,
    cluster,
  });

  it.each<{ name: string; change: GateChangeRequest; grants: Grant[]; want: boolean }>([
    { name: 'approve in prod/test opens its gate', change: open('prod'), grants: [grant({})], want: true },
    {
      name: 'read only does not',
      change: open('prod'),
      grants: [grant({ actions: ['read'] })],
      want: false,
    },
    { name: 'nor in another cluster', change: open('staging'), grants: [grant({})], want: false },
    {
      name: 'nor in another namespace',
      change: open('prod', 'team-b'),
      grants: [grant({})],
      want: false,
    },
    {
      name: 'a cluster-less body needs a grant for every cluster',
      change: open(),
      grants: [grant({}), grant({ cluster: 'staging' })],
      want: false,
    },
    {
      name: 'which a grant for cluster * gives',
      change: open(),
      grants: [grant({ cluster: '*' })],
      want: true,
    },
    {
      name: 'approve does not close a gate',
      change: { ...open('prod'), open: false },
      grants: [grant({})],
      want: false,
    },
    {
      name: 'nor open a rollback gate',
      change: { ...open('prod'), kind: 'rollback' },
      grants: [grant({})],
      want: false,
    },
    {
      name: 'operate does both',
      change: { ...open('prod'), kind: 'rollback' },
      grants: [grant({ actions: ['operate'] })],
      want: true,
    },
  ])('$name', ({ change, grants, want }) => {
    expect(may(change, grants)).toBe(want);
  });
});
