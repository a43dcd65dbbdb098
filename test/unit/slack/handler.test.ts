/**
 * Slack's interactivity requests through the slack function's handler: signed as Slack signs
 * them, carrying the block_actions payload shape of Slack's documentation around a button our
 * Slack notifier really posted (to a local receiver), applied through the operator use case on
 * in-memory ports; the answers go to the click's response_url, another local receiver path.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHandler } from '../../../functions/slack/handler.js';
import { slackSignature } from '../../../functions/slack/signature.js';
import { makeSlackNotifier } from '../../../lib/adapters/notify/slack.js';
import { makeSlackReplies } from '../../../lib/adapters/notify/slack-replies.js';
import { ForbiddenError } from '../../../lib/ports/errors.js';
import { buttonsFor, encodeButton } from '../../../lib/domain/buttons.js';
import type { DomainEvent } from '../../../lib/domain/events.js';
import { grantedTo } from '../../support/fakes/access.js';
import { FakeButtonClaims } from '../../support/fakes/buttons.js';
import { FakeLogger } from '../../support/fakes/messaging.js';
import { startReceiver, type Receiver } from '../../support/receiver.js';
import { anAppWorld, key, stepNow, waitingAtRolloutGate, type AppWorld } from '../app/harness.js';

const SECRET = 'e3b0c44298fc1c149afbf4c8996fb924';
// Team and user ids of Slack's block_actions example.
const TEAM = 'T0CAG';
const USER = 'U0CA5';
const STRANGER = 'U0CA6';
const RESPONSE_PATH = `/actions/${TEAM}/1509734234/postresponsestome`;
const WEBHOOK_PATH = '/services/T0CAG/B0/XXXX';

let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(async () => {
  await rx.close();
});

type Button = { action_id: string; value: string; text: { type: string; text: string } };
type Posted = {
  text: string;
  attachments: { color: string; blocks: { type: string; elements?: Button[] }[] }[];
};

interface Setup {
  w: AppWorld;
  claims: FakeButtonClaims;
  logger: FakeLogger;
  handler: ReturnType<typeof makeHandler>;
  /** The WaitingApproval message as our notifier posted it. */
  message: Posted;
  event: DomainEvent;
}

/** A canary waiting at its confirm-rollout gate, and the Slack message the notifier posted about it. */
async function waitingAtGate(): Promise<Setup> {
  rx.reset();
  const w = anAppWorld();
  await waitingAtRolloutGate(w);
  const event = w.bus.published.find((e) => e.type === 'WaitingApproval')!;
  const provider = {
    name: 'slack',
    namespace: 'test',
    type: 'slack' as const,
    address: `${rx.url}${WEBHOOK_PATH}`,
  };
  await makeSlackNotifier(provider, { slackButtons: true }).post({ event }, AbortSignal.timeout(5000));
  const [posted] = await rx.waitForRequests(1, { path: WEBHOOK_PATH });
  const claims = new FakeButtonClaims();
  const logger = new FakeLogger();
  const handler = makeHandler({
    buttons: {
      ...w.operator,
      claims,
      replies: makeSlackReplies({ timeoutMs: 5000 }),
      // Only this user holds a grant; any other clicking is told "not allowed".
      accessOf: grantedTo([`slack:${TEAM}/${USER}`]),
    },
    signingSecret: () => Promise.resolve(SECRET),
    logger,
    now: () => w.clock.now,
    maxBodyBytes: 64 * 1024,
  });
  return { w, claims, logger, handler, message: posted!.body as Posted, event };
}

function buttonOf(message: Posted, label: string): Button {
  const actions = message.attachments[0]!.blocks.find((b) => b.type === 'actions')!;
  return actions.elements!.find((e) => e.text.text === label)!;
}

