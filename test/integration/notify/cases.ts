/**
 * The six lifecycle scenarios every provider is tested with, with the wording they must produce
 * (written out literally here, not derived from the formatter), and a helper that posts one event
 * through the real notifier to the shared local receiver.
 */
import { expect } from 'vitest';
import { makeNotifier, type NotifierOptions } from '../../../lib/adapters/notify/factory.js';
import type { DomainEvent, Severity } from '../../../lib/domain/events.js';
import type { AlertProvider, AlertProviderType } from '../../../lib/ports/notifier.js';
import type { Receiver } from '../../support/receiver.js';
import { scenarios } from '../../unit/notify/fixtures.js';

/** Path of the fake webhook; its last segment plays the secret token. */
export const WEBHOOK_PATH = '/services/T0/B0/SECRETTOKEN123';

export interface Case {
  name: string;
  event: DomainEvent;
  title: string;
  text: string;
  severity: Severity;
  phase: string;
  weight: string;
  failed: string;
  explanations: string[];
}

const explanation = 'request-success-rate 91.2% < 99% minimum';

export const cases: Case[] = [
  {
    name: 'release started',
    event: scenarios.releaseStarted,
    title: 'Release started: podinfo.test',
    text: 'New revision detected, progressing canary analysis.',
    severity: 'info',
    phase: 'Progressing',
    weight: '0%',
    failed: '0/5',
    explanations: [],
  },
  {
    name: 'weight advanced',
    event: scenarios.weightAdvanced,
    title: 'Weight advanced: podinfo.test',
    text: 'Advance podinfo.test canary weight 20',
    severity: 'info',
    phase: 'Progressing',
    weight: '20%',
    failed: '0/5',
    explanations: [],
  },
  {
    name: 'check failed',
    event: scenarios.checkFailed,
    title: 'Check failed: podinfo.test',
    text: 'Halt podinfo.test advancement, failed checks 2/5.',
    severity: 'warn',
    phase: 'Progressing',
    weight: '20%',
    failed: '2/5',
    explanations: [explanation],
  },
  {
    name: 'waiting for approval',
    event: scenarios.waitingApproval,
    title: 'Waiting for approval: podinfo.test',
    text: 'Canary is waiting for approval.',
    severity: 'warn',
    phase: 'Waiting',
    weight: '0%',
    failed: '0/5',
    explanations: [],
  },
  {
    name: 'promoted',
    event: scenarios.promoted,
    title: 'Promoted: podinfo.test',
    text: 'Canary analysis completed successfully, promotion finished.',
    severity: 'info',
    phase: 'Succeeded',
    weight: '0%',
    failed: '0/5',
    explanations: [],
  },
  {
    name: 'rolled back',
    event: scenarios.rolledBack,
    title: 'Rolled back: podinfo.test',
    text: 'Failed checks threshold reached 5',
    severity: 'error',
    phase: 'Failed',
    weight: '0%',
    failed: '5/5',
    explanations: [explanation],
  },
];

/** A provider record of `type` pointing at the receiver. */
export function receiverProvider(
  rx: Receiver,
  type: AlertProviderType,
  overrides: Partial<AlertProvider> = {},
): AlertProvider {
  return {
    name: `${type}-alerts`,
    namespace: 'test',
    type,
    address: `${rx.url}${WEBHOOK_PATH}`,
    ...overrides,
  };
}

/**
 * Posts `event` through the real notifier of `provider` and returns the JSON body the receiver got;
 * by default as a deployment that answers button clicks (`slackButtons`).
 */
export async function postAndReceive(
  rx: Receiver,
  provider: AlertProvider,
  event: DomainEvent,
  options: NotifierOptions = { slackButtons: true },
): Promise<unknown> {
  rx.reset();
  await makeNotifier(provider, options).post({ event }, AbortSignal.timeout(5000));
  const [request] = await rx.waitForRequests(1, { path: WEBHOOK_PATH });
  expect(request.method).toBe('POST');
  expect(request.headers['content-type']).toBe('application/json');
  return request.body;
}
