import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError, ConnectionError, InterruptedError } from '../../../cli/client.js';

const answering =
  (status: number, body: string): typeof fetch =>
  () =>
    Promise.resolve(new Response(status === 204 ? null : body, { status }));

describe('ApiClient', () => {
  it('parses JSON answers and an empty 204', async () => {
    expect(
      await new ApiClient('http://x', { kind: 'none' }, answering(200, '{"a":1}')).call('GET', '/'),
    ).toEqual({ a: 1 });
    expect(
      await new ApiClient('http://x', { kind: 'none' }, answering(204, '')).call('DELETE', '/'),
    ).toBeUndefined();
  });

  it('turns our error body into an ApiError with the field errors', async () => {
    const body = JSON.stringify({ message: 'invalid', errors: [{ path: 'spec.x', message: 'bad' }] });
    const call = new ApiClient('http://x', { kind: 'none' }, answering(400, body)).call('POST', '/canaries');
    await expect(call).rejects.toEqual(new ApiError(400, 'invalid', [{ path: 'spec.x', message: 'bad' }]));
  });

  it("keeps the first line of a gateway's non-JSON error", async () => {
    const call = new ApiClient('http://x', { kind: 'none' }, answering(502, 'Bad Gateway\n<html>')).call(
      'GET',
      '/',
    );
    await expect(call).rejects.toMatchObject({ status: 502, message: 'Bad Gateway', errors: [] });
  });

  it('keeps a base path (API Gateway stage) and sets query parameters', async () => {
    let seen = '';
    const fetchFn: typeof fetch = (url) => (
      (seen = url instanceof URL ? url.href : JSON.stringify(url)),
      Promise.resolve(new Response('{}'))
    );
    await new ApiClient('https://h/prod/', { kind: 'none' }, fetchFn).call('GET', '/canaries', {
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
    const pending = new ApiClient('http://x', { kind: 'none' }, hang, ctrlC.signal).call('GET', '/');
    ctrlC.abort();
    await expect(pending).rejects.toBeInstanceOf(InterruptedError);
    const refused: typeof fetch = () =>
      Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }));
    await expect(new ApiClient('http://x:1', { kind: 'none' }, refused).call('GET', '/')).rejects.toEqual(
      new ConnectionError('cannot reach http://x:1: ECONNREFUSED'),
    );
  });
});
