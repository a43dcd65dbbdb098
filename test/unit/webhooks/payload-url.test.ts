import { describe, expect, it } from 'vitest';
import {
  describeNetworkError,
  InvalidHookUrlError,
  parseHookUrl,
  toWirePayload,
} from '../../../lib/adapters/webhooks/index.js';
import type { HookCall } from '../../../lib/ports/hooks.js';

const aCall = (overrides: Partial<HookCall> = {}): HookCall => ({
  name: 'h',
  type: 'rollout',
  url: 'http://x/',
  timeoutMs: 1000,
  retries: 0,
  payload: { name: 'podinfo', namespace: 'test', phase: 'Progressing', checksum: 'c1' },
  ...overrides,
});

describe('toWirePayload', () => {
  it.each([
    {
      name: 'no metadata ⇒ field omitted',
      call: aCall(),
      want: { name: 'podinfo', namespace: 'test', phase: 'Progressing', checksum: 'c1' },
    },
    {
      name: 'hook metadata overlaid by call metadata',
      call: aCall({ metadata: { a: '1', b: '2' }, payload: { ...aCall().payload, metadata: { b: '3' } } }),
      want: {
        name: 'podinfo',
        namespace: 'test',
        phase: 'Progressing',
        checksum: 'c1',
        metadata: { a: '1', b: '3' },
      },
    },
    {
      name: 'event fields go into metadata as strings and win over user keys',
      call: aCall({
        type: 'event',
        metadata: { eventType: 'mine', team: 'x' },
        payload: {
          ...aCall().payload,
          eventMessage: 'msg',
          eventType: 'Warning',
          timestamp: 1700000000123.9,
        },
      }),
      want: {
        name: 'podinfo',
        namespace: 'test',
        phase: 'Progressing',
        checksum: 'c1',
        metadata: { eventType: 'Warning', team: 'x', eventMessage: 'msg', timestamp: '1700000000123' },
      },
    },
    {
      name: 'event fields ignored for non-event hooks',
      call: aCall({
        payload: { ...aCall().payload, eventMessage: 'msg', eventType: 'Normal', timestamp: 1 },
      }),
      want: { name: 'podinfo', namespace: 'test', phase: 'Progressing', checksum: 'c1' },
    },
  ])('$name', ({ call, want }) => {
    expect(toWirePayload(call)).toStrictEqual(want);
  });
});

describe('parseHookUrl', () => {
  it('moves userinfo to a Basic header and displays scheme://host/path only', () => {
    const t = parseHookUrl('https://bot:p%40ss@hooks.example.com:8443/a/b?token=abcd1234&x=1#frag');
    expect(t.href).toBe('https://hooks.example.com:8443/a/b?token=abcd1234&x=1#frag');
    expect(t.display).toBe('https://hooks.example.com:8443/a/b');
    expect(t.authorization).toBe(`Basic ${Buffer.from('bot:p@ss').toString('base64')}`);
  });

  it.each(['not a url', 'ftp://host/x', '/relative/path'])('rejects %s without echoing it', (raw) => {
    expect(() => parseHookUrl(raw)).toThrow(InvalidHookUrlError);
    try {
      parseHookUrl(raw);
    } catch (err) {
      expect((err as Error).message).not.toContain(raw);
    }
  });
});

describe('describeNetworkError', () => {
  const wrapped = (code: string): Error =>
    new TypeError('fetch failed', { cause: Object.assign(new Error('inner'), { code }) });
  it.each([
    { code: 'ECONNRESET', want: 'connection reset' },
    { code: 'UND_ERR_SOCKET', want: 'connection reset' },
    { code: 'ECONNREFUSED', want: 'connection refused' },
    { code: 'ENOTFOUND', want: 'host not found' },
    { code: 'EWHATEVER', want: 'network error (EWHATEVER)' },
  ])('$code ⇒ $want', ({ code, want }) => {
    expect(describeNetworkError(wrapped(code))).toBe(want);
  });

  it('falls back to the innermost message', () => {
    expect(describeNetworkError(new TypeError('fetch failed', { cause: new Error('bad certificate') }))).toBe(
      'network error: bad certificate',
    );
  });
});
