/**
 * The stack test: a whole release through the functions `osls package` built, loaded from their
 * zips with the template's environment and their roles' credentials — register an EKS cluster, a
 * metric template and a canary through the HTTP API → dispatch (schedule) → step (SQS) →
 * notify (EventBridge) → Slack — with the confirm gates of the deployed load tester opened by the
 * release engineer. The new revision of the idle canary is found by dispatch → sweep (SQS) →
 * step. Every AWS call is judged against the calling function's role, every HTTP request against
 * the template's routes and authorizers, every Kubernetes request against the role that made it.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { slackSignature } from '../../functions/slack/signature.js';
import { decodeButton } from '../../lib/domain/buttons.js';
import { prometheusAvailability } from '../support/prometheus.js';
import { fail } from '../support/receiver.js';
import { apply, podinfoDeployment } from '../support/release.js';
import { startSandbox } from '../support/sandbox.js';
import { EXTERNAL_ID, PARTNER_ROLE, startPartnerCluster } from './accounts.js';
import { METADATA_LIST } from '../../lib/adapters/kubernetes/inventory.js';
import { permissionRows, documentedPermissions } from './permissions.js';
import { ApiClient } from '../../cli/client.js';
import { ACCOUNT, API_ID, REGION } from './template.js';
import { startWorld, until, type World } from './world.js';

const available = prometheusAvailability('stack test');
let w: World;

const canary = (api: string) => `apiVersion: flagger.app/v1beta1
kind: Canary
metadata: { name: podinfo, namespace: test }
spec:
  provider: istio
  targetRef: { apiVersion: apps/v1, kind: Deployment, name: podinfo }
  service: { port: 9898 }
  analysis:
    interval: 10s
    threshold: 3
    maxWeight: 50
    stepWeight: 50
    metrics:
      - name: success-rate
        templateRef: { name: success-rate, namespace: test }
        thresholdRange: { min: 90 }
        interval: 30s
      - name: alb-error-rate
        templateRef: { name: alb-error-rate, namespace: test }
        templateVariables: { targetGroup: targetgroup/k8s-test-podinfoc-0d1e2f3a4b/73e2d6bc24d8a067 }
        thresholdRange: { max: 1 }
        interval: 1m
    webhooks:
      - { name: start-gate, type: confirm-rollout, url: "${api}/loadtester/gate/check" }
      - { name: promotion-gate, type: confirm-promotion, url: "${api}/loadtester/gate/check" }
`;

const template = (prometheus: string) => ({
  apiVersion: 'flagger.app/v1beta1',
  kind: 'MetricTemplate',
  metadata: { name: 'success-rate', namespace: 'test' },
  spec: {
    provider: { type: 'prometheus', address: prometheus },
    query:
      'sum(rate(istio_requests_total{destination_workload_namespace="{{ namespace }}",destination_workload="{{ target }}",response_code!~"5.*"}[{{ interval }}])) / sum(rate(istio_requests_total{destination_workload_namespace="{{ namespace }}",destination_workload="{{ target }}"}[{{ interval }}])) * 100',
  },
});

/** A cloudwatch template (Flagger's shape), answered by the local AWS endpoint. */
const dims = [{ Name: 'TargetGroup', Value: '{{ variables.targetGroup }}' }];
const metric = (Id: string, MetricName: string) => ({
  Id,
  MetricStat: {
    Metric: { Namespace: 'AWS/ApplicationELB', MetricName, Dimensions: dims },
    Period: 60,
    Stat: 'Sum',
  },
  ReturnData: false,
});
const cloudwatchTemplate = {
  apiVersion: 'flagger.app/v1beta1',
  kind: 'MetricTemplate',
  metadata: { name: 'alb-error-rate', namespace: 'test' },
  spec: {
    provider: { type: 'cloudwatch' },
    query: JSON.stringify([
      metric('requests', 'RequestCount'),
      metric('errors', 'HTTPCode_Target_5XX_Count'),
      { Id: 'rate', Expression: '100 * errors / requests', ReturnData: true },
    ]),
  },
};

