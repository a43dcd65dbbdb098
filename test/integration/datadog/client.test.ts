/**
 * The Datadog provider over HTTP against a local server speaking Datadog's v1 query API
 * (test/support/datadog-api.ts): the request Flagger makes (keys in headers, ten intervals of
 * window), the first point of the first series, no data, refused keys, rate limits, server
 * errors, timeouts — and the keys never in an answer.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DatadogClient } from '../../../lib/adapters/datadog/client.js';
import { datadogTemplateProvider } from '../../../lib/adapters/datadog/factory.js';
import type { DatadogTemplateProvider, MetricTemplate } from '../../../lib/ports/metrics.js';
import { serveDatadogApi, type DatadogApi } from '../../support/datadog-api.js';

const API_KEY = 'dd-Api-K3y-0123456789';
const APP_KEY = 'dd-App-K3y-9876543210';
const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);
const signal = () => new AbortController().signal;

let dd: DatadogApi;
/** An address nothing listens on. */
let gone: string;
let secretReads: string[];
let secretText: string;

beforeAll(async () => {
  dd = await serveDatadogApi({ apiKey: API_KEY, applicationKey: APP_KEY });
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  gone = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => s.close(() => resolve()));
});
afterAll(() => dd.close());
beforeEach(() => {
  dd.requests.length = 0;
  dd.paths.length = 0;
  dd.answer = () => 0;
  secretReads = [];
  secretText = JSON.stringify({ datadog_api_key: API_KEY, datadog_application_key: APP_KEY });
});

function template(address = dd.url): MetricTemplate & { provider: DatadogTemplateProvider } {
  return {
    name: 'not-found-percentage',
    namespace: 'istio-system',
    provider: { type: 'datadog', address, secretRef: { name: 'datadog' } },
    query: 'unused: the resolver renders it',
  };
}

function provider(intervalSeconds?: number, address?: string) {
  const secret = (name: string) => (secretReads.push(name), Promise.resolve(secretText));
  return datadogTemplateProvider(template(address), { secret, intervalSeconds, now: () => NOW });
}

/** Nothing the provider answered holds a key. */
function expectNoKeys(...answers: unknown[]): void {
  const text = JSON.stringify(answers);
  expect(text).not.toContain(API_KEY);
  expect(text).not.toContain(APP_KEY);
}

