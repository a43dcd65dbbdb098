/**
 * One request's authorization (lib/app/access.ts) on in-memory grants: what it reads (the stored
 * grants at most once, never for a bootstrap admin), what lists keep, and what a refusal says.
 */
import { describe, expect, it } from 'vitest';
import { AccessDeniedError } from '../../../lib/app/errors.js';
import { listCanaries } from '../../../lib/app/canary-reads.js';
import type { Grant } from '../../../lib/domain/authz/authorize.js';
import { ForbiddenError } from '../../../lib/ports/errors.js';
import { aCaller, anAdmin } from '../../support/fakes/access.js';
import { FakeCanaryStore, FakeHistory } from '../../support/fakes/store.js';
import { aStatus } from '../../support/builders.js';
import type { CanaryKey } from '../../../lib/ports/store.js';

const signal = new AbortController().signal;
const aRow = (key: CanaryKey) => ({
  key,
  manifest: {},
  status: aStatus(),
  version: 0,
  createdAt: 0,
  updatedAt: 0,
});
const teamA: Grant = {
  name: 'team-a',
  principal: 'jwt:group:team-a',
  actions: ['approve'],
  cluster: 'prod',
  namespace: 'team-a',
};
const member = () =>
  aCaller({ actor: 'ann', principals: ['jwt:sub:ann', 'jwt:group:team-a'], grants: [teamA] });

describe('Access', () => {
  it('reads the stored grants once per request, however many questions it answers', async () => {
    const { access, grants } = member();
    await access.require('read', { cluster: 'prod', namespace: 'team-a' });
    await access.require('approve', { cluster: 'prod', namespace: 'team-a' });
    expect((await access.decide('operate', { cluster: 'prod', namespace: 'team-a' })).allowed).toBe(false);
    expect(grants.calls.count()).toBe(1);
  });

  it('never reads them for a bootstrap admin', async () => {
    const admin = anAdmin('root');
    expect(await admin.decide('admin', { cluster: '*', namespace: '*' })).toEqual({
      allowed: true,
      grant: '(bootstrap)',
      principal: 'jwt:sub:root',
    });
  });

  it('refuses with a 403-class error that names who, the action and the scope', async () => {
    const { access } = member();
    const refusal = access.require('operate', { cluster: 'prod', namespace: 'team-a' });
    await expect(refusal).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(refusal).rejects.toBeInstanceOf(ForbiddenError);
    await expect(refusal).rejects.toThrow(
      'forbidden: jwt:sub:ann may not operate in cluster "prod", namespace "team-a": no grant allows it',
    );
  });

  it('lists keep only the canaries the caller may read, with one read of the store and of the grants', async () => {
    const store = new FakeCanaryStore();
    for (const [cluster, namespace] of [
      ['prod', 'team-a'],
      ['prod', 'team-b'],
      ['staging', 'team-a'],
    ] as const)
      await store.save(aRow({ cluster, namespace, name: 'podinfo' }), 0);
    const { access, grants } = member();
    const rows = await listCanaries({ store, history: new FakeHistory() }, access, {}, signal);
    expect(rows.map((r) => `${r.key.cluster}/${r.key.namespace}`)).toEqual(['prod/team-a']);
    expect(store.calls.count('list')).toBe(1);
    expect(grants.calls.count()).toBe(1);
  });
});
