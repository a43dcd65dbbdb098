/**
 * What GitOps sourcing costs (docs/gitops.md, "Cost"; docs/cost.md): the counts `npm run bench`
 * reports (test/bench/cost/gitops.ts), pinned, so the bench, the docs and the code cannot drift
 * apart silently. Which Flagger objects a quiet minute lists, and that it lists them by metadata
 * only, is pinned in gitops.test.ts and gitops-templates.test.ts. Counted, never timed.
 */
import { describe, expect, it } from 'vitest';
import { benchGitOps } from '../../bench/cost/gitops.js';

const FLAGGER_LISTS = [
  'GET /apis/flagger.app/v1beta1/metrictemplates?…',
  'GET /apis/flagger.app/v1beta1/alertproviders?…',
  'GET /apis/flagger.app/v1beta1/canaries?…',
];

describe('one cluster with gitops.enabled beside the same cluster without', () => {
  it('a quiet minute: three LISTs more; a cluster without canaries is swept, with one Query and one GetItem more', async () => {
    const [off, on] = [await benchGitOps(false), await benchGitOps(true)];
    // Without canaries: dispatch alone (4 due-index shards, the cluster names, "any idle canary?").
    expect(off.empty).toMatchObject({ kubernetes: 0, dynamodb: { Query: 6 }, sweeps: 0, steps: 0 });
    // Opted in: no "any idle canary?" (swept anyway); the sweep reads the idle index, the sourced
    // rows (one Query each) and the cluster record (one GetItem), and lists the three kinds.
    expect(on.empty).toMatchObject({
      requests: FLAGGER_LISTS,
      dynamodb: { Query: 7, GetItem: 1 },
      sweeps: 1,
    });
    // With an idle canary the cluster is swept either way: the sourced rows' Query replaces the
    // "any idle canary?" one, and only the three LISTs are added.
    expect(off.idle).toMatchObject({
      kubernetes: 4,
      dynamodb: { Query: 7, GetItem: 1 },
      sweeps: 1,
      steps: 0,
    });
    expect(on.idle).toMatchObject({ dynamodb: off.idle.dynamodb, sweeps: 1, steps: 0 });
    expect(on.idle.requests).toEqual([...off.idle.requests, ...FLAGGER_LISTS]);

    // A registration: what the API's makes, plus the Flagger check and the object's status and mark.
    expect(off.registration).toMatchObject({
      kubernetes: 0,
      dynamodb: { GetItem: 2, UpdateItem: 1, PutItem: 1 },
    });
    expect(on.registration.requests.slice(3)).toEqual([
      'GET /apis/apps/v1/deployments?…',
      'GET /apis/flagger.app/v1beta1/namespaces/test/canaries/podinfo',
      'PATCH /apis/flagger.app/v1beta1/namespaces/test/canaries/podinfo/status',
      'GET /apis/flagger.app/v1beta1/namespaces/test/canaries/podinfo',
      'PATCH /apis/flagger.app/v1beta1/namespaces/test/canaries/podinfo',
    ]);
    expect(on.registration.dynamodb).toEqual({ Query: 7, GetItem: 3, UpdateItem: 1, PutItem: 1 });
    // A changed template: one GET of it and one row write more than a quiet minute.
    expect(on.templateChange.kubernetes).toBe(on.idle.kubernetes + 1);
    expect(on.templateChange.requests).toContain(
      'GET /apis/flagger.app/v1beta1/namespaces/test/metrictemplates/success',
    );
    expect(on.templateChange.dynamodb).toEqual({ ...on.idle.dynamodb, PutItem: 1 });
  }, 120_000);
});
