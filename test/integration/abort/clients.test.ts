/**
 * The HTTP clients that take a caller's signal (Prometheus queries, notifier posts, webhooks, the
 * load tester's request checks) against a real local server: whatever way a call ends — an
 * answer, an HTTP error, a closed port, its timeout, the caller's abort — the caller's long-lived
 * signal keeps no listener, and the signal the call handed to fetch is released (aborted) once
 * the call is over, so nothing stays attached to it.
 */
import { getEventListeners } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { postJson } from '../../../lib/adapters/notify/http.js';
import { PrometheusClient } from '../../../lib/adapters/prometheus/client.js';
import { makeHttpHooks } from '../../../lib/adapters/webhooks/index.js';
import { runRequestCheck } from '../../../lib/loadtester/request-check.js';
import { fail, hang, reply, startReceiver, type Receiver } from '../../support/receiver.js';

const TIMEOUT_MS = 300;

/** One client: calls `url` (a base the client appends its own path to) under `signal`. */
interface Client {
  name: string;
  path: string;
  call(base: string, signal: AbortSignal): Promise<unknown>;
}

const CLIENTS: Client[] = [
  {
    name: 'Prometheus query',
    path: '/api/v1/query',
    call: (base, signal) =>
      new PrometheusClient({ address: base, timeoutMs: TIMEOUT_MS }).query('up', signal),
  },
  {
    name: 'notifier post',
    path: '/post',
    call: (base, signal) =>
      postJson(
        { type: 'slack', name: 'n', namespace: 'ns', address: `${base}/post` },
        { text: 'x' },
        signal,
        {
          timeoutMs: TIMEOUT_MS,
        },
      ),
  },
  {
    name: 'webhook',
    path: '/hook',
    call: (base, signal) =>
      makeHttpHooks().call(
        {
          name: 'h',
          type: 'pre-rollout',
          url: `${base}/hook`,
          timeoutMs: TIMEOUT_MS,
          retries: 0,
          payload: { name: 'podinfo', namespace: 'test', phase: 'Progressing', checksum: 'c' },
        },
        signal,
      ),
  },
  {
    name: 'request check',
    path: '/check',
    call: (base, signal) =>
      runRequestCheck(
        { url: `${base}/check`, method: 'GET', headers: {}, expectedStatus: 200, timeoutMs: TIMEOUT_MS },
        signal,
      ),
  },
];

let rx: Receiver;
let closedPortBase: string;

beforeAll(async () => {
  rx = await startReceiver();
  closedPortBase = `http://127.0.0.1:${await closedPort()}`;
});
afterAll(() => rx.close());
afterEach(() => vi.restoreAllMocks());

const listeners = (s: AbortSignal) => getEventListeners(s, 'abort').length;

describe.each(CLIENTS)('$name', (client) => {
  it('leaves nothing on the caller’s signal after answers, HTTP errors, closed ports and timeouts', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const parent = new AbortController().signal;
    const outcomes = [reply(200, { status: 'success' }), fail(), hang()];
    for (const [i, behaviour] of outcomes.entries()) {
      rx.respond(`/${i}${client.path}`, behaviour);
      await client.call(`${rx.url}/${i}`, parent).catch(() => undefined);
    }
    await client.call(closedPortBase, parent).catch(() => undefined);
    expect(fetchSpy).toHaveBeenCalledTimes(4);
    expect(listeners(parent)).toBe(0);
    expect(handedToFetch(fetchSpy).map((s) => s.aborted)).toEqual([true, true, true, true]);
  });

  it('stops at the caller’s abort and leaves nothing behind', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const caller = new AbortController();
    rx.respond(`/abort${client.path}`, hang());
    const call = client.call(`${rx.url}/abort`, caller.signal);
    await rx.waitForRequests(1, { path: `/abort${client.path}` });
    caller.abort(new Error('shutting down'));
    await expect(call).rejects.toBeDefined();
    expect(listeners(caller.signal)).toBe(0);
    expect(handedToFetch(fetchSpy).every((s) => s.aborted)).toBe(true);
  });
});

function handedToFetch(spy: { mock: { calls: unknown[][] } }): AbortSignal[] {
  return spy.mock.calls.map((c) => (c[1] as RequestInit).signal as AbortSignal);
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}
