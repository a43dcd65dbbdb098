/**
 * Slack buttons in local mode (docs/slack.md, "Try it locally"): two local stacks on one sandbox,
 * each with a canary waiting at its confirm-rollout gate and a Slack receiver as its default
 * webhook. The one with a signing secret posts the gate message with buttons and applies a click
 * on its Approve button sent over HTTP as Slack signs it (v0 HMAC-SHA256 of
 * `v0:<timestamp>:<body>`), recorded in history with the Slack principal; a tampered, unsigned,
 * old or foreign-signed request is refused 401 and changes nothing. The one without posts the
 * message without buttons and answers clicks 503. The secret is in no answer, reply or log line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackSignature } from '../../../functions/slack/signature.js';
import type { Logger } from '../../../lib/ports/logger.js';
import { startStack, type Stack } from '../../../local/stack.js';
import { startReceiver, type Receiver } from '../../support/receiver.js';
import { baseEnv, runShell } from './process.js';
import { apply } from '../../support/release.js';
import { eventually, startSandbox, type Sandbox } from '../../support/sandbox.js';

const SECRET = 'local-signing-secret-5c1f0e';
const TEAM = 'T0LOCAL';
const USER = 'U0LOCAL';
const HOOK = '/services/T0LOCAL/B0LOCAL/hook';
const REPLIES = `/actions/${TEAM}/1/abc`;

let sandbox: Sandbox;
let rx: Receiver;
let withSecret: Stack;
let without: Stack;
const logs: string[] = [];

const logger: Logger = {
  info: (m, f) => void logs.push(JSON.stringify({ m, ...f })),
  warn: (m, f) => void logs.push(JSON.stringify({ m, ...f })),
  error: (m, f) => void logs.push(JSON.stringify({ m, ...f })),
};

type Button = { action_id: string; value: string };
type Message = { attachments: { blocks: { type: string; elements?: Button[] }[] }[] };

beforeAll(async () => {
  sandbox = await startSandbox({ rolloutDelayMs: 0, namespaces: ['test', 'other'] });
  rx = await startReceiver();
  const common = { token: 't', logger, dispatchEveryMs: 200, sweepEveryMs: 60_000 };
  withSecret = await startStack({ ...common, slackUrl: `${rx.url}${HOOK}/test`, slackSigningSecret: SECRET });
  without = await startStack({ ...common, slackUrl: `${rx.url}${HOOK}/other` });
  await Promise.all([waitAtGate(withSecret, 'test'), waitAtGate(without, 'other')]);
}, 120_000);

afterAll(async () => {
  await withSecret?.close();
  await without?.close();
  await rx?.close();
  await sandbox?.close();
});

/** Registers the sandbox and a canary of `namespace` with a closed confirm-rollout gate, then releases. */
async function waitAtGate(stack: Stack, namespace: string): Promise<void> {
  await stack.registerCluster({
    name: 'sandbox',
    kind: 'endpoint',
    server: sandbox.httpUrl,
    token: sandbox.token,
  });
  await apply(sandbox, deployment(namespace, 'podinfo:6.0.0'));
  const canary = `apiVersion: flagger.app/v1beta1
kind: Canary
metadata: { name: podinfo, namespace: ${namespace} }
spec:
  provider: kubernetes
  targetRef: { apiVersion: apps/v1, kind: Deployment, name: podinfo }
  service: { port: 9898 }
  analysis:
    interval: 10s
    threshold: 2
    iterations: 1
    webhooks:
      - { name: start-gate, type: confirm-rollout, url: "${stack.url}/loadtester/gate/check" }
`;
  expect((await api(stack, 'POST', '/canaries?cluster=sandbox', canary)).status).toBe(201);
  await phase(stack, namespace, 'Initialized');
  await apply(sandbox, deployment(namespace, 'podinfo:6.0.1'));
  await phase(stack, namespace, 'Waiting');
  await eventually(() => gateButtons(namespace).length > 0, {
    timeoutMs: 30_000,
    message: `no gate message for ${namespace}/podinfo`,
  });
}

function deployment(namespace: string, image: string) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'podinfo', namespace },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'podinfo' } },
      template: {
        metadata: { labels: { app: 'podinfo' } },
        spec: { containers: [{ name: 'podinfo', image }] },
      },
    },
  };
}

async function api(stack: Stack, method: string, path: string, body?: string) {
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: { authorization: 'Bearer t', ...(body ? { 'content-type': 'application/yaml' } : {}) },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
}

/** Steps the canary until it is in `want`. */
async function phase(stack: Stack, namespace: string, want: string): Promise<void> {
  const key = { cluster: 'sandbox', namespace, name: 'podinfo' };
  await eventually(
    async () => {
      await stack.stepNow(key);
      await stack.queue.drain();
      return (await api(stack, 'GET', `/canaries/sandbox/${namespace}/podinfo`)).body.phase === want;
    },
    { timeoutMs: 60_000, intervalMs: 200, message: `${namespace}/podinfo not ${want}` },
  );
}

/** The buttons of the gate messages posted for `namespace`, newest last. */
function gateButtons(namespace: string): Button[][] {
  return rx.requestsTo(`${HOOK}/${namespace}`).flatMap((r) => {
    const blocks = (r.body as Message).attachments[0].blocks;
    const text = JSON.stringify(r.body);
    if (!text.includes('confirm-rollout') && !/approv/i.test(text)) return [];
    return [blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? [])];
  });
}