describe('Datadog query', () => {
  it('sends the keys as headers and queries ten intervals back from now, as Flagger does', async () => {
    dd.answer = () => 4.25;
    const r = await provider(30).query('sum:istio.mesh.request.count{*}.as_count()', signal());
    expect(r).toEqual({ kind: 'value', value: 4.25 });
    expect(dd.requests).toHaveLength(1);
    const [req] = dd.requests;
    expect(req!.query).toBe('sum:istio.mesh.request.count{*}.as_count()');
    expect(req!.to).toBe(NOW / 1000);
    expect(req!.from).toBe(NOW / 1000 - 300);
    expect(req!.headers['dd-api-key']).toBe(API_KEY);
    expect(req!.headers['dd-application-key']).toBe(APP_KEY);
    expect(secretReads).toEqual(['datadog']);
  });

  it('defaults the window to ten minutes (a 60 s interval)', async () => {
    await provider().query('avg:system.cpu.user{*}', signal());
    expect(dd.requests[0]!.to - dd.requests[0]!.from).toBe(600);
  });

  it('reads the secret once for many queries', async () => {
    const p = provider(60);
    await p.query('a', signal());
    await p.query('b', signal());
    expect(secretReads).toEqual(['datadog']);
    expect(dd.requests.map((r) => r.query)).toEqual(['a', 'b']);
  });

  it.each([
    { name: 'no series', answer: { series: 'none' as const }, why: 'no series' },
    {
      name: 'a series without points',
      answer: { series: 'emptyPointlist' as const },
      why: 'empty pointlist',
    },
    { name: 'a null first point', answer: null, why: 'null point' },
  ])('answers no data for $name', async ({ answer, why }) => {
    dd.answer = () => answer;
    const r = await provider(60).query('sum:x{*}', signal());
    expect(r).toEqual({ kind: 'noData', message: `Datadog ${dd.url}: no values found (${why})` });
  });

  it('answers an error naming the keys to check when Datadog refuses them (403), without the keys', async () => {
    secretText = JSON.stringify({ datadog_api_key: 'wrong-api-key-1', datadog_application_key: APP_KEY });
    const r = await provider(60).query('sum:x{*}', signal());
    expect(r.kind).toBe('error');
    expect(r).toMatchObject({
      message: `Datadog ${dd.url} refused the keys (HTTP 403: Forbidden); check datadog_api_key and datadog_application_key in the template's secret`,
    });
    expectNoKeys(r);
    expect(JSON.stringify(r)).not.toContain('wrong-api-key-1');
  });

  it('answers an error with the reset time when rate-limited (429)', async () => {
    dd.answer = () => ({
      status: 429,
      body: { errors: ['Rate limit of 1600 requests in 3600 seconds reached. Please try again later.'] },
      headers: { 'x-ratelimit-limit': '1600', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '12' },
    });
    const r = await provider(60).query('sum:x{*}', signal());
    expect(r).toEqual({
      kind: 'error',
      message: `Datadog ${dd.url} rate-limited the query (HTTP 429: Rate limit of 1600 requests in 3600 seconds reached. Please try again later.); the limit resets in 12s`,
    });
  });

  it('answers an error for a server error, with an echo of the keys masked', async () => {
    dd.answer = (req) => ({
      status: 503,
      body: {
        errors: [
          `upstream down for ${String(req.headers['dd-api-key'])}/${String(req.headers['dd-application-key'])}`,
        ],
      },
    });
    const r = await provider(60).query('sum:x{*}', signal());
    expect(r).toEqual({
      kind: 'error',
      message: `Datadog ${dd.url} answered HTTP 503: upstream down for ***/***`,
    });
  });

  it('answers an error for a query Datadog rejects in a 200 answer (status "error")', async () => {
    dd.answer = () => ({
      status: 200,
      body: { status: 'error', error: 'Error parsing query: unexpected token' },
    });
    const r = await provider(60).query('sum:x{', signal());
    expect(r).toEqual({
      kind: 'error',
      message: `Datadog ${dd.url}: query failed: Error parsing query: unexpected token`,
    });
  });

  it('answers an error when Datadog does not answer in time', async () => {
    dd.answer = () => 'hang';
    const client = new DatadogClient({
      address: dd.url,
      apiKey: API_KEY,
      applicationKey: APP_KEY,
      intervalSeconds: 60,
      now: () => NOW,
      timeoutMs: 50,
    });
    const r = await client.query('sum:x{*}', signal());
    expect(r).toEqual({ kind: 'error', message: `Datadog ${dd.url} query timed out after 50ms` });
  });

  it('answers an error when the address refuses connections', async () => {
    const r = await provider(60, gone).query('sum:x{*}', signal());
    expect(r.kind).toBe('error');
    expect((r as { message: string }).message).toMatch(
      new RegExp(`^Datadog ${gone} query failed: .*ECONNREFUSED`),
    );
  });

  it('rejects when the caller aborts (a cancelled step is not a metric result)', async () => {
    dd.answer = () => 'hang';
    const c = new AbortController();
    const pending = provider(60).query('sum:x{*}', c.signal);
    setTimeout(() => c.abort(new Error('step cancelled')), 20);
    await expect(pending).rejects.toThrow('step cancelled');
  });

  it('answers an error for range and vector queries (instant checks only)', async () => {
    const p = provider(60);
    const range = await p.queryRange('q', { start: 0, end: 1000, stepSeconds: 1 }, signal());
    const vector = await p.queryVector('q', signal());
    for (const r of [range, vector]) {
      expect(r).toEqual({
        kind: 'error',
        message: `template istio-system/not-found-percentage: Datadog templates serve metric checks only (an instant value); range queries and the judge need Prometheus`,
      });
    }
    expect(dd.paths).toEqual([]);
  });
});

describe('Datadog secret', () => {
  it.each([
    { text: '{"datadog_api_key":"only-the-api-key"}', want: 'secret datadog has no datadog_application_key' },
    { text: '{}', want: 'secret datadog has no datadog_api_key and datadog_application_key' },
    {
      text: 'raw-key-text-1234',
      want: 'secret datadog is not a JSON object with datadog_api_key and datadog_application_key',
    },
  ])('answers an error naming the secret and what it lacks: $want', async ({ text, want }) => {
    secretText = text;
    const r = await provider(60).query('sum:x{*}', signal());
    expect(r).toEqual({ kind: 'error', message: `template istio-system/not-found-percentage: ${want}` });
    expect(JSON.stringify(r)).not.toContain('only-the-api-key');
    expect(JSON.stringify(r)).not.toContain('raw-key-text-1234');
    expect(dd.requests).toEqual([]);
  });

  it('reads the secret again after a failure, so a fixed secret is picked up', async () => {
    secretText = '{}';
    const p = provider(60);
    expect((await p.query('sum:x{*}', signal())).kind).toBe('error');
    secretText = JSON.stringify({ datadog_api_key: API_KEY, datadog_application_key: APP_KEY });
    expect(await p.query('sum:x{*}', signal())).toEqual({ kind: 'value', value: 0 });
    expect(secretReads).toEqual(['datadog', 'datadog']);
  });
});

describe('Datadog isOnline', () => {
  it('is true when /api/v1/validate accepts the keys', async () => {
    expect(await provider(60).isOnline(signal())).toBe(true);
    expect(dd.paths).toEqual(['/api/v1/validate']);
  });

  it('is false when the keys are refused, the secret is unusable or the server is gone', async () => {
    secretText = JSON.stringify({ datadog_api_key: 'wrong-api-key-1', datadog_application_key: APP_KEY });
    expect(await provider(60).isOnline(signal())).toBe(false);
    secretText = '{}';
    expect(await provider(60).isOnline(signal())).toBe(false);
    expect(await provider(60, gone).isOnline(signal())).toBe(false);
  });
});
