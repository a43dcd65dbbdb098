/**
 * Exact wire payloads of the four providers for the six lifecycle events, posted over real HTTP
 * to the shared local receiver (test/support/receiver.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeButton } from '../../../lib/domain/buttons.js';
import type { AlertProviderType } from '../../../lib/ports/notifier.js';
import { startReceiver, type Receiver } from '../../support/receiver.js';
import { cases, postAndReceive, receiverProvider, type Case } from './cases.js';

let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(async () => {
  await rx.close();
});

const slackColor = { info: 'good', warn: 'warning', error: 'danger' } as const;
const teamsColor = { info: 'Good', warn: 'Warning', error: 'Attention' } as const;
const discordColor = { info: 3061894, warn: 14327864, error: 10682880 } as const;

/** The metadata every provider shows, in order. */
const facts = (c: Case) => [
  ['Canary', 'podinfo'],
  ['Namespace', 'test'],
  ['Cluster', 'prod-eu'],
  ['Phase', c.phase],
  ['Weight', c.weight],
  ['Failed checks', c.failed],
];

/** Slack mrkdwn escaping of `<` as the receiver sees it. */
const mrkdwn = (s: string) => s.replace(/</g, '&lt;');

const canary = { cluster: 'prod-eu', namespace: 'test', name: 'podinfo' };
/** The buttons each case's Slack message ends with: label, style and decoded value. */
const buttons: Record<string, [string, string | undefined, Record<string, unknown>][]> = {
  'release started': [
    ['Abort', 'danger', { canary, action: 'abort', revision: 'abc123' }],
    ['Pause', undefined, { canary, action: 'pause', revision: 'abc123' }],
  ],
  'weight advanced': [
    ['Abort', 'danger', { canary, action: 'abort' }],
    ['Pause', undefined, { canary, action: 'pause' }],
  ],
  'check failed': [
    ['Abort', 'danger', { canary, action: 'abort' }],
    ['Pause', undefined, { canary, action: 'pause' }],
  ],
  'waiting for approval': [
    ['Approve', 'primary', { canary, action: 'approve', gate: 'confirm-rollout', weight: 0, iterations: 0 }],
    ['Abort', 'danger', { canary, action: 'abort' }],
    ['Pause', undefined, { canary, action: 'pause' }],
  ],
  promoted: [],
  'rolled back': [],
};

type Element = {
  type: string;
  action_id: string;
  text: unknown;
  style?: string;
  value: string;
  confirm?: unknown;
};

describe('slack', () => {
  it.each(cases)('$name', async (c) => {
    const provider = receiverProvider(rx, 'slack', { channel: '#releases', verbose: true });
    const body = (await postAndReceive(rx, provider, c.event)) as { attachments: { blocks: unknown[] }[] };
    const want = buttons[c.name]!;
    const posted = body.attachments[0]!.blocks;
    if (want.length > 0) {
      const actions = posted.pop() as { type: string; block_id: string; elements: Element[] };
      expect(actions.type).toBe('actions');
      expect(actions.block_id).toBe('flagger-actions');
      const got = actions.elements.map((e) => [e.text, e.action_id, e.style, decodeButton(e.value)]);
      expect(got).toEqual(
        want.map(([label, style, value]) => [
          { type: 'plain_text', text: label },
          `flagger:${String(value.action)}`,
          style,
          { ...value, nonce: expect.any(String) },
        ]),
      );
      // One message, one nonce: the first decision taken on it is the only one.
      expect(new Set(actions.elements.map((e) => decodeButton(e.value)!.nonce)).size).toBe(1);
      const abort = actions.elements.find((e) => e.action_id === 'flagger:abort')!;
      expect(abort.confirm).toMatchObject({ confirm: { type: 'plain_text', text: 'Abort' } });
    }
    const blocks: unknown[] = [
      { type: 'header', text: { type: 'plain_text', text: c.title } },
      { type: 'section', text: { type: 'mrkdwn', text: c.text } },
      { type: 'section', fields: facts(c).map(([t, v]) => ({ type: 'mrkdwn', text: `*${t}*\n${v}` })) },
    ];
    if (c.explanations.length > 0) {
      blocks.push({
        type: 'section',
        text: { type: 'mrkdwn', text: `*Failing checks*\n• ${mrkdwn(c.explanations[0])}` },
      });
    }
    expect(body).toEqual({
      channel: '#releases',
      username: 'flagger',
      icon_emoji: ':rocket:',
      text: `${c.title} — ${c.text}`,
      attachments: [{ color: slackColor[c.severity], blocks }],
    });
  });

  it('shows the failing check escaped for mrkdwn', async () => {
    const body = (await postAndReceive(rx, receiverProvider(rx, 'slack'), cases[5].event)) as {
      attachments: { blocks: unknown[] }[];
    };
    expect(body.attachments[0].blocks[3]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '*Failing checks*\n• request-success-rate 91.2% &lt; 99% minimum' },
    });
  });
});