/** Slack's block_actions example payload (api.slack.com/reference/interaction-payloads/block-actions), for `button`. */
function blockActions(button: Button, message: Posted, user = USER): Record<string, unknown> {
  return {
    type: 'block_actions',
    team: { id: TEAM, domain: 'acme-creamery' },
    user: { id: user, username: 'Amy McGee', name: 'Amy McGee', team_id: TEAM },
    api_app_id: 'A0CA5',
    token: 'Shh_its_a_seekrit',
    container: {
      type: 'message',
      message_ts: '1548261231.000200',
      attachment_id: 1,
      channel_id: 'CBR2V3XEX',
    },
    trigger_id: '12466734323.1395872398',
    channel: { id: 'CBR2V3XEX', name: 'review-updates' },
    message: { type: 'message', subtype: 'bot_message', ts: '1548261231.000200', ...message },
    response_url: `${rx.url}${RESPONSE_PATH}`,
    actions: [
      {
        type: 'button',
        block_id: 'flagger-actions',
        action_id: button.action_id,
        text: button.text,
        value: button.value,
        action_ts: '1548426417.840180',
      },
    ],
  };
}

interface Signing {
  secret?: string;
  /** Seconds from now (negative: in the past). */
  skew?: number;
  tamper?: (body: string) => string;
  unsigned?: boolean;
  base64?: boolean;
}

/** The request API Gateway hands the function for `payload`, signed as Slack signs it. */
function slackRequest(s: Setup, payload: unknown, o: Signing = {}): APIGatewayProxyEventV2 {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const timestamp = String(Math.floor(s.w.clock.now / 1000) + (o.skew ?? 0));
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': timestamp,
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
  };
  if (!o.unsigned) headers['x-slack-signature'] = slackSignature(o.secret ?? SECRET, timestamp, body);
  const sent = o.tamper ? o.tamper(body) : body;
  return {
    version: '2.0',
    routeKey: 'POST /slack/interactions',
    rawPath: '/slack/interactions',
    rawQueryString: '',
    headers,
    body: o.base64 ? Buffer.from(sent).toString('base64') : sent,
    isBase64Encoded: o.base64 ?? false,
    requestContext: { http: { method: 'POST', path: '/slack/interactions' } },
  } as unknown as APIGatewayProxyEventV2;
}

async function send(s: Setup, event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  return (await s.handler(event)) as APIGatewayProxyStructuredResultV2;
}

const operatorRecords = (w: AppWorld) =>
  w.history
    .of(key)
    .filter((h) => h.kind === 'operator')
    .map((h) => [h.reason, h.actor]);

/** What the response_url got, in order. */
const replies = () => rx.requestsTo(RESPONSE_PATH).map((r) => r.body as Record<string, unknown>);

/** Nothing changed: no command, no record, no step queued, no claim, no answer in the channel. */
function expectUntouched(s: Setup, queued: number): void {
  expect(s.w.store.peek(key)!.status.pendingCommand).toBeUndefined();
  expect(operatorRecords(s.w)).toEqual([]);
  expect(s.w.queue.sent.length).toBe(queued);
  expect(s.claims.claims.size).toBe(0);
}

describe('Slack buttons on the pending gate message', () => {
  it('carry Approve, Abort and Pause with the canary, the gate and the revision', async () => {
    const s = await waitingAtGate();
    const [approve, abort, pause] = buttonsFor(s.event);
    expect(buttonOf(s.message, 'Approve').value).toBe(encodeButton(approve!));
    expect(buttonOf(s.message, 'Abort').value).toBe(encodeButton(abort!));
    expect(buttonOf(s.message, 'Pause').value).toBe(encodeButton(pause!));
    // Waiting: the revision is the one last applied (the new one is recorded when the release starts).
    expect(approve).toMatchObject({ canary: key, gate: 'confirm-rollout', revision: 'rev-1' });
  });
});

