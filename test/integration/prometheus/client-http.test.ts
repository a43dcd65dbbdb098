/**
 * The client's HTTP behaviour against a local node:http receiver that records what arrives:
 * bearer/basic/SigV4 headers, the URL under a path prefix, timeouts, caller aborts and
 * credentials kept out of messages. No Prometheus needed.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { PrometheusClient } from '../../../lib/adapters/prometheus/client.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

const VECTOR_ONE = JSON.stringify({
  status: 'success',
  data: { resultType: 'vector', result: [{ metric: {}, value: [1_700_000_000, '1'] }] },
});

let server: Server;
let base: string;
let received: Received[] = [];
/** When set, the receiver never answers (to exercise the timeout). */
let hang = false;

beforeAll(async () => {
  server = createServer((req, res) => {
    received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    if (hang) return;
    res.writeHead(200, { 'content-type': 'application/json' }).end(VECTOR_ONE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received = [];
  hang = false;
});

const QUERY =
  'sum(rate(istio_requests_total{reporter="destination",destination_workload=~"podinfo",response_code!~"5.*"}[1m])) * 100 + 1';
const signal = () => AbortSignal.timeout(5_000);

function only(): Received {
  expect(received).toHaveLength(1);
  return received[0];
}

describe('PrometheusClient over HTTP', () => {
  it('sends GET /api/v1/query with the query intact', async () => {
    const r = await new PrometheusClient({ address: base }).query(QUERY, signal());
    expect(r).toEqual({ kind: 'value', value: 1 });
    const req = only();
    expect(req.method).toBe('GET');
    const url = new URL(req.url, base);
    expect(url.pathname).toBe('/api/v1/query');
    expect(url.searchParams.get('query')).toBe(QUERY);
    expect(req.headers.authorization).toBeUndefined();
  });

  it('keeps a path prefix (AMP workspace) and drops a trailing slash', async () => {
    await new PrometheusClient({ address: `${base}/workspaces/ws-123/` }).query('vector(1)', signal());
    expect(new URL(only().url, base).pathname).toBe('/workspaces/ws-123/api/v1/query');
  });

  it('sends a bearer token and extra headers', async () => {
    const client = new PrometheusClient({
      address: base,
      auth: { type: 'bearer', token: 'tok-123' },
      headers: { 'x-scope-orgid': 'tenant-a' },
    });
    await client.query('vector(1)', signal());
    expect(only().headers).toMatchObject({ authorization: 'Bearer tok-123', 'x-scope-orgid': 'tenant-a' });
  });

  it('sends basic auth', async () => {
    const client = new PrometheusClient({
      address: base,
      auth: { type: 'basic', username: 'flagger', password: 'p@ss:w' },
    });
    await client.query('vector(1)', signal());
    const expected = `Basic ${Buffer.from('flagger:p@ss:w').toString('base64')}`;
    expect(only().headers.authorization).toBe(expected);
  });

  it('turns user info in the address into basic auth and never shows the password', async () => {
    const withCreds = base.replace('http://', 'http://admin:hunter2@');
    const client = new PrometheusClient({ address: withCreds });
    expect(client.address).toBe(base);
    await client.query('vector(1)', signal());
    expect(only().headers.authorization).toBe(`Basic ${Buffer.from('admin:hunter2').toString('base64')}`);

    hang = true;
    const slow = new PrometheusClient({ address: withCreds, timeoutMs: 100 });
    const r = await slow.query('vector(1)', signal());
    expect(r).toEqual({ kind: 'error', message: `Prometheus ${base} query timed out after 100ms` });
    expect(JSON.stringify(r)).not.toContain('hunter2');
  });

  it('queryVector sends the same GET with auth and reads every series', async () => {
    const client = new PrometheusClient({ address: base, auth: { type: 'bearer', token: 'tok-123' } });
    const q = 'sum by (le) (istio_request_duration_milliseconds_bucket{destination_workload=~"podinfo"})';
    expect(await client.queryVector(q, signal())).toEqual({
      kind: 'vector',
      samples: [{ labels: {}, value: 1 }],
    });
    const req = only();
    expect(req.method).toBe('GET');
    expect(new URL(req.url, base).searchParams.get('query')).toBe(q);
    expect(req.headers.authorization).toBe('Bearer tok-123');
  });

  it('queryVector times out as query does, without the password of the address', async () => {
    hang = true;
    const slow = new PrometheusClient({
      address: base.replace('http://', 'http://admin:hunter2@'),
      timeoutMs: 100,
    });
    const r = await slow.queryVector('sum(up)', signal());
    expect(r).toEqual({ kind: 'error', message: `Prometheus ${base} query timed out after 100ms` });
    const ctrl = new AbortController();
    const pending = slow.queryVector('sum(up)', ctrl.signal);
    ctrl.abort(new Error('lambda deadline'));
    await expect(pending).rejects.toThrow('lambda deadline');
  });

  it('rejects with the reason when the caller aborts', async () => {
    hang = true;
    const ctrl = new AbortController();
    const pending = new PrometheusClient({ address: base }).query('vector(1)', ctrl.signal);
    ctrl.abort(new Error('lambda deadline'));
    await expect(pending).rejects.toThrow('lambda deadline');
  });

  it('signs with SigV4 for the aps service', async () => {
    const credentials = {
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG',
      sessionToken: 'session-tok',
    };
    const signingDate = new Date('2026-01-02T03:04:05Z');
    const client = new PrometheusClient({
      address: `${base}/workspaces/ws-123`,
      auth: {
        type: 'sigv4',
        region: 'eu-west-1',
        credentials: () => Promise.resolve(credentials),
        now: () => signingDate,
      },
    });
    expect(await client.query(QUERY, signal())).toEqual({ kind: 'value', value: 1 });
    const req = only();
    expect(req.headers['x-amz-date']).toBe('20260102T030405Z');
    expect(req.headers['x-amz-security-token']).toBe('session-tok');
    expect(req.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20260102\/eu-west-1\/aps\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    // Re-sign what actually arrived, as the server would: the signature must match.
    expect(await resign(req, credentials, signingDate)).toBe(req.headers.authorization);
  });

  it('sends a range query to /api/v1/query_range with start, end (seconds) and step, signed alike', async () => {
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'tok' };
    const signingDate = new Date('2026-01-02T03:04:05Z');
    const client = new PrometheusClient({
      address: `${base}/workspaces/ws-123`,
      auth: {
        type: 'sigv4',
        region: 'eu-west-1',
        credentials: () => Promise.resolve(credentials),
        now: () => signingDate,
      },
    });
    const range = { start: 1_700_000_000_000, end: 1_700_000_060_500, stepSeconds: 30 };
    // The receiver answers a vector: a range query must get a matrix, so this is an error value.
    expect(await client.queryRange(QUERY, range, signal())).toMatchObject({ kind: 'error' });
    const req = only();
    const url = new URL(req.url, base);
    expect(url.pathname).toBe('/workspaces/ws-123/api/v1/query_range');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      query: QUERY,
      start: '1700000000',
      end: '1700000060.5',
      step: '30',
    });
    expect(await resign(req, credentials, signingDate)).toBe(req.headers.authorization);
  });
});

async function resign(
  req: Received,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string },
  signingDate: Date,
): Promise<string | undefined> {
  const url = new URL(req.url, `http://${req.headers.host}`);
  const signed = /SignedHeaders=([^,]+)/.exec(req.headers.authorization ?? '')![1].split(';');
  const headers: Record<string, string> = {};
  for (const name of signed) headers[name] = String(req.headers[name]);
  const signer = new SignatureV4({
    service: 'aps',
    region: 'eu-west-1',
    credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
  const out = await signer.sign(
    new HttpRequest({
      method: req.method,
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
    }),
    { signingDate },
  );
  return out.headers.authorization;
}
