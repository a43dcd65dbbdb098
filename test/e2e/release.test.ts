/**
 * A whole release through the real handlers — api → dispatch → step → notify — against
 * dynalite, the sandbox API server and local receivers for the webhooks and Slack.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanaryStatus } from '../../lib/domain/status.js';
import type { CanaryRecord } from '../../lib/ports/store.js';
import { startSandbox, type Sandbox } from '../support/sandbox.js';
import { startReceiver } from '../support/receiver.js';
import { startControlPlane, type ControlPlane } from '../support/controlplane.js';
import {
  apply,
  initializeCanary,
  podinfoCanary,
  podinfoDeployment,
  virtualServiceWeights,
} from '../support/release.js';

const key = { cluster: 'sandbox', namespace: 'test', name: 'podinfo' };
let sandbox: Sandbox;
let cp: ControlPlane;
let hooks: Awaited<ReturnType<typeof startReceiver>>;
let slack: Awaited<ReturnType<typeof startReceiver>>;

function canary(hookUrl: string) {
  return podinfoCanary(`threshold: 2
maxWeight: 30
stepWeight: 10
webhooks:
  - { name: acceptance, type: pre-rollout, url: "${hookUrl}/pre" }
  - { name: load, type: rollout, url: "${hookUrl}/rollout" }
  - { name: done, type: post-rollout, url: "${hookUrl}/post" }`);
}

const putDeployment = (image: string) => apply(sandbox, podinfoDeployment(image));
const liveWeights = () => Promise.resolve(virtualServiceWeights(sandbox));

beforeAll(async () => {
  sandbox = await startSandbox({ rolloutDelayMs: 0, namespaces: ['default', 'test'] });
  hooks = await startReceiver();
  slack = await startReceiver();
  cp = await startControlPlane({ slackUrl: `${slack.url}/slack` });
});
afterAll(async () => {
  await cp?.close();
  await hooks?.close();
  await slack?.close();
  await sandbox?.close();
});

describe('a full release through the handlers', () => {
  it('initializes, then promotes a new revision in 10 % steps to 30 % and ends Succeeded', async () => {
    let row: CanaryRecord<CanaryStatus> | undefined = await initializeCanary(cp, sandbox, canary(hooks.url));
    const target = sandbox.store.get('apps/v1', 'Deployment', 'test', 'podinfo') as any;
    expect(target.spec.replicas).toBe(0);
    expect(sandbox.store.get('apps/v1', 'Deployment', 'test', 'podinfo-primary')).toBeDefined();
    expect(await liveWeights()).toEqual([100, 0]);

    await putDeployment('podinfo:6.0.1');
    const phases: string[] = [];
    const weights: number[] = [];
    for (let i = 0; i < 20 && row?.status.phase !== 'Succeeded'; i++) {
      row = await cp.tick(key, 10_000);
      phases.push(row!.status.phase);
      const [, canaryWeight] = await liveWeights();
      if (weights.at(-1) !== canaryWeight) weights.push(canaryWeight);
    }
    expect(row?.status.phase).toBe('Succeeded');
    expect(weights).toEqual([0, 10, 20, 30, 0]);
    expect(phases).toContain('Progressing');
    const primary = sandbox.store.get('apps/v1', 'Deployment', 'test', 'podinfo-primary') as any;
    expect(primary.spec.template.spec.containers[0].image).toBe('podinfo:6.0.1');
    expect((sandbox.store.get('apps/v1', 'Deployment', 'test', 'podinfo') as any).spec.replicas).toBe(0);

    // Webhooks: pre-rollout once, rollout on every analysed step, post-rollout once, Flagger's payload.
    expect(hooks.requestsTo('/pre')).toHaveLength(1);
    expect(hooks.requestsTo('/rollout').length).toBeGreaterThanOrEqual(2);
    const post = hooks.requestsTo('/post');
    expect(post).toHaveLength(1);
    expect(post[0].body).toMatchObject({ name: 'podinfo', namespace: 'test', phase: 'Succeeded' });

    // History: registration plus one record per step, newest first, ending in the promotion.
    const history = await cp.api('GET', '/canaries/sandbox/test/podinfo/history');
    expect(history.status).toBe(200);
    const items = history.body.items as { kind: string; reason: string; phase: string }[];
    expect(items[0]).toMatchObject({ kind: 'step', phase: 'Succeeded' });
    expect(items).toContainEqual(
      expect.objectContaining({
        kind: 'registration',
        reason: 'CanaryRegistered',
        actor: 'arn:aws:iam::123456789012:user/tester',
      }),
    );
    expect(items.map((h) => h.reason)).toEqual(expect.arrayContaining(['CanaryWeightIncreased', 'Promoted']));

    // Notifications: lifecycle messages reached the default Slack webhook.
    const types = cp.events.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['ReleaseStarted', 'Promoted']));
    expect(slack.requestsTo('/slack').length).toBeGreaterThanOrEqual(2);

    // Kubernetes Events tell the story on the target Deployment.
    const k8sEvents = sandbox.store.list('v1', 'Event', 'test') as any[];
    expect(k8sEvents.some((e) => e.involvedObject.name === 'podinfo')).toBe(true);
  });
});
