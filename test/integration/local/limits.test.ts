/**
 * Local mode's HTTP server under hostile bodies, over real sockets: an oversized body is a 413
 * with the API's JSON error (never a connection reset), a body nested past the bound is a 400
 * read no further than the bound, and a 401 names the header it wants.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../lib/ports/logger.js';
import { startStack, type Stack } from '../../../local/stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ token: 't', logger: silentLogger, dispatchEveryMs: 60_000 });
});
afterAll(async () => {
  await stack?.close();
});

function post(path: string, body: string, token: string | null = 't') {
  const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
  return fetch(`${stack.url}${path}`, { method: 'POST', body, headers });
}

describe('local mode refuses hostile bodies with an answer', () => {
  it.each([
    ['257 KiB', 257 * 1024],
    ['1 MiB', 1024 * 1024],
    ['10 MiB', 10 * 1024 * 1024],
  ])('a %s body is a 413 with errors[0].path "" on a connection that was not reset', async (_, n) => {
    const res = await post('/canaries?cluster=sandbox', 'a'.repeat(n));
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({
      message: 'request body larger than 262144 bytes',
      errors: [{ path: '', message: 'expected a body of at most 262144 bytes' }],
    });
  });

  it('keeps serving after oversized bodies', async () => {
    await post('/canaries?cluster=sandbox', 'a'.repeat(2 * 1024 * 1024));
    const res = await fetch(`${stack.url}/canaries`, { headers: { authorization: 'Bearer t' } });
    expect(res.status).toBe(200);
  });

  it('a 200 KB body of "[" is refused at the nesting bound, at column 68, not parsed to its end', async () => {
    const res = await post('/canaries?cluster=sandbox', '['.repeat(200_000));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      errors: [
        {
          path: '',
          message: 'nested deeper than 64 levels at line 1, column 68; expected a flatter document',
        },
      ],
    });
  });

  it('a request without the token is a 401 whose error is the whole request', async () => {
    const res = await post('/canaries?cluster=sandbox', 'x', null);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { errors: { path: string }[] }).errors[0].path).toBe('');
  });
});
