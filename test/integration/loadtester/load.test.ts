import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatReport, parseHeyCommand, runLoad } from '../../../lib/loadtester/index.js';
import { fail, hang, reply, reset, startReceiver, type Receiver } from '../../support/receiver.js';

let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(async () => {
  await rx.close();
});
beforeEach(() => rx.reset());

const run = (cmd: string, signal: AbortSignal = AbortSignal.timeout(20_000)) =>
  runLoad(parseHeyCommand(cmd), signal);

describe('runLoad against a receiver', () => {
  it.each([
    { n: 1, c: 1 },
    { n: 10, c: 3 }, // hey would send 9 (⌊n/c⌋·c); we send exactly n
    { n: 57, c: 8 },
  ])('-n $n -c $c sends exactly $n requests', async ({ n, c }) => {
    const report = await run(`hey -n ${n} -c ${c} ${rx.url}/n`);
    expect(rx.requestsTo('/n')).toHaveLength(n);
    expect(report).toMatchObject({ requests: n, statusCodes: { '200': n }, errors: {}, aborted: false });
  });

  it('a bounded -z 2s -q 10 -c 2 run never exceeds q·c·z + c and reaches most of it', async () => {
    const report = await run(`hey -z 2s -q 10 -c 2 ${rx.url}/rate`);
    const count = rx.requestsTo('/rate').length;
    expect(count).toBeLessThanOrEqual(10 * 2 * 2 + 2);
    expect(count).toBeGreaterThanOrEqual(20); // ≥ 50 % of 40
    expect(report.requests).toBe(count);
    expect(report.durationMs).toBeGreaterThanOrEqual(1900);
  });

  it('honours method, headers, body, content type, accept, basic auth and host', async () => {
    const cmd = `hey -n 2 -c 1 -m PUT -H 'X-Canary: yes' -H "Authorization: Bearer t0k" -T application/json -A text/plain -d '{"a": "b c"}' -host podinfo.test ${rx.url}/h?x=1`;
    await run(cmd);
    const [first] = rx.requestsTo('/h');
    expect(rx.requestsTo('/h')).toHaveLength(2);
    expect(first).toMatchObject({
      method: 'PUT',
      query: '?x=1',
      rawBody: '{"a": "b c"}',
      body: { a: 'b c' },
    });
    expect(first.headers).toMatchObject({
      'x-canary': 'yes',
      authorization: 'Bearer t0k',
      'content-type': 'application/json',
      accept: 'text/plain',
      host: 'podinfo.test',
    });
  });

  it('counts status codes and errors (timeouts, resets) separately', async () => {
    rx.respond('/mixed', [reply(200), fail(), reply(404), hang(), reset()]);
    const report = await run(`hey -n 5 -c 1 -t 1 ${rx.url}/mixed`);
    expect(report.statusCodes).toEqual({ '200': 1, '500': 1, '404': 1 });
    expect(report.errors.timeout).toBe(1);
    expect(report.requests).toBe(5);
    expect(Object.values(report.errors).reduce((a, b) => a + b, 0)).toBe(2);
    expect(formatReport(report)).toMatch(
      /\[404\]\t1 responses[\s\S]*Error distribution:[\s\S]*\[1\]\ttimeout/,
    );
  });

  it('follows redirects unless -disable-redirects, switching POST to GET on 302', async () => {
    rx.respond('/old', reply(302, '', { location: '/new' }));
    await run(`hey -n 1 -c 1 -m POST -d x ${rx.url}/old`);
    expect(rx.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /old', 'GET /new']);
    rx.reset();
    rx.respond('/old', reply(302, '', { location: '/new' }));
    const report = await run(`hey -n 1 -c 1 -disable-redirects ${rx.url}/old`);
    expect(report.statusCodes).toEqual({ '302': 1 });
    expect(rx.requestsTo('/new')).toHaveLength(0);
  });

  it('stops when the signal aborts, without counting aborted requests', async () => {
    // Nothing answers, and the run would last a minute: only the abort can end it in time.
    rx.respond('/slow', hang());
    const controller = new AbortController();
    const running = run(`hey -z 1m -c 2 ${rx.url}/slow`, controller.signal);
    await rx.waitForRequests(2, { path: '/slow' });
    controller.abort();
    const report = await running;
    expect(report).toMatchObject({ aborted: true, requests: 0 });
    expect(rx.requestsTo('/slow')).toHaveLength(2);
  });
});
