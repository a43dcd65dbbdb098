import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError, ConnectionError, InterruptedError, isTransient } from '../../../cli/client.js';
import { backoffMs, pollRetries, requestRetries, retryableStatus } from '../../../cli/retry.js';

const noSleep = () => Promise.resolve();

const answering =
  (status: number, body: string): typeof fetch =>
  () =>
    Promise.resolve(new Response(status === 204 ? null : body, { status }));

describe('ApiClient', () => {
  it('parses JSON answers and an empty 204', async () => {
    expect(
      await new ApiClient('http://x', { kind: 'none' }, { fetch: answering(200, '{"a":1}') }).call(
        'GET',
        '/',
      ),
    ).toEqual({ a: 1 });
    expect(
      await new ApiClient('http://x', { kind: 'none' }, { fetch: answering(204, '') }).call('DELETE', '/'),
    ).toBeUndefined();
  });

  it('turns our error body into an ApiError with the field errors', async () => {
    const body = JSON.stringify({ message: 'invalid', errors: [{ path: 'spec.x', message: 'bad' }] });
    const call = new ApiClient('http://x', { kind: 'none' }, { fetch: answering(400, body) }).call(
      'POST',
      '/canaries',
    );
    await expect(call).rejects.toEqual(new ApiError(400, 'invalid', [{ path: 'spec.x', message: 'bad' }]));
  });

  it("keeps the first line of a gateway's non-JSON error", async () => {
    const call = new ApiClient(
      'http://x',
      { kind: 'none' },
      { fetch: answering(502, 'Bad Gateway\n<html>'), sleep: noSleep },
    ).call('GET', '/');
    await expect(call).rejects.toMatchObject({ status: 502, message: 'Bad Gateway', errors: [] });
  });

  it('keeps a base path (API Gateway stage) and sets query parameters', async () => {
    let seen = '';
    const fetchFn: typeof fetch = (url) => (
      (seen = url instanceof URL ? url.href : JSON.stringify(url)),
      Promise.resolve(new Response('{}'))
    );
    await new ApiClient('https://h/prod/', { kind: 'none' }, { fetch: fetchFn }).call('GET', '/canaries', {
      query: { cluster: 'a', namespace: undefined },
    });
    expect(seen).toBe('https://h/prod/canaries?cluster=a');
  });

  it('reports Ctrl-C as InterruptedError and a refused connection as ConnectionError', async () => {
    const hang: typeof fetch = (_u, init) =>
      new Promise((_resolve, reject) => {
        if (init?.signal?.aborted) reject(new Error('aborted'));
        init?.signal?.addEventListener('abort', () => reject(new Error('aborted')));
      });
    const ctrlC = new AbortController();
    const pending = new ApiClient('http://x', { kind: 'none' }, { fetch: hang, signal: ctrlC.signal }).call(
      'GET',
      '/',
    );
    ctrlC.abort();
    await expect(pending).rejects.toBeInstanceOf(InterruptedError);
    const refused: typeof fetch = () =>
      Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }));
    await expect(
      new ApiClient('http://x:1', { kind: 'none' }, { fetch: refused }).call('GET', '/'),
    ).rejects.toEqual(new ConnectionError('cannot reach http://x:1: ECONNREFUSED'));
  });
});

/** A fetch answering `statuses` in turn (the last one repeats), counting calls. */
function sequence(...statuses: number[]) {
  const calls: string[] = [];
  const fetchFn: typeof fetch = (_url, init) => {
    const status = statuses[Math.min(calls.length, statuses.length - 1)];
    calls.push(init?.method ?? 'GET');
    const headers = status === 429 ? { 'retry-after': '3' } : undefined;
    return Promise.resolve(
      new Response(status === 200 ? '{"ok":true}' : '{"message":"busy"}', { status, headers }),
    );
  };
  return { fetchFn, calls };
}

describe('retries', () => {
  it('retries 429 and 5xx of a GET with backoff (Retry-After honoured), up to 3 attempts', async () => {
    const slept: number[] = [];
    const sleep = (ms: number) => (slept.push(ms), Promise.resolve());
    const ok = sequence(503, 429, 200);
    const client = new ApiClient('http://x', { kind: 'none' }, { fetch: ok.fetchFn, sleep, now: () => 0 });
    await expect(client.call('GET', '/canaries')).resolves.toEqual({ ok: true });
    expect(ok.calls).toHaveLength(3);
    expect(slept).toEqual([500, 3000]);
    const down = sequence(500);
    const failing = new ApiClient('http://x', { kind: 'none' }, { fetch: down.fetchFn, sleep: noSleep });
    await expect(failing.call('GET', '/canaries')).rejects.toMatchObject({ status: 500 });
    expect(down.calls).toHaveLength(3);
  });

  it('does not retry a 5xx of an action (it may have been taken), nor any 4xx but 429', async () => {
    const action = sequence(500, 200);
    const client = new ApiClient('http://x', { kind: 'none' }, { fetch: action.fetchFn, sleep: noSleep });
    await expect(client.call('POST', '/canaries/a/b/c/actions/promote')).rejects.toMatchObject({
      status: 500,
    });
    expect(action.calls).toHaveLength(1);
    const conflict = sequence(409, 200);
    const c2 = new ApiClient('http://x', { kind: 'none' }, { fetch: conflict.fetchFn, sleep: noSleep });
    await expect(c2.call('GET', '/x')).rejects.toMatchObject({ status: 409 });
    expect(conflict.calls).toHaveLength(1);
    const applied = sequence(502, 200);
    const c3 = new ApiClient('http://x', { kind: 'none' }, { fetch: applied.fetchFn, sleep: noSleep });
    await expect(c3.call('POST', '/canaries', { body: '{}', idempotent: true })).resolves.toEqual({
      ok: true,
    });
  });

  it.each([
    { status: 429, idempotent: false, want: true },
    { status: 503, idempotent: false, want: true },
    { status: 500, idempotent: false, want: false },
    { status: 504, idempotent: true, want: true },
    { status: 404, idempotent: true, want: false },
    { status: 409, idempotent: true, want: false },
  ])('retryableStatus($status, idempotent $idempotent) → $want', ({ status, idempotent, want }) => {
    expect(retryableStatus(status, idempotent)).toBe(want);
  });

  it('backs off exponentially, capped, or as Retry-After says (seconds or a date)', () => {
    expect([1, 2, 3].map((n) => backoffMs(n, requestRetries, undefined, 0))).toEqual([500, 1000, 2000]);
    expect(backoffMs(10, pollRetries, undefined, 0)).toBe(30_000);
    expect(backoffMs(1, pollRetries, '7', 0)).toBe(7000);
    expect(backoffMs(1, pollRetries, new Date(20_000).toUTCString(), 5_000)).toBe(15_000);
    expect(backoffMs(1, requestRetries, '600', 0)).toBe(8000);
  });

  it('calls 429, 5xx and lost connections transient; 4xx not', () => {
    expect(isTransient(new ApiError(429, 'slow down'))).toBe(true);
    expect(isTransient(new ApiError(502, 'bad gateway'))).toBe(true);
    expect(isTransient(new ConnectionError('cannot reach'))).toBe(true);
    expect(isTransient(new ApiError(404, 'not found'))).toBe(false);
  });
});
