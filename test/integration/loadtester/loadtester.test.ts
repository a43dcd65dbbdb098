import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  makeLoadtester,
  MemoryGateStore,
  startLoadtesterServer,
  type Loadtester,
  type LoadtesterLogger,
  type LoadtesterServer,
} from '../../../lib/loadtester/index.js';
import { gateKey } from '../../../lib/ports/gates.js';
import { hang, reply, startReceiver, type Behaviour, type Receiver } from '../../support/receiver.js';

/** Captures log entries so tests can assert on them. */
function captureLogger(): LoadtesterLogger & {
  entries: { level: string; message: string; attributes?: Record<string, unknown> }[];
} {
  const entries: { level: string; message: string; attributes?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, attributes?: Record<string, unknown>) =>
    void entries.push({ level, message, attributes });
  return { entries, info: at('info'), warn: at('warn'), error: at('error') };
}

let rx: Receiver;
let gates: MemoryGateStore;
let logger: ReturnType<typeof captureLogger>;
let lt: Loadtester;
let server: LoadtesterServer;

beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(async () => {
  await rx.close();
});
beforeEach(async () => {
  rx.reset();
  gates = new MemoryGateStore();
  logger = captureLogger();
  lt = makeLoadtester({ gates, logger });
  server = await startLoadtesterServer(lt);
});
afterEach(async () => {
  await server.close();
});

/** POSTs like Flagger does: a JSON webhook payload. */
async function post(
  path: string,
  body: unknown,
  contentType = 'application/json',
): Promise<{ status: number; text: string }> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

const task = (metadata: Record<string, string>, name = 'podinfo') => ({
  name,
  namespace: 'test',
  phase: 'Progressing',
  checksum: 'c',
  metadata,
});

describe('type cmd (asynchronous hey load)', () => {
  it('answers 202 at once and sends exactly -n requests in the background', async () => {
    rx.respond('/load', reply(200));
    const res = await post(
      '/',
      task({ type: 'cmd', cmd: `hey -n 25 -c 5 ${rx.url}/load?secret=s3cr3tvalue` }),
    );
    expect(res.status).toBe(202);
    expect(res.text).toBe(`command started: hey -n 25 -c 5 GET ${rx.url}/load for podinfo.test`);
    await lt.idle();
    expect(rx.requestsTo('/load')).toHaveLength(25);
    const finished = logger.entries.find((e) => e.message === 'command finished');
    expect(finished?.attributes).toMatchObject({ requests: 25, statusCodes: { '200': 25 } });
    expect(JSON.stringify(logger.entries)).not.toContain('s3cr3tvalue');
  });

  it('defaults to type cmd and skips an identical task while it runs', async () => {
    rx.respond('/busy', hang());
    const cmd = `hey -z 1m -c 1 -t 0 ${rx.url}/busy`;
    expect((await post('/', task({ cmd }))).status).toBe(202);
    const second = await post('/', task({ cmd }));
    expect(second).toEqual({
      status: 202,
      text: `command skipped: hey -z 1m -c 1 GET ${rx.url}/busy for podinfo.test is already running`,
    });
    expect(lt.runningTasks()).toBe(1);
    // Another canary with the same command is a different task.
    expect((await post('/', task({ cmd }, 'other'))).text).toMatch(/^command started/);
    expect(lt.runningTasks()).toBe(2);
    await lt.close();
    expect(lt.runningTasks()).toBe(0);
  });

  it('logs a hey-like summary when logCmdOutput is true', async () => {
    await post('/', task({ cmd: `hey -n 3 -c 1 ${rx.url}/out`, logCmdOutput: 'true' }));
    await lt.idle();
    const output = logger.entries.find((e) => e.message === 'command output');
    expect(output?.attributes?.output).toMatch(
      /Summary:[\s\S]*Status code distribution:\n {2}\[200\]\t3 responses/,
    );
  });

  it.each([
    { name: 'no metadata', body: { name: 'p', namespace: 'n' }, text: 'metadata not found in payload' },
    { name: 'missing cmd', body: task({ type: 'cmd' }), text: 'metadata.cmd is required for type cmd' },
    {
      name: 'not hey',
      body: task({ cmd: 'curl -s http://x/' }),
      text: /unsupported command "curl": only hey is supported/,
    },
    {
      name: 'shell chaining',
      body: task({ cmd: 'hey http://x/ && rm -rf /' }),
      text: /shell operator "&" is not supported/,
    },
    {
      name: 'bad duration',
      body: task({ cmd: 'hey -z forever http://x/' }),
      text: /hey -z: invalid duration "forever"/,
    },
    {
      name: 'bash type',
      body: task({ type: 'bash', cmd: 'curl http://x/' }),
      text: /task type bash is not supported: this load tester never runs shell commands/,
    },
    { name: 'unknown type', body: task({ type: 'magic' }), text: 'unknown task type magic' },
    { name: 'not JSON', body: '{nope', text: /decoding the request body failed/ },
    {
      name: 'no namespace',
      body: { name: 'p', metadata: { cmd: 'hey http://x/' } },
      text: /"name" and "namespace"/,
    },
  ])('rejects $name with 400', async ({ body, text }) => {
    const res = await post('/', body);
    expect(res.status).toBe(400);
    if (typeof text === 'string') expect(res.text).toBe(text);
    else expect(res.text).toMatch(text);
    expect(lt.runningTasks()).toBe(0);
  });
});