describe('buttons are Slack only', () => {
  it.each(['msteams', 'discord', 'generic'] as AlertProviderType[])('%s carries no button', async (type) => {
    for (const c of cases) {
      const body = JSON.stringify(await postAndReceive(rx, receiverProvider(rx, type), c.event));
      expect(body).not.toMatch(/flagger:(approve|abort|pause)|"actions"|\\"n\\":/);
    }
  });
});

describe('msteams (Adaptive Card)', () => {
  it.each(cases)('$name', async (c) => {
    const body = await postAndReceive(rx, receiverProvider(rx, 'msteams'), c.event);
    const cardBody: unknown[] = [
      {
        type: 'TextBlock',
        text: c.title,
        wrap: true,
        weight: 'Bolder',
        size: 'Medium',
        color: teamsColor[c.severity],
      },
      { type: 'TextBlock', text: c.text, wrap: true },
      { type: 'FactSet', facts: facts(c).map(([title, value]) => ({ title, value })) },
    ];
    if (c.explanations.length > 0) {
      cardBody.push(
        { type: 'TextBlock', text: 'Failing checks', wrap: true, weight: 'Bolder' },
        { type: 'TextBlock', text: c.explanations[0], wrap: true, isSubtle: true },
      );
    }
    expect(body).toEqual({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            msteams: { width: 'Full' },
            body: cardBody,
          },
        },
      ],
    });
  });
});

describe('discord', () => {
  it.each(cases)('$name', async (c) => {
    const body = await postAndReceive(
      rx,
      receiverProvider(rx, 'discord', { username: 'release-bot' }),
      c.event,
    );
    const fields: unknown[] = facts(c).map(([name, value]) => ({ name, value, inline: true }));
    if (c.explanations.length > 0)
      fields.push({ name: 'Failing checks', value: `• ${c.explanations[0]}`, inline: false });
    expect(body).toEqual({
      username: 'release-bot',
      embeds: [
        {
          title: c.title,
          description: c.text,
          color: discordColor[c.severity],
          fields,
          timestamp: '2025-01-02T03:04:05.000Z',
        },
      ],
    });
  });
});

describe('generic', () => {
  it.each(cases)('$name', async (c) => {
    const body = await postAndReceive(rx, receiverProvider(rx, 'generic'), c.event);
    const e = c.event;
    const expected: Record<string, unknown> = {
      source: 'flagger-serverless',
      version: 'v1',
      type: e.type,
      severity: c.severity,
      reason: e.reason,
      text: c.text,
      message: e.message,
      canary: { cluster: 'prod-eu', namespace: 'test', name: 'podinfo' },
      target: 'podinfo',
      phase: c.phase,
      canaryWeight: e.canaryWeight,
      primaryWeight: e.primaryWeight,
      iterations: 0,
      failedChecks: e.failedChecks,
      threshold: 5,
      at: '2025-01-02T03:04:05.000Z',
      checks: e.checks ?? [],
    };
    if (e.revision) expected.revision = e.revision;
    expect(body).toEqual(expected);
  });

  it('sends every check field with stable names', async () => {
    const body = (await postAndReceive(rx, receiverProvider(rx, 'generic'), cases[2].event)) as {
      checks: unknown;
    };
    expect(body.checks).toEqual([
      {
        name: 'request-success-rate',
        kind: 'metric',
        verdict: 'fail',
        value: 91.2,
        min: 99,
        query: 'sum(rate(istio_requests_total{reporter="destination"}[1m]))',
        explanation: 'request-success-rate 91.2% < 99% minimum',
      },
      {
        name: 'request-duration',
        kind: 'metric',
        verdict: 'pass',
        value: 120,
        max: 500,
        explanation: 'request-duration 120ms <= 500ms maximum',
      },
    ]);
  });
});
