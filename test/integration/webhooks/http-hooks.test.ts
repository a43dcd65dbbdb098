import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeHttpHooks } from '../../../lib/adapters/webhooks/index.js';
import { HookAbortedError, HOOK_TYPES, type HookCall, type HookType } from '../../../lib/ports/hooks.js';
import {
  echo,
  fail,
  hang,
  reply,
  reset,
  slow,
  startReceiver,
  type Behaviour,
  type Receiver,
} from '../../support/receiver.js';

// Secrets embedded in every hook URL; none may appear in an explanation.
const USER = 'hookuser';
const PASSWORD = 'p4ssw0rd-xyz';
const TOKEN = 't0psecret-token';

interface Outcome {
  outcome: string;
  behaviour: Behaviour | Behaviour[];
  timeoutMs?: number;
  retries?: number;
  ok: boolean;
  status?: number;
  attempts: number;
  explanation: RegExp;
}

const OUTCOMES: Outcome[] = [
  {
    outcome: '200',
    behaviour: reply(200, 'fine'),
    ok: true,
    status: 200,
    attempts: 1,
    explanation: /passed: HTTP 200: fine \(POST /,
  },
  {
    outcome: '202',
    behaviour: reply(202),
    ok: true,
    status: 202,
    attempts: 1,
    explanation: /passed: HTTP 202 \(POST /,
  },
  {
    outcome: '203 fails',
    behaviour: reply(203, 'meh'),
    ok: false,
    status: 203,
    attempts: 1,
    explanation: /failed: HTTP 203 \(only status ≤ 202 passes, as in Flagger\): meh/,
  },
  {
    outcome: '204 fails',
    behaviour: reply(204),
    ok: false,
    status: 204,
    attempts: 1,
    explanation: /failed: HTTP 204 \(only status ≤ 202 passes/,
  },
  {
    outcome: '500',
    behaviour: fail('boom'),
    ok: false,
    status: 500,
    attempts: 1,
    explanation: /failed: HTTP 500: boom \(POST /,
  },
  {
    outcome: '404 is not retried',
    behaviour: reply(404, 'nope'),
    retries: 2,
    ok: false,
    status: 404,
    attempts: 1,
    explanation: /failed: HTTP 404: nope/,
  },
  {
    outcome: 'slow within timeout',
    behaviour: slow(100, 200, 'late'),
    timeoutMs: 10_000,
    ok: true,
    status: 200,
    attempts: 1,
    explanation: /passed: HTTP 200: late/,
  },
  {
    outcome: 'slow past timeout',
    behaviour: slow(30_000, 200),
    timeoutMs: 200,
    ok: false,
    attempts: 1,
    explanation: /failed: timed out after 200ms \(POST /,
  },
  {
    outcome: 'hang',
    behaviour: hang(),
    timeoutMs: 200,
    ok: false,
    attempts: 1,
    explanation: /failed: timed out after 200ms/,
  },
  {
    outcome: 'connection reset',
    behaviour: reset(),
    ok: false,
    attempts: 1,
    explanation: /failed: connection reset \(POST /,
  },
  {
    outcome: 'retries then success',
    behaviour: [fail('x'), reset(), reply(200, 'ok')],
    retries: 2,
    ok: true,
    status: 200,
    attempts: 3,
    explanation: /passed: HTTP 200: ok \(POST .*, 3 attempts\)$/,
  },
  {
    outcome: 'retries exhausted',
    behaviour: fail('still broken'),
    retries: 2,
    ok: false,
    status: 500,
    attempts: 3,
    explanation: /failed: HTTP 500: still broken \(POST .*, 3 attempts\)$/,
  },
  {
    outcome: 'timeout retried',
    // The second attempt must answer within the per-attempt timeout, even on a busy machine.
    behaviour: [hang(), reply(201)],
    timeoutMs: 1000,
    retries: 1,
    ok: true,
    status: 201,
    attempts: 2,
    explanation: /passed: HTTP 201/,
  },
];

const CASES = HOOK_TYPES.flatMap((type) => OUTCOMES.map((o) => ({ type, ...o })));

let rx: Receiver;
const hooks = makeHttpHooks({ retryDelayMs: 5 });

beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(async () => {
  await rx.close();
});
beforeEach(() => rx.reset());

function secretUrl(path: string): string {
  return `${rx.url.replace('http://', `http://${USER}:${PASSWORD}@`)}${path}?token=${TOKEN}&v=1`;
}

function aHook(type: HookType, url: string, overrides: Partial<HookCall> = {}): HookCall {
  return {
    name: 'acceptance-test',
    type,
    url,
    timeoutMs: 2000,
    retries: 0,
    metadata: { cmd: 'hey -z 1m http://podinfo-canary.test:9898/', eventType: 'user-value' },
    payload: {
      name: 'podinfo',
      namespace: 'test',
      phase: 'Progressing',
      checksum: 'abc123',
      eventMessage: 'New revision detected podinfo.test',
      eventType: 'Normal',
      timestamp: 1_700_000_000_123,
    },
    ...overrides,
  };
}

function expectedBody(type: HookType): unknown {
  const base = { name: 'podinfo', namespace: 'test', phase: 'Progressing', checksum: 'abc123' };
  const cmd = 'hey -z 1m http://podinfo-canary.test:9898/';
  if (type !== 'event') return { ...base, metadata: { cmd, eventType: 'user-value' } };
  // Flagger's CallEventWebhook: event fields live in metadata, as strings, and win over user keys.
  return {
    ...base,
    metadata: {
      cmd,
      eventMessage: 'New revision detected podinfo.test',
      eventType: 'Normal',
      timestamp: '1700000000123',
    },
  };
}

describe('HTTP hooks: every hook type × outcome, over HTTP', () => {
  it.each(CASES)('$type: $outcome', async (c) => {
    const path = `/${c.type}/${c.outcome.replace(/\W+/g, '-')}`;
    rx.respond(path, c.behaviour);
    const hook = aHook(c.type, secretUrl(path), { timeoutMs: c.timeoutMs ?? 2000, retries: c.retries ?? 0 });

    const result = await hooks.call(hook, new AbortController().signal);

    expect(result).toMatchObject({ ok: c.ok, attempts: c.attempts });
    expect(result.status).toBe(c.status);
    expect(result.explanation).toMatch(new RegExp(`^${c.type} hook "acceptance-test" `));
    expect(result.explanation).toMatch(c.explanation);
    expect(result.explanation).toContain(`POST ${rx.url}${path}`);
    for (const secret of [USER, PASSWORD, TOKEN, '?token', '&v=1'])
      expect(result.explanation).not.toContain(secret);

    const received = await rx.waitForRequests(c.attempts, { path });
    expect(received).toHaveLength(c.attempts);
    for (const r of received) {
      expect(r.method).toBe('POST');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers.authorization).toBe(`Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`);
      expect(r.query).toBe(`?token=${TOKEN}&v=1`);
      expect(r.body).toStrictEqual(expectedBody(c.type));
    }
  });
});

describe('HTTP hooks: edges', () => {
  it('omits metadata when the hook has none, as Flagger does', async () => {
    await hooks.call(aHook('rollout', `${rx.url}/plain`, { metadata: undefined }), AbortSignal.timeout(5000));
    expect(rx.requests[0].body).toStrictEqual({
      name: 'podinfo',
      namespace: 'test',
      phase: 'Progressing',
      checksum: 'abc123',
    });
  });

  it('truncates a long response body to about 1 KB', async () => {
    rx.respond('/long', reply(500, 'x'.repeat(5000)));
    const result = await hooks.call(aHook('rollout', `${rx.url}/long`), AbortSignal.timeout(5000));
    expect(result.body).toHaveLength(1025);
    expect(result.body!.endsWith('…')).toBe(true);
    expect(result.explanation.length).toBeLessThan(1200);
  });

  it('masks what a server echoes: the Authorization header, the decoded password, the query token', async () => {
    rx.respond('/echo', echo(500));
    const hook = aHook('rollout', secretUrl('/echo'), { metadata: { apiToken: 'Meta-T0ken-42' } });
    const result = await hooks.call(hook, AbortSignal.timeout(5000));

    const sent = rx.requestsTo('/echo')[0];
    const basic = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
    expect(sent.headers.authorization).toBe(`Basic ${basic}`);
    expect(result).toMatchObject({ ok: false, status: 500 });
    expect(result.body).toContain('"authorization":"***"');
    expect(result.explanation).toContain('"user":"***"');
    for (const secret of [PASSWORD, basic, `${USER}:${PASSWORD}`, TOKEN, 'Meta-T0ken-42']) {
      expect(result.body).not.toContain(secret);
      expect(result.explanation).not.toContain(secret);
    }
  });

  it('masks a secret before cutting the body, so no part of one straddling the limit is left', async () => {
    const basic = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
    rx.respond('/cut', reply(500, `${'x'.repeat(1000)} you sent ${basic} ${'y'.repeat(100)}`));
    const result = await hooks.call(aHook('rollout', secretUrl('/cut')), AbortSignal.timeout(5000));
    expect(result.body!.endsWith('…')).toBe(true);
    expect(result.body).not.toContain(basic.slice(0, 4));
    expect(result.explanation).not.toContain(basic.slice(0, 4));
  });

  it('throws HookAbortedError when the caller aborts, and does not retry', async () => {
    rx.respond('/hang', hang());
    const controller = new AbortController();
    const call = hooks.call(
      aHook('pre-rollout', `${rx.url}/hang`, { timeoutMs: 30_000, retries: 3 }),
      controller.signal,
    );
    await rx.waitForRequests(1, { path: '/hang' });
    controller.abort(new Error('lambda deadline'));
    await expect(call).rejects.toBeInstanceOf(HookAbortedError);
    expect(rx.requestsTo('/hang')).toHaveLength(1);
  });

  it('reports a refused connection without the URL secrets', async () => {
    const closed = await startReceiver();
    const url = `${closed.url}/gone?token=${TOKEN}`;
    await closed.close();
    const result = await hooks.call(aHook('rollout', url), AbortSignal.timeout(5000));
    expect(result).toMatchObject({ ok: false, attempts: 1 });
    expect(result.explanation).toMatch(
      /failed: connection refused \(POST http:\/\/127\.0\.0\.1:\d+\/gone\)$/,
    );
  });

  it('rejects an invalid URL without echoing it', async () => {
    const result = await hooks.call(aHook('rollout', `not a url ${TOKEN}`), AbortSignal.timeout(5000));
    expect(result).toMatchObject({ ok: false, attempts: 0 });
    expect(result.explanation).toBe(
      'rollout hook "acceptance-test" failed: invalid URL (not an absolute URL)',
    );
  });
});