type View = { status?: { phase?: string; canaryWeight?: number } };

const SLACK_SECRET = 'stack-test-signing-secret-8f742231b10e';
const SLACK_TEAM = 'T0CAG';
const SLACK_USER = 'U0CA5';
type SlackButton = { action_id: string; value: string; text: { type: string; text: string } };

/** The approve buttons of every gate message the notify function posted, oldest first. */
function approveButtons(): { button: SlackButton; message: unknown }[] {
  return w.slack.requestsTo('/services/T000/B000/XXXX').flatMap((r) => {
    const body = r.body as { attachments?: { blocks: { type: string; elements?: SlackButton[] }[] }[] };
    const actions = body.attachments?.[0]?.blocks.find((b) => b.type === 'actions');
    const approve = actions?.elements?.find((e) => e.action_id === 'flagger:approve');
    return approve ? [{ button: approve, message: body }] : [];
  });
}

/** A click on `button` as Slack sends it to the interactivity URL, signed with `secret`. */
async function slackClick(button: SlackButton, message: unknown, o: { user?: string; secret?: string } = {}) {
  const payload = {
    type: 'block_actions',
    team: { id: SLACK_TEAM, domain: 'acme-creamery' },
    user: { id: o.user ?? SLACK_USER, username: 'amy', team_id: SLACK_TEAM },
    api_app_id: 'A0CA5',
    trigger_id: '12466734323.1395872398',
    message,
    response_url: `${w.slack.url}/actions/${SLACK_TEAM}/1509734234/abc`,
    actions: [{ type: 'button', block_id: 'flagger-actions', ...button, action_ts: '1548426417.840180' }],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const timestamp = String(Math.floor(Date.now() / 1000));
  const res = await fetch(`${w.stack.api.url}/slack/interactions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': slackSignature(o.secret ?? SLACK_SECRET, timestamp, body),
    },
    body,
  });
  return res.status;
}
const id = '/canaries/prod/test/podinfo';
const json = (o: unknown) => ({ body: JSON.stringify(o), contentType: 'application/json' });

/** Runs dispatch until the canary reaches one of `want`. */
async function phaseOf(canaryId: string, want: string[]): Promise<string> {
  return until(`${canaryId} in ${want.join('|')}`, async () => {
    await w.stack.schedule();
    const v = await w.client.call<View>('GET', canaryId).catch((e: { status?: number }) => {
      if (e.status === 404) return { status: { phase: '(deleted)' } };
      throw e;
    });
    const p = v.status?.phase ?? '';
    return want.includes(p) ? p : undefined;
  });
}

async function phase(want: string[]): Promise<string> {
  return until(`phase ${want.join('|')} (history: ${id}/history)`, async () => {
    if (w.stack.incidents.length > 0) throw new Error('a function failed');
    await w.stack.schedule();
    const v = await w.client.call<View>('GET', id);
    const p = v.status?.phase ?? '';
    return want.includes(p) ? p : undefined;
  });
}

describe.skipIf(available.skip)('the packaged stack', () => {
  beforeAll(async () => {
    // A deployment that serves clusters of another account too (assumableRoles).
    w = await startWorld({
      parameters: {
        assumableRoles: 'arn:aws:iam::210987654321:role/flagger-serverless-*',
        // The Slack app's interactivity is set up: messages carry buttons (docs/slack.md).
        slackButtons: 'true',
      },
    });
  }, 300_000);
  afterAll(async () => {
    await w?.close();
  });

  it('runs a release from the zips: no IAM denial, no unrouted request, Slack told', async () => {
    const { client, sandbox, stack } = w;
    onTestFailed(async () => {
      console.log(w.report());
      const h = await w.client.call<{ items: unknown[] }>('GET', `${id}/history`, { query: { limit: '8' } });
      console.log(JSON.stringify(h.items, null, 1).slice(0, 6000));
    });
    const body = (o: unknown) => ({ body: JSON.stringify(o), contentType: 'application/json' });
    const cluster = { name: 'prod', kind: 'eks', eksClusterName: 'prod', region: 'us-east-1' };
    expect((await client.request('POST', '/clusters', body(cluster))).status).toBe(201);
    expect(await client.call('GET', '/clusters/prod')).toMatchObject({ name: 'prod', kind: 'eks' });
    expect(
      (await client.request('PUT', '/templates/test/success-rate', body(template(w.prometheus.url)))).status,
    ).toBe(201);
    expect(
      (await client.request('PUT', '/templates/test/alb-error-rate', body(cloudwatchTemplate))).status,
    ).toBe(201);

    await apply(sandbox, podinfoDeployment('podinfo:6.0.0'));
    const created = await client.request('POST', '/canaries', {
      query: { cluster: 'prod' },
      body: canary(stack.api.url),
    });
    expect(created.status).toBe(201);
    await phase(['Initialized']);

    // Idle now: its own next step is a reconcile period away, so only a sweep can find this.
    const sweepRole = stack.roleFor('sweep', 'SweepRole').arn;
    const sweptBefore = w.eks.requests.filter((r) => r.role === sweepRole).length;
    await apply(sandbox, podinfoDeployment('podinfo:6.0.1'));
    await phase(['Waiting']);
    const swept = w.eks.requests.filter((r) => r.role === sweepRole);
    expect(swept.length).toBeGreaterThan(sweptBefore);
    // The sweep role only lists, metadata only, from the API server's cache.
    expect(
      swept.filter(
        (r) => r.method !== 'GET' || r.accept !== METADATA_LIST || !r.path.endsWith('?resourceVersion=0'),
      ),
    ).toEqual([]);
    // Who may open a gate of this load tester is decided by the grants (docs/security.md): without
    // one, a 403 naming what it takes; with approve in prod/test, prod's gate of the canary — not
    // Flagger's cluster-less body, which would open it in every cluster. The step role's checks
    // need no grant.
    const approverArn = `arn:aws:iam::${ACCOUNT}:user/gate-approver`;
    const approver = stack.user('gate-approver', [
      {
        Effect: 'Allow',
        Action: 'execute-api:Invoke',
        Resource: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/*`,
      },
    ]);
    const gate = { name: 'podinfo', namespace: 'test', metadata: { cluster: 'prod' } };
    expect(await w.signed('POST', '/loadtester/gate/open', gate, approver)).toEqual({
      status: 403,
      text: `forbidden: iam:${approverArn} may not approve in cluster "prod", namespace "test": no grant allows it`,
    });
    const grant = {
      principal: `iam:${approverArn}`,
      actions: ['approve'],
      cluster: 'prod',
      namespace: 'test',
    };
    expect((await client.request('PUT', '/grants/gate-approver', body(grant))).status).toBe(201);
    const everywhere = { name: 'podinfo', namespace: 'test' };
    expect(await w.signed('POST', '/loadtester/gate/open', everywhere, approver)).toMatchObject({
      status: 403,
      text: expect.stringContaining('may not approve in every cluster, namespace "test"') as unknown,
    });
    expect(await w.signed('POST', '/loadtester/gate/close', gate, approver)).toMatchObject({ status: 403 });
    expect(await w.signed('POST', '/loadtester/gate/open', gate, approver)).toMatchObject({ status: 202 });
    await phase(['Progressing']);
    expect(stack.fn('loadtester').logs.lines.some((l) => l.includes(`/gate/open by ${approverArn}`))).toBe(
      true,
    );
    // Closing holds the release (operate): the release engineer, an admin, does it.
    expect(await w.signed('POST', '/loadtester/gate/close', gate)).toMatchObject({ status: 202 });
    await phase(['WaitingPromotion']);
    await client.request('POST', `${id}/actions/approve`, { query: { gate: 'confirm-promotion' } });
    await phase(['Succeeded']);
    await stack.settle();

    expect(stack.ledger.denials()).toEqual([]);
    // The CloudWatch template was read with the step role, allowed by its statement.
    const cloudwatch = stack.ledger.calls.filter((c) => c.action === 'cloudwatch:GetMetricData');
    expect(cloudwatch.length).toBeGreaterThan(0);
    expect(cloudwatch.every((c) => c.allowedBy.includes('StepReadCloudWatchMetrics'))).toBe(true);
    expect(stack.api.refused).toEqual([]);
    expect(stack.aws.rejected).toEqual([]);
    expect(stack.incidents).toEqual([]);
    expect(w.eks.refused).toEqual([]);
    // The cluster-document statements were judged on the partition each request named.
    const held = stack.ledger.calls.filter((c) =>
      c.allowedBy.some((sid) => sid === 'DispatchListClusters' || sid === 'SweepReadClusters'),
    );
    expect(held.length).toBeGreaterThan(0);
    expect(held.filter((c) => c.context['dynamodb:LeadingKeys']?.join() !== 'D#cluster')).toEqual([]);
    const slack = w.slack.requests.map((r) => JSON.stringify(r.body));
    expect(slack.some((m) => m.includes('promotion finished'))).toBe(true);
    // Every function ran, but slack: its clicks are the test of their own below.
    for (const f of stack.functions.values())
      if (f.spec.name !== 'slack') expect(f.invocations, f.spec.name).toBeGreaterThan(0);
  }, 300_000);

  it('reads kubeconfigs from SSM and Secrets Manager, and finishes revertOnDeletion', async () => {
    const { client, stack } = w;
    const other = await startSandbox({ rolloutDelayMs: 100, namespaces: ['default', 'test', 'lab'] });
    try {
      stack.aws.state.parameters.set('/flagger-serverless/dev/kubeconfig-onprem', other.kubeconfigYaml());
      stack.aws.state.secrets.set('flagger-serverless/dev/kubeconfig-lab', other.kubeconfigYaml());
      const outside = { name: 'x', kind: 'kubeconfig', kubeconfigSecret: 'someone-else/kubeconfig' };
      const refused = await client
        .request('POST', '/clusters', json(outside))
        .catch((e: { status: number; errors: unknown }) => e);
      expect(refused).toMatchObject({ status: 400, errors: [{ path: 'kubeconfigSecret' }] });
      const onprem = {
        name: 'onprem',
        kind: 'kubeconfig',
        kubeconfigParameter: '/flagger-serverless/dev/kubeconfig-onprem',
      };
      const lab = {
        name: 'lab',
        kind: 'kubeconfig',
        kubeconfigSecret: 'flagger-serverless/dev/kubeconfig-lab',
      };
      for (const c of [onprem, lab])
        expect((await client.request('POST', '/clusters', json(c))).status).toBe(201);
      const plain = (ns: string, extra = '') =>
        `apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: { name: podinfo, namespace: ${ns} }\nspec:\n${extra}  targetRef: { apiVersion: apps/v1, kind: Deployment, name: podinfo }\n  service: { port: 9898 }\n  analysis: { interval: 10s, threshold: 2, maxWeight: 50, stepWeight: 50 }\n`;
      await apply(other, {
        ...podinfoDeployment('podinfo:6.0.0'),
        metadata: { name: 'podinfo', namespace: 'test' },
      });
      await apply(other, {
        ...podinfoDeployment('podinfo:6.0.0'),
        metadata: { name: 'podinfo', namespace: 'lab' },
      });
      await client.request('POST', '/canaries', {
        query: { cluster: 'onprem' },
        body: plain('test', '  revertOnDeletion: true\n'),
      });
      await client.request('POST', '/canaries', { query: { cluster: 'lab' }, body: plain('lab') });
      await phaseOf('/canaries/onprem/test/podinfo', ['Initialized']);
      await phaseOf('/canaries/lab/lab/podinfo', ['Initialized']);
      // Both idle: one more minute sweeps them, reaching each cluster with its kubeconfig.
      await stack.schedule();
      await stack.settle();
      const sweptClusters = stack.fn('sweep').logs.lines.filter((l) => l.includes('"reason":"ClusterSwept"'));
      expect(sweptClusters.some((l) => l.includes('"cluster":"onprem"') && l.includes('"canaries":1'))).toBe(
        true,
      );
      expect(sweptClusters.some((l) => l.includes('"cluster":"lab"') && l.includes('"canaries":1'))).toBe(
        true,
      );

      expect((await client.request('DELETE', '/canaries/onprem/test/podinfo')).status).toBe(202);
      await phaseOf('/canaries/onprem/test/podinfo', ['(deleted)']);
      const apex = other.store.get('v1', 'Service', 'test', 'podinfo') as { spec: { selector: unknown } };
      expect(apex.spec.selector).toEqual({ app: 'podinfo' });
      expect((await client.request('DELETE', '/canaries/lab/lab/podinfo')).status).toBe(204);
      expect((await client.request('DELETE', '/clusters/lab')).status).toBe(204);
      await stack.settle();
      expect(stack.ledger.denials()).toEqual([]);
      expect(stack.incidents).toEqual([]);
    } finally {
      await other.close();
    }
  }, 300_000);

  it('reaches a cluster in another account through the role it names', async () => {
    const { client, stack } = w;
    const partner = await startPartnerCluster(stack, 'partner');
    onTestFailed(async () => {
      console.log(w.report(), '\n--- partner EKS refused\n', partner.eks.refused.join('\n'));
      const h = await client.call<{ items: unknown[] }>('GET', '/canaries/partner/test/podinfo/history', {
        query: { limit: '3' },
      });
      console.log(JSON.stringify(h.items, null, 1).slice(0, 3000));
    });
    try {
      const cluster = { name: 'partner', kind: 'eks', eksClusterName: 'partner', region: 'us-east-1' };
      const outside = { ...cluster, assumeRole: { roleArn: 'arn:aws:iam::999999999999:role/admin' } };
      const refused = await client
        .request('POST', '/clusters', json(outside))
        .catch((e: { status: number; errors: unknown }) => e);
      expect(refused).toMatchObject({ status: 400, errors: [{ path: 'assumeRole.roleArn' }] });
      const record = { ...cluster, assumeRole: { roleArn: PARTNER_ROLE, externalId: EXTERNAL_ID } };
      expect((await client.request('POST', '/clusters', json(record))).status).toBe(201);
      await apply(partner.sandbox, podinfoDeployment('podinfo:6.0.0'));
      const yaml = `apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: { name: podinfo, namespace: test }\nspec:\n  targetRef: { apiVersion: apps/v1, kind: Deployment, name: podinfo }\n  service: { port: 9898 }\n  analysis: { interval: 10s, threshold: 2, maxWeight: 50, stepWeight: 50 }\n`;
      await client.request('POST', '/canaries', { query: { cluster: 'partner' }, body: yaml });
      await phaseOf('/canaries/partner/test/podinfo', ['Initialized']);
      // Idle: the next minute's sweep reaches the cluster through the same role.
      await stack.schedule();
      await stack.settle();
      expect(partner.eks.requests.some((r) => r.path.endsWith('?resourceVersion=0'))).toBe(true);
      expect(new Set(partner.eks.admitted.map((a) => a.split('/').slice(0, 2).join('/')))).toEqual(
        new Set(['arn:aws:sts::210987654321:assumed-role/flagger-serverless-access']),
      );
      const assumed = stack.ledger.calls.filter((c) => c.action === 'sts:AssumeRole');
      expect(assumed.length).toBeGreaterThan(0);
      const sid = { step: 'StepAssumeClusterRoles', sweep: 'SweepAssumeClusterRoles' } as Record<
        string,
        string
      >;
      expect(assumed.every((c) => c.allowed && c.allowedBy.includes(sid[c.principal] ?? '?'))).toBe(true);
      expect(new Set(assumed.map((c) => c.principal))).toEqual(new Set(['step', 'sweep']));
      expect(
        stack.ledger.calls.some(
          (c) => c.principal === 'partner-access' && c.action === 'eks:DescribeCluster' && c.allowed,
        ),
      ).toBe(true);
      expect((await client.request('DELETE', '/canaries/partner/test/podinfo')).status).toBe(204);
      await stack.settle();
      expect(stack.ledger.denials()).toEqual([]);
    } finally {
      await partner.close();
    }
  }, 300_000);

  it('keeps notifications that could not be delivered in the notify dead-letter queue', async () => {
    const { stack, sandbox } = w;
    w.slack.respond('/services/T000/B000/XXXX', fail());
    await apply(sandbox, podinfoDeployment('podinfo:6.0.2'));
    const dlq = stack.aws.state.queues.get('flagger-serverless-dev-notify-dlq')!;
    await until('a dead-lettered notification', async () => {
      await stack.schedule();
      return dlq.length > 0 ? true : undefined;
    });
    const [first] = dlq;
    expect(JSON.parse(first!.body)).toMatchObject({
      source: 'flagger-serverless',
      detail: { canary: { name: 'podinfo' } },
    });
    expect(stack.incidents.filter((i) => i.function === 'notify').length).toBeGreaterThanOrEqual(3);
    expect(stack.ledger.denials()).toEqual([]);
  }, 300_000);

  it('lets a team see and approve only what its grant gives, granted by the admin the stack names', async () => {
    const { stack, client } = w;
    const teamArn = `arn:aws:iam::${ACCOUNT}:user/team-b`;
    const credentials = stack.user('team-b', [
      {
        Effect: 'Allow',
        Action: 'execute-api:Invoke',
        Resource: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/*`,
      },
    ]);
    const team = new ApiClient(stack.api.url, { kind: 'sigv4', region: REGION, credentials });
    const status = (p: Promise<unknown>) =>
      p.then(
        () => 200,
        (e: { status?: number }) => e.status,
      );

    expect(await team.call('GET', '/canaries')).toEqual({ items: [] });
    expect(await status(team.call('GET', id))).toBe(403);
    const grant = { principal: `iam:${teamArn}`, actions: ['approve'], cluster: 'prod', namespace: 'test' };
    expect(await status(team.call('PUT', '/grants/team-b', { body: JSON.stringify(grant) }))).toBe(403);

    const put = await client.request('PUT', '/grants/team-b', {
      body: JSON.stringify(grant),
      contentType: 'application/json',
    });
    expect(put.status).toBe(201);
    const seen = await team.call<{ items: { name: string }[] }>('GET', '/canaries');
    expect(seen.items.map((c) => c.name)).toEqual(['podinfo']);
    expect(await status(team.call('POST', `${id}/actions/abort`))).toBe(403);
    expect(await status(team.call('GET', '/clusters/prod'))).toBe(403);

    expect((await client.request('DELETE', '/grants/team-b')).status).toBe(204);
    expect(await status(team.call('GET', id))).toBe(403);
    expect(stack.ledger.denials()).toEqual([]);
  }, 60_000);

  it('applies a Slack button click through the packaged slack function, outside the IAM authorizer', async () => {
    const { client, stack } = w;
    onTestFailed(() => console.log(w.report()));
    stack.aws.state.parameters.set('/flagger-serverless/dev/slack-signing-secret', SLACK_SECRET);
    // Who may click is decided by the grants, as for any caller (docs/security.md): this user may
    // approve in prod/test; another one (U0CA6) has no grant.
    const grant = {
      principal: `slack:${SLACK_TEAM}/${SLACK_USER}`,
      actions: ['approve'],
      cluster: 'prod',
      namespace: 'test',
    };
    const put = await client.request('PUT', '/grants/slack-approver', {
      body: JSON.stringify(grant),
      contentType: 'application/json',
    });
    expect(put.status).toBe(201);
    // The release of the previous test waits at its confirm-rollout gate (closed in the first test);
    // its notifications fail there (the webhook answers 500), so incidents are expected.
    await phaseOf(id, ['Waiting']);
    // (No settle: the previous test left messages in the notify DLQ, which nothing consumes.)
    await until('the gate message with buttons', () => {
      const [first, ...later] = approveButtons().map((b) => decodeButton(b.button.value)!);
      const last = later.at(-1);
      return Promise.resolve(
        last?.gate === 'confirm-rollout' && last.nonce !== first!.nonce ? true : undefined,
      );
    });
    const buttons = approveButtons();
    const current = buttons.at(-1)!;
    const replies = `/actions/${SLACK_TEAM}/1509734234/abc`;
    const slackRecords = async () =>
      (
        await client.call<{ items: { kind: string; actor: string }[] }>('GET', `${id}/history`, {
          query: { limit: '50' },
        })
      ).items.filter((h) => h.kind === 'operator' && h.actor.startsWith('slack:'));

    // Refused before anything is read: another secret; told privately: a user without a grant;
    // refused as stale: the first release's gate message.
    expect(await slackClick(current.button, current.message, { secret: 'not-the-secret' })).toBe(401);
    expect(await slackClick(current.button, current.message, { user: 'U0CA6' })).toBe(200);
    expect(await slackClick(buttons[0]!.button, buttons[0]!.message)).toBe(200);
    expect(await slackRecords()).toEqual([]);

    expect(await slackClick(current.button, current.message)).toBe(200);
    expect(await slackClick(current.button, current.message)).toBe(200);
    await phaseOf(id, ['Progressing', 'WaitingPromotion']);
    expect((await slackRecords()).map((h) => h.actor)).toEqual([`slack:${SLACK_TEAM}/${SLACK_USER}`]);
    const answers = (await w.slack.waitForRequests(4, { path: replies })).map(
      (r) => r.body as Record<string, any>,
    );
    expect(answers.map((a) => a.text ?? a.attachments?.[0]?.blocks.at(-1)?.elements?.[0]?.text)).toEqual([
      'You are not allowed to approve prod/test/podinfo; nothing was done.',
      expect.stringMatching(/^Nothing was done: approve refused .* about revision/),
      expect.any(String),
      'Already decided on this message: Approved by <@U0CA5>.',
    ]);
    expect(answers[2]!.attachments[0].blocks.at(-1)).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: 'Approved by <@U0CA5>' }],
    });

    expect(stack.api.served.has('POST /slack/interactions')).toBe(true);
    expect(stack.fn('slack').invocations).toBe(5);
    expect(stack.api.routes.find((r) => r.key === 'POST /slack/interactions')?.auth).toBe('NONE');
    const read = stack.ledger.calls.filter((c) => c.principal === 'slack' && c.action === 'ssm:GetParameter');
    expect(read.length).toBeGreaterThan(0);
    expect(read.every((c) => c.allowed && c.allowedBy.includes('SlackReadSigningSecret'))).toBe(true);
    expect(stack.ledger.denials()).toEqual([]);
    expect(stack.incidents.filter((i) => i.function === 'slack')).toEqual([]);
    const logs = [...stack.functions.values()].flatMap((f) => f.logs.lines).join('\n');
    expect(logs).not.toContain(SLACK_SECRET);
    expect(JSON.stringify(w.slack.requests)).not.toContain(SLACK_SECRET);
  }, 300_000);

  it('documents every AWS action each function calls and the statement that allows it', () => {
    expect(documentedPermissions('docs/deploy.md')).toEqual(
      permissionRows(
        w.stack.ledger.calls,
        [...w.stack.functions.values()].map((f) => f.spec.name),
      ),
    );
  });
});