describe('type request (blocking check)', () => {
  it.each<{
    name: string;
    respond: Behaviour;
    metadata: Record<string, string>;
    status: number;
    text: RegExp;
  }>([
    {
      name: 'status matches',
      respond: reply(200, 'ready'),
      metadata: {},
      status: 200,
      text: /^request check passed: GET http:\/\/127\.0\.0\.1:\d+\/check answered 200$/,
    },
    {
      name: 'expected status and body',
      respond: reply(201, '{"state":"created"}'),
      metadata: { method: 'POST', expectedStatus: '201', expectedBody: 'created' },
      status: 200,
      text: /passed: POST .* answered 201/,
    },
    {
      name: 'status mismatch',
      respond: reply(503, 'warming up'),
      metadata: {},
      status: 500,
      text: /failed: GET .*\/check answered 503, expected 200: warming up$/,
    },
    {
      name: 'body mismatch',
      respond: reply(200, 'not yet'),
      metadata: { expectedBody: 'ready' },
      status: 500,
      text: /answered 200 but the body does not contain "ready": not yet/,
    },
    {
      name: 'timeout',
      respond: hang(),
      metadata: { timeout: '200ms' },
      status: 500,
      text: /failed: GET .*\/check: timed out after 200ms/,
    },
    {
      name: 'returnCmdOutput echoes the body',
      respond: reply(200, 'all good'),
      metadata: { returnCmdOutput: 'true' },
      status: 200,
      text: /answered 200\nall good$/,
    },
  ])('$name ⇒ $status', async ({ respond, metadata, status, text }) => {
    rx.respond('/check', respond);
    const res = await post(
      '/',
      task({ type: 'request', url: `${rx.url}/check?key=hidden-key`, headers: 'X-Probe: 1', ...metadata }),
    );
    expect(res.status).toBe(status);
    expect(res.text).toMatch(text);
    expect(res.text).not.toContain('hidden-key');
    expect(rx.requestsTo('/check')[0]?.headers['x-probe']).toBe('1');
  });

  it('sends method and body', async () => {
    await post('/', task({ type: 'request', url: `${rx.url}/check`, method: 'PUT', body: '{"x":1}' }));
    expect(rx.requestsTo('/check')[0]).toMatchObject({ method: 'PUT', body: { x: 1 } });
  });
});

