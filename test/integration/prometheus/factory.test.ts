import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ampAuth, secretAuth, templateProvider } from '../../../lib/adapters/prometheus/factory.js';
import { echo, reply, startReceiver } from '../../support/receiver.js';

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
let rx: Receiver;
const signal = new AbortController().signal;
const vector = JSON.stringify({
  status: 'success',
  data: { resultType: 'vector', result: [{ metric: {}, value: [1, '42'] }] },
});

beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(() => rx.close());

describe('metrics provider factory', () => {
  it.each([
    {
      address: 'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1',
      want: { type: 'sigv4', region: 'eu-west-1' },
    },
    { address: 'http://prometheus.istio-system:9090', want: undefined },
  ])('signs $address as $want', ({ address, want }) => {
    expect(ampAuth(address)).toEqual(want);
  });

  it.each([
    { text: '{"token":"abc"}', want: { type: 'bearer', token: 'abc' } },
    { text: '{"username":"u","password":"p"}', want: { type: 'basic', username: 'u', password: 'p' } },
    { text: 'raw-token\n', want: { type: 'bearer', token: 'raw-token' } },
  ])('reads Flagger secret keys from $text', ({ text, want }) => {
    expect(secretAuth('s', text)).toEqual(want);
  });

  it('rejects a secret with neither a token nor a username and password, naming it', () => {
    expect(() => secretAuth('prom-auth', '{"user":"x"}')).toThrow('secret prom-auth has neither');
  });

  it("queries a template's server with the token from its secretRef and joined headers", async () => {
    rx.respond('/api/v1/query', reply(200, vector, { 'content-type': 'application/json' }));
    const read: string[] = [];
    const p = templateProvider(
      {
        name: 'latency',
        namespace: 'test',
        query: 'x',
        provider: {
          type: 'prometheus',
          address: rx.url,
          secretRef: { name: 'prom-auth' },
          headers: { 'X-Scope-OrgID': ['a', 'b'] },
        },
      },
      (name) => (read.push(name), Promise.resolve('{"token":"s3cret"}')),
    );
    expect(await p.query('up', signal)).toEqual({ kind: 'value', value: 42 });
    await p.query('up', signal);
    expect(read).toEqual(['prom-auth']);
    const req = rx.requestsTo('/api/v1/query')[0]!;
    expect(req.headers.authorization).toBe('Bearer s3cret');
    expect(req.headers['x-scope-orgid']).toBe('a, b');
  });

  it('turns an unreadable secret into a failed check naming the template, and retries it next time', async () => {
    let calls = 0;
    const p = templateProvider(
      {
        name: 'lat',
        namespace: 'test',
        query: 'x',
        provider: { type: 'prometheus', address: rx.url, secretRef: { name: 'gone' } },
      },
      () => {
        calls++;
        return Promise.reject(new Error('ResourceNotFoundException'));
      },
    );
    expect(await p.query('up', signal)).toEqual({
      kind: 'error',
      message: 'template test/lat: ResourceNotFoundException',
    });
    await p.query('up', signal);
    expect(calls).toBe(2);
    expect(await p.queryVector('sum(up)', signal)).toEqual({
      kind: 'error',
      message: 'template test/lat: ResourceNotFoundException',
    });
    expect(calls).toBe(3);
  });

  it.each([
    {
      auth: 'secretRef with a password',
      secret: '{"username":"prom","password":"Pr0m-Passw0rd"}',
      address: '',
    },
    { auth: 'password in the address', secret: undefined, address: 'prom:Pr0m-Passw0rd@' },
  ])('keeps its credentials out of an error whose body echoes the request ($auth)', async (c) => {
    rx.respond('/echo/api/v1/query', echo(500));
    const p = templateProvider(
      {
        name: 'lat',
        namespace: 'test',
        query: 'x',
        provider: {
          type: 'prometheus',
          address: `${rx.url.replace('//', `//${c.address}`)}/echo`,
          ...(c.secret ? { secretRef: { name: 'prom-auth' } } : {}),
          headers: { 'X-Scope-Token': ['Header-T0ken-1'] },
        },
      },
      () => Promise.resolve(c.secret ?? ''),
    );
    const r = await p.query('up', signal);
    const sent = rx.requestsTo('/echo/api/v1/query').at(-1)!;
    const basic = Buffer.from('prom:Pr0m-Passw0rd').toString('base64');
    expect(sent.headers.authorization).toBe(`Basic ${basic}`);
    expect(r.kind).toBe('error');
    const message = (r as { message: string }).message;
    expect(message).toMatch(/^Prometheus http:\/\/127\.0\.0\.1:\d+\/echo query failed: HTTP 500/);
    for (const secret of ['Pr0m-Passw0rd', basic, 'Header-T0ken-1']) expect(message).not.toContain(secret);
    // The judge's vector queries take the same path.
    const v = await p.queryVector('sum(up)', signal);
    expect(v.kind).toBe('error');
    const vmessage = (v as { message: string }).message;
    expect(vmessage).toMatch(/^Prometheus http:\/\/127\.0\.0\.1:\d+\/echo query failed: HTTP 500/);
    for (const secret of ['Pr0m-Passw0rd', basic, 'Header-T0ken-1']) expect(vmessage).not.toContain(secret);
  });
});
