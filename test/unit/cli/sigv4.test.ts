import { describe, expect, it } from 'vitest';
import { clientFor, regionFor } from '../../../cli/client.js';
import type { Io } from '../../../cli/io.js';
import { signRequest } from '../../../cli/sigv4.js';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token',
};
const url = new URL('https://abc123.execute-api.eu-west-1.amazonaws.com/canaries?cluster=prod');
const at = new Date(Date.UTC(2025, 0, 1));

describe('regionFor', () => {
  it('reads the region from an API Gateway host', () => {
    expect(regionFor(url, {})).toBe('eu-west-1');
  });

  it('falls back to AWS_REGION, then AWS_DEFAULT_REGION, for a custom domain', () => {
    const custom = new URL('https://flagger.example.com');
    expect(regionFor(custom, { AWS_REGION: 'us-east-2', AWS_DEFAULT_REGION: 'x' })).toBe('us-east-2');
    expect(regionFor(custom, { AWS_DEFAULT_REGION: 'ap-south-1' })).toBe('ap-south-1');
    expect(() => regionFor(custom, {})).toThrow(/set AWS_REGION/);
  });
});

describe('signRequest', () => {
  it('adds the SigV4 headers with an execute-api scope in the region', async () => {
    const headers = await signRequest(
      { method: 'POST', url, headers: { 'content-type': 'application/yaml' }, body: 'kind: Canary' },
      credentials,
      'eu-west-1',
      at,
    );
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20250101\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/,
    );
    expect(headers.authorization).toContain('host');
    expect(headers['x-amz-date']).toBe('20250101T000000Z');
    expect(headers['x-amz-security-token']).toBe('session-token');
    expect(headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(headers.host).toBe(url.host);
    expect(headers['content-type']).toBe('application/yaml');
  });

  it('is deterministic, and the signature covers the body and the query', async () => {
    const sign = (u: URL, body: string) =>
      signRequest({ method: 'POST', url: u, headers: {}, body }, credentials, 'eu-west-1', at);
    const sig = async (u: URL, body: string) => (await sign(u, body)).authorization.split('Signature=')[1];
    expect(await sig(url, 'a')).toBe(await sig(url, 'a'));
    expect(await sig(url, 'a')).not.toBe(await sig(url, 'b'));
    expect(await sig(url, 'a')).not.toBe(await sig(new URL('?cluster=dev', url), 'a'));
  });
});

describe('clientFor', () => {
  function capture(env: Record<string, string>) {
    const seen: Record<string, string>[] = [];
    const io: Io = {
      stdout: { write: () => true },
      stderr: { write: () => true },
      env,
      readStdin: () => Promise.resolve(''),
      fetch: (_u, init) => {
        seen.push(init?.headers as Record<string, string>);
        return Promise.resolve(new Response('{"items":[]}', { status: 200 }));
      },
    };
    return { io, seen };
  }

  it('signs https requests when there is no token', async () => {
    const { io, seen } = capture({ FLAGGER_API_URL: url.origin });
    await clientFor({}, io, credentials).call('GET', '/clusters');
    expect(seen[0].authorization).toContain('/eu-west-1/execute-api/aws4_request');
  });

  it('sends the bearer token when there is one, even over https', async () => {
    const { io, seen } = capture({ FLAGGER_API_URL: url.origin, FLAGGER_API_TOKEN: 't0k' });
    await clientFor({}, io, credentials).call('GET', '/clusters');
    expect(seen[0].authorization).toBe('Bearer t0k');
  });

  it('sends no authorization to a plain-http URL without a token', async () => {
    const { io, seen } = capture({});
    await clientFor({ url: 'http://127.0.0.1:1' }, io, credentials).call('GET', '/clusters');
    expect(seen[0].authorization).toBeUndefined();
  });
});