describe('POST /slack/interactions', () => {
  it('an allowed user approves: the API use case records slack:<team>/<user>, the message loses its buttons', async () => {
    const s = await waitingAtGate();
    const queued = s.w.queue.sent.length;
    const res = await send(s, slackRequest(s, blockActions(buttonOf(s.message, 'Approve'), s.message)));

    expect(res.statusCode).toBe(200);
    expect(s.w.store.peek(key)!.status.pendingCommand).toEqual({
      kind: 'approve',
      gate: 'confirm-rollout',
      by: `slack:${TEAM}/${USER}`,
    });
    expect(operatorRecords(s.w)).toEqual([['OperatorApprove', `slack:${TEAM}/${USER}`]]);
    expect(s.w.queue.sent.length).toBe(queued + 1);
    const [settled] = await rx.waitForRequests(1, { path: RESPONSE_PATH });
    const body = settled!.body as Posted & { replace_original: boolean };
    expect(body.replace_original).toBe(true);
    expect(body.text).toBe(s.message.text);
    const blocks = body.attachments[0]!.blocks;
    expect(blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(blocks.at(-1)).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `Approved by <@${USER}>` }],
    });
    expect(blocks.slice(0, -1)).toEqual(s.message.attachments[0]!.blocks.filter((b) => b.type !== 'actions'));

    // The action step applies it as it applies the API's approval.
    expect(await stepNow(s.w, { action: true })).toMatchObject({
      decision: { status: { phase: 'Progressing' } },
    });
  });

  it('verifies the bytes API Gateway base64-encoded', async () => {
    const s = await waitingAtGate();
    const res = await send(
      s,
      slackRequest(s, blockActions(buttonOf(s.message, 'Pause'), s.message), { base64: true }),
    );
    expect(res.statusCode).toBe(200);
    expect(operatorRecords(s.w)).toEqual([['OperatorPause', `slack:${TEAM}/${USER}`]]);
  });

  it.each<{ name: string; signing: Signing }>([
    { name: 'a tampered body', signing: { tamper: (b) => b.replace(USER, STRANGER) } },
    { name: 'a timestamp older than five minutes', signing: { skew: -301 } },
    { name: 'a timestamp more than five minutes ahead', signing: { skew: 301 } },
    { name: 'another secret', signing: { secret: `${SECRET}0` } },
    { name: 'no signature', signing: { unsigned: true } },
  ])('refuses $name with 401 and does nothing', async ({ signing }) => {
    const s = await waitingAtGate();
    const queued = s.w.queue.sent.length;
    const res = await send(
      s,
      slackRequest(s, blockActions(buttonOf(s.message, 'Approve'), s.message), signing),
    );
    expect(res.statusCode).toBe(401);
    expectUntouched(s, queued);
    expect(replies()).toEqual([]);
    expect(s.logger.lines.map((l) => l.fields.reason)).toEqual(['SlackSignatureRefused']);
  });

  it('applies a replayed request once: the same signed click after the action was applied', async () => {
    const s = await waitingAtGate();
    const queued = s.w.queue.sent.length;
    const click = slackRequest(s, blockActions(buttonOf(s.message, 'Approve'), s.message));
    expect((await send(s, click)).statusCode).toBe(200);
    // Replayed while the command is pending, and again after the step applied it.
    expect((await send(s, click)).statusCode).toBe(200);
    await stepNow(s.w, { action: true });
    s.w.clock.now += 60_000;
    expect((await send(s, click)).statusCode).toBe(200);

    expect(operatorRecords(s.w)).toEqual([['OperatorApprove', `slack:${TEAM}/${USER}`]]);
    expect(s.w.queue.sent.length).toBe(queued + 1);
    await rx.waitForRequests(3, { path: RESPONSE_PATH });
    expect(replies().slice(1)).toEqual([
      {
        response_type: 'ephemeral',
        replace_original: false,
        text: `Already decided on this message: Approved by <@${USER}>.`,
      },
      {
        response_type: 'ephemeral',
        replace_original: false,
        text: `Already decided on this message: Approved by <@${USER}>.`,
      },
    ]);
  });

  it('takes one decision per message: Abort after Approve on the same message does nothing', async () => {
    const s = await waitingAtGate();
    await send(s, slackRequest(s, blockActions(buttonOf(s.message, 'Approve'), s.message)));
    await send(s, slackRequest(s, blockActions(buttonOf(s.message, 'Abort'), s.message)));
    expect(operatorRecords(s.w)).toEqual([['OperatorApprove', `slack:${TEAM}/${USER}`]]);
  });

  it('tells a user who is not allowed so, privately, and does nothing', async () => {
    const s = await waitingAtGate();
    const queued = s.w.queue.sent.length;
    const res = await send(
      s,
      slackRequest(s, blockActions(buttonOf(s.message, 'Approve'), s.message, STRANGER)),
    );
    expect(res.statusCode).toBe(200);
    expectUntouched(s, queued);
    await rx.waitForRequests(1, { path: RESPONSE_PATH });
    expect(replies()).toEqual([
      {
        response_type: 'ephemeral',
        replace_original: false,
        text: 'You are not allowed to approve test-cluster/test/podinfo; nothing was done.',
      },
    ]);
  });

  it('answers a refusal of the use case itself (the authorization model, once there) as not allowed', async () => {
    const s = await waitingAtGate();
    const queued = s.w.queue.sent.length;
    s.w.store.calls.failOn(
      'get',
      new ForbiddenError('slack:T0CAG/U0CA5 may not approve in prod'),
      s.w.store.calls.count('get') + 1,
    );
    const res = await send(s, slackRequest(s, blockActions(buttonOf(s.message, 'Approve'), s.message)));
    expect(res.statusCode).toBe(200);
    expectUntouched(s, queued);
    await rx.waitForRequests(1, { path: RESPONSE_PATH });
    expect(replies().map((r) => r.text)).toEqual([
      'You are not allowed to approve test-cluster/test/podinfo; nothing was done.',
    ]);
  });

  it('answers 503 when the signing secret cannot be read, and reads it again next time', async () => {
    const s = await waitingAtGate();
    let reads = 0;
    const handler = makeHandler({
      buttons: {
        ...s.w.operator,
        claims: s.claims,
        replies: makeSlackReplies(),
        accessOf: grantedTo([`slack:${TEAM}/${USER}`]),
      },
      signingSecret: () =>
        ++reads === 1 ? Promise.reject(new Error('ssm: throttled')) : Promise.resolve(SECRET),
      logger: s.logger,
      now: () => s.w.clock.now,
      maxBodyBytes: 64 * 1024,
    });
    const click = slackRequest(s, blockActions(buttonOf(s.message, 'Pause'), s.message));
    expect(((await handler(click)) as APIGatewayProxyStructuredResultV2).statusCode).toBe(503);
    expect(((await handler(click)) as APIGatewayProxyStructuredResultV2).statusCode).toBe(200);
    expect(reads).toBe(2);
    expect(s.logger.lines.map((l) => l.fields.reason)).toEqual([
      'SlackSecretUnavailable',
      'SlackButtonClicked',
    ]);
  });

  it('refuses a stale button (another revision) and leaves the message usable', async () => {
    const s = await waitingAtGate();
    const queued = s.w.queue.sent.length;
    const [, abort] = buttonsFor({ ...s.event, revision: 'rev-0', at: '2024-12-31T00:00:00.000Z' });
    const old = { ...buttonOf(s.message, 'Abort'), value: encodeButton(abort!) };
    expect((await send(s, slackRequest(s, blockActions(old, s.message)))).statusCode).toBe(200);
    expectUntouched(s, queued);
    await rx.waitForRequests(1, { path: RESPONSE_PATH });
    expect(replies()[0]!.text).toMatch(
      /^Nothing was done: abort refused .*about revision rev-0; the canary now releases rev-1/,
    );
    // The message's own buttons still work.
    await send(s, slackRequest(s, blockActions(buttonOf(s.message, 'Abort'), s.message)));
    expect(operatorRecords(s.w)).toEqual([['OperatorAbort', `slack:${TEAM}/${USER}`]]);
  });

  it('answers 400 to a signed request that is not a click on our buttons', async () => {
    const s = await waitingAtGate();
    const foreign = { ...buttonOf(s.message, 'Approve'), action_id: 'someone-else' };
    expect((await send(s, slackRequest(s, blockActions(foreign, s.message)))).statusCode).toBe(400);
    expect((await send(s, slackRequest(s, { type: 'view_submission' }))).statusCode).toBe(400);
    expectUntouched(s, s.w.queue.sent.length);
  });

  it('never lets the signing secret reach an answer, a reply, a log line or a record', async () => {
    const s = await waitingAtGate();
    const answers = [
      await send(
        s,
        slackRequest(s, blockActions(buttonOf(s.message, 'Approve'), s.message), { secret: 'wrong' }),
      ),
      await send(s, slackRequest(s, blockActions(buttonOf(s.message, 'Approve'), s.message, STRANGER))),
      await send(s, slackRequest(s, blockActions(buttonOf(s.message, 'Approve'), s.message))),
      await send(s, slackRequest(s, blockActions(buttonOf(s.message, 'Approve'), s.message))),
    ];
    const everything = JSON.stringify([
      answers,
      rx.requests,
      s.logger.lines,
      s.w.history.records,
      s.w.store.peek(key),
    ]);
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(SECRET.slice(0, 12));
  });
});