/** A click on `button` as Slack sends it; `sign` changes what is signed or sent. */
async function click(
  stack: Stack,
  button: Button,
  sign: { secret?: string; timestamp?: number; tamper?: (body: string) => string; unsigned?: boolean } = {},
): Promise<{ status: number; text: string }> {
  const payload = {
    type: 'block_actions',
    team: { id: TEAM },
    user: { id: USER },
    actions: [{ type: 'button', block_id: 'flagger-actions', ...button }],
    response_url: `${rx.url}${REPLIES}`,
    message: { text: 'gate message' },
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const timestamp = String(sign.timestamp ?? Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (!sign.unsigned) {
    headers['x-slack-request-timestamp'] = timestamp;
    headers['x-slack-signature'] = slackSignature(sign.secret ?? SECRET, timestamp, body);
  }
  const res = await fetch(`${stack.url}/slack/interactions`, {
    method: 'POST',
    headers,
    body: sign.tamper ? sign.tamper(body) : body,
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, text: await res.text() };
}

/** The operator records of sandbox/test/podinfo made by a Slack principal. */
async function slackRecords(stack: Stack, namespace = 'test'): Promise<{ actor: string; reason: string }[]> {
  const { body } = await api(stack, 'GET', `/canaries/sandbox/${namespace}/podinfo/history?limit=100`);
  return (body.items as { kind: string; actor?: string; reason: string }[])
    .filter((h) => h.kind === 'operator' && h.actor?.startsWith('slack:'))
    .map((h) => ({ actor: h.actor!, reason: h.reason }));
}

describe('local mode with SLACK_SIGNING_SECRET', () => {
  it('posts the gate message with Approve, Abort and Pause', () => {
    const messages = gateButtons('test');
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.at(-1)!.map((b) => b.action_id)).toEqual([
      'flagger:approve',
      'flagger:abort',
      'flagger:pause',
    ]);
  });

  it('refuses tampered, unsigned, old and foreign-signed clicks, changing nothing', async () => {
    const grant = {
      principal: `slack:${TEAM}/${USER}`,
      actions: ['approve'],
      cluster: 'sandbox',
      namespace: 'test',
    };
    expect((await api(withSecret, 'PUT', '/grants/slack-me', JSON.stringify(grant))).status).toBe(201);
    const approve = gateButtons('test').at(-1)![0];
    const refused = [
      await click(withSecret, approve, { tamper: (b) => b.replace(USER, 'U0OTHER') }),
      await click(withSecret, approve, { unsigned: true }),
      await click(withSecret, approve, { timestamp: Math.floor(Date.now() / 1000) - 301 }),
      await click(withSecret, approve, { secret: 'not-the-secret' }),
    ];
    expect(refused).toEqual(
      Array(4).fill({ status: 401, text: JSON.stringify({ message: 'not a request signed by Slack' }) }),
    );
    expect(rx.requestsTo(REPLIES)).toHaveLength(0);
    expect(await slackRecords(withSecret)).toEqual([]);
  });

  it('applies a signed click on Approve, records it in history and settles the message', async () => {
    const approve = gateButtons('test').at(-1)![0];
    expect(await click(withSecret, approve)).toEqual({ status: 200, text: '' });
    expect(await slackRecords(withSecret)).toEqual([
      { actor: `slack:${TEAM}/${USER}`, reason: expect.any(String) },
    ]);
    const [settled] = await rx.waitForRequests(1, { path: REPLIES });
    expect(JSON.stringify(settled.body)).toContain(`Approved by <@${USER}>`);
    // The same click again (a replay): one decision per message, nothing more recorded.
    expect((await click(withSecret, approve)).status).toBe(200);
    expect(await slackRecords(withSecret)).toHaveLength(1);
    expect(rx.requestsTo(REPLIES)).toHaveLength(2);
  });

  it('npm run slack-click --value: a button copied from the message, the decision already taken', async () => {
    const approve = gateButtons('test').at(-1)![0];
    const env = baseEnv({ SLACK_SIGNING_SECRET: SECRET, FLAGGER_API_URL: withSecret.url });
    const r = await runShell(`npm run --silent slack-click -- --value '${approve.value}'`, env, 60_000);
    expect(r, r.stderr).toMatchObject({ code: 0 });
    expect(r.stdout).toBe(
      [
        `POST ${withSecret.url}/slack/interactions as slack:${TEAM}/${USER}: HTTP 200`,
        `reply (you only): Already decided on this message: Approved by <@${USER}>.`,
        '',
      ].join('\n'),
    );
    expect(await slackRecords(withSecret)).toHaveLength(1);
  }, 60_000);
});

describe('local mode without a signing secret', () => {
  it('posts the gate message without buttons', () => {
    const messages = gateButtons('other');
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.every((buttons) => buttons.length === 0)).toBe(true);
  });

  it('answers a click 503 and applies nothing', async () => {
    const value = JSON.stringify({ c: ['sandbox', 'other', 'podinfo'], a: 'pause', n: 'nonce-1' });
    const r = await click(without, { action_id: 'flagger:pause', value });
    expect(r.status).toBe(503);
    expect(await slackRecords(without, 'other')).toEqual([]);
  });
});

describe('the signing secret', () => {
  it('is in no log line and no Slack message', () => {
    expect(logs.join('\n')).not.toContain(SECRET);
    expect(JSON.stringify(rx.requests.map((r) => r.rawBody))).not.toContain(SECRET);
  });
});