describe('gates', () => {
  const canary = { name: 'podinfo', namespace: 'test' };

  it('approve answers 200 and halt 403, whatever the payload', async () => {
    expect(await post('/gate/approve', canary)).toEqual({ status: 200, text: 'OK' });
    expect(await post('/gate/halt', canary)).toEqual({ status: 403, text: 'Forbidden' });
  });

  it.each(['gate', 'rollback'] as const)(
    '/%s: closed by default, opened and closed through the store',
    async (kind) => {
      expect(await post(`/${kind}/check`, canary)).toEqual({ status: 403, text: 'Forbidden' });
      expect((await post(`/${kind}/open`, canary)).status).toBe(202);
      expect(await gates.get(gateKey(kind, canary), AbortSignal.timeout(10_000))).toBe(true);
      expect(await post(`/${kind}/check`, canary)).toEqual({ status: 200, text: 'Approved' });
      expect(await post(`/${kind}/check`, { ...canary, name: 'other' })).toEqual({
        status: 403,
        text: 'Forbidden',
      });
      expect((await post(`/${kind}/close/`, canary)).status).toBe(202);
      expect(await post(`/${kind}/check`, canary)).toEqual({ status: 403, text: 'Forbidden' });
    },
  );

  it('keeps gate and rollback gates apart, and keys by cluster when the payload names one', async () => {
    await post('/gate/open', { ...canary, metadata: { cluster: 'eu' } });
    expect(await gates.get(gateKey('gate', { ...canary, cluster: 'eu' }), AbortSignal.timeout(10_000))).toBe(
      true,
    );
    expect((await post('/gate/check', canary)).status).toBe(403);
    expect((await post('/rollback/check', { ...canary, metadata: { cluster: 'eu' } })).status).toBe(403);
    expect((await post('/gate/check', { ...canary, metadata: { cluster: 'eu' } })).status).toBe(200);
  });

  it("opens a gate in every cluster with Flagger's body; a cluster's own gate wins", async () => {
    const eu = { ...canary, metadata: { cluster: 'eu' } };
    const us = { ...canary, metadata: { cluster: 'us' } };
    expect((await post('/gate/check', eu)).status).toBe(403);
    await post('/gate/open', canary);
    expect((await post('/gate/check', eu)).status).toBe(200);
    expect((await post('/gate/check', us)).status).toBe(200);
    await post('/gate/close', eu);
    expect((await post('/gate/check', eu)).status).toBe(403);
    expect((await post('/gate/check', us)).status).toBe(200);
    await post('/gate/close', canary);
    expect((await post('/gate/check', us)).status).toBe(403);
    await post('/gate/open', eu);
    expect((await post('/gate/check', eu)).status).toBe(200);
    expect((await post('/gate/check', us)).status).toBe(403);
  });

  it("accepts curl -d form posts, as in Flagger's docs", async () => {
    const res = await post(
      '/gate/open',
      '{"name": "podinfo","namespace":"test"}',
      'application/x-www-form-urlencoded',
    );
    expect(res.status).toBe(202);
    expect((await post('/gate/check', canary)).status).toBe(200);
  });

  it('rejects a gate call without a canary', async () => {
    expect((await post('/gate/open', {})).status).toBe(400);
  });
});

describe('routing', () => {
  it('serves /healthz, 404 for unknown paths and 405 for non-POST', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await post('/nope', {})).status).toBe(404);
    const res = await fetch(`${server.url}/gate/check`);
    expect(res.status).toBe(405);
  });

  it('refuses namespaces outside namespacePattern with 403', async () => {
    const guarded = makeLoadtester({ gates, logger, namespacePattern: /^team-/ });
    expect(
      await guarded({ method: 'POST', path: '/gate/open', body: { name: 'p', namespace: 'test' } }),
    ).toEqual({
      status: 403,
      body: 'namespace test is not allowed',
    });
    expect(
      (await guarded({ method: 'POST', path: '/gate/open', body: { name: 'p', namespace: 'team-a' } }))
        .status,
    ).toBe(202);
  });
});
