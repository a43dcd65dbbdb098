/**
 * Slack buttons only where a click is answered (docs/slack.md, "Where buttons appear"): the real
 * Slack notifier over HTTP to a local receiver, as a deployment with and without interactivity
 * and through providers that did or did not opt out. A message without buttons is the same
 * message, less its `actions` block.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeNotifierFactory } from '../../../lib/adapters/notify/factory.js';
import { notifyEvent } from '../../../lib/app/notify-event.js';
import type { AlertProvider } from '../../../lib/ports/notifier.js';
import { startReceiver, type Receiver } from '../../support/receiver.js';
import { aCanary, scenarios } from '../../unit/notify/fixtures.js';
import { postAndReceive, receiverProvider } from './cases.js';

type Block = { type: string; block_id?: string; elements?: { action_id: string }[] };
type Posted = { attachments: { blocks: Block[] }[] };

let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(async () => {
  await rx.close();
});
beforeEach(() => rx.reset());

/** The action ids of the message's buttons, [] when it has no actions block. */
const buttonsOf = (body: unknown) =>
  (body as Posted).attachments
    .flatMap((a) => a.blocks)
    .filter((b) => b.type === 'actions')
    .flatMap((b) => (b.elements ?? []).map((e) => e.action_id));

const gate = ['flagger:approve', 'flagger:abort', 'flagger:pause'];

describe('the Slack notifier', () => {
  it.each([
    { name: 'interactive deployment', slackButtons: true, buttons: undefined, want: gate },
    { name: 'interactive, provider says yes', slackButtons: true, buttons: true, want: gate },
    { name: 'interactive, provider opted out', slackButtons: true, buttons: false, want: [] },
    { name: 'no interactivity', slackButtons: false, buttons: undefined, want: [] },
    { name: 'no interactivity, provider says yes', slackButtons: false, buttons: true, want: [] },
    { name: 'options left out (no interactivity)', slackButtons: undefined, buttons: undefined, want: [] },
  ])('$name: a gate message with $want', async ({ slackButtons, buttons, want }) => {
    const provider = receiverProvider(rx, 'slack', buttons === undefined ? {} : { buttons });
    const options = slackButtons === undefined ? {} : { slackButtons };
    const body = await postAndReceive(rx, provider, scenarios.waitingApproval, options);
    expect(buttonsOf(body)).toEqual(want);
    // Without buttons, the rest of the message is unchanged.
    const withButtons = await postAndReceive(rx, receiverProvider(rx, 'slack'), scenarios.waitingApproval);
    const rest = (b: unknown) => (b as Posted).attachments[0].blocks.filter((x) => x.type !== 'actions');
    expect(rest(body)).toEqual(rest(withButtons));
    expect((body as Posted).attachments[0].blocks).toHaveLength(
      rest(body).length + (want.length > 0 ? 1 : 0),
    );
  });
});

describe('notifyEvent with two Slack providers, one of another workspace', () => {
  it('posts buttons through ours and none through the one that opted out', async () => {
    const records: AlertProvider[] = [
      { name: 'ours', namespace: 'test', type: 'slack', address: `${rx.url}/ours` },
      { name: 'theirs', namespace: 'test', type: 'slack', address: `${rx.url}/theirs`, buttons: false },
    ];
    const deps = {
      providers: { get: (ns: string, name: string) => Promise.resolve(records.find((r) => r.name === name)) },
      notifierFor: makeNotifierFactory({ slackButtons: true }),
    };
    const alerts = ['ours', 'theirs'].map((name) => ({ name, providerRef: { name } }));
    const result = await notifyEvent(
      deps,
      scenarios.waitingApproval,
      aCanary({ alerts }),
      AbortSignal.timeout(5000),
    );
    expect(result).toEqual({ muted: false, sent: ['test/ours', 'test/theirs'], failures: [] });
    const [ours] = await rx.waitForRequests(1, { path: '/ours' });
    const [theirs] = await rx.waitForRequests(1, { path: '/theirs' });
    expect(buttonsOf(ours.body)).toEqual(gate);
    expect(buttonsOf(theirs.body)).toEqual([]);
  });
});
