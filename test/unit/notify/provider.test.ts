import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { makeNotifier, makeNotifierFactory } from '../../../lib/adapters/notify/factory.js';
import { ValidationError } from '../../../lib/app/errors.js';
import {
  parseAlertProvider as parseApiAlertProvider,
  SLACK_BUTTONS_ANNOTATION,
} from '../../../lib/app/views.js';
import {
  AlertProviderValidationError,
  alertProviderTypes,
  parseAlertProvider,
  redactAddress,
  scrubAddress,
  type AlertProvider,
} from '../../../lib/ports/notifier.js';
import { aProvider } from './fixtures.js';

const SECRET = 'SECRETTOKEN123';

describe('parseAlertProvider', () => {
  it('accepts a full record', () => {
    const raw = { ...aProvider({ channel: '#releases', username: 'bot', verbose: true }), extra: 'ignored' };
    expect(parseAlertProvider(raw)).toEqual(
      aProvider({ channel: '#releases', username: 'bot', verbose: true }),
    );
  });

  it.each([true, false])('accepts buttons: %s (the Slack buttons opt-out)', (buttons) => {
    expect(parseAlertProvider({ ...aProvider(), buttons }).buttons).toBe(buttons);
    expect(parseAlertProvider(aProvider())).not.toHaveProperty('buttons');
  });

  it.each(alertProviderTypes)('accepts type %s', (type) => {
    expect(parseAlertProvider(aProvider({ type })).type).toBe(type);
  });

  it('rejects an unknown type, listing the supported ones', () => {
    expect(() => parseAlertProvider({ ...aProvider(), type: 'rocket' })).toThrowError(
      new AlertProviderValidationError([
        'type "rocket" is not supported; supported: slack, msteams, discord, generic',
      ]),
    );
  });

  it('lists every problem and never echoes the address', () => {
    const bad = {
      name: '',
      type: 'gchat',
      address: `ftp://files.example.com/${SECRET}`,
      verbose: 'yes',
      buttons: 'no',
    };
    let caught: unknown;
    try {
      parseAlertProvider(bad);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AlertProviderValidationError);
    const err = caught as AlertProviderValidationError;
    expect(err.issues).toEqual([
      'name must be a non-empty string',
      'namespace must be a non-empty string',
      'type "gchat" is not supported; supported: slack, msteams, discord, generic',
      'address must be an absolute http(s) URL',
      'verbose must be a boolean',
      'buttons must be a boolean',
    ]);
    expect(err.message).not.toContain(SECRET);
  });

  it('rejects non-objects', () => {
    expect(() => parseAlertProvider('slack')).toThrow('invalid AlertProvider: not an object');
  });
});

describe('redactAddress / scrubAddress', () => {
  it.each([
    { address: `https://hooks.slack.com/services/T0/B0/${SECRET}`, want: 'https://hooks.slack.com/…' },
    { address: 'http://127.0.0.1:8080/hook?token=abc', want: 'http://127.0.0.1:8080/…' },
    { address: 'https://example.com', want: 'https://example.com/…' },
    { address: 'not a url', want: '<invalid URL>' },
  ])('$address → $want', ({ address, want }) => {
    expect(redactAddress(address)).toBe(want);
  });

  it('removes the address and its path from any text', () => {
    const address = `https://hooks.slack.com/services/T0/B0/${SECRET}`;
    const text = `POST ${address} failed; path /services/T0/B0/${SECRET} rejected`;
    const scrubbed = scrubAddress(text, address);
    expect(scrubbed).toBe('POST https://hooks.slack.com/… failed; path *** rejected');
    expect(scrubbed).not.toContain(SECRET);
  });
});

describe('makeNotifier', () => {
  it.each(alertProviderTypes)('builds a notifier for %s', (type) => {
    expect(typeof makeNotifier(aProvider({ type })).post).toBe('function');
  });

  it('rejects an unknown type with a validation error listing the supported ones', () => {
    const record = { ...aProvider(), type: 'rocket' } as unknown as AlertProvider;
    expect(() => makeNotifier(record)).toThrowError(AlertProviderValidationError);
    expect(() => makeNotifierFactory()(record)).toThrow(
      'invalid AlertProvider: type "rocket" is not supported; supported: slack, msteams, discord, generic',
    );
  });
});

describe("the API's AlertProvider body: Flagger's annotation opts out of Slack buttons", () => {
  const flagger = (annotations?: Record<string, string>) => ({
    apiVersion: 'flagger.app/v1beta1',
    kind: 'AlertProvider',
    metadata: { name: 'other-workspace', namespace: 'test', ...(annotations ? { annotations } : {}) },
    spec: { type: 'slack', address: 'https://hooks.slack.com/services/T9/B9/x' },
  });
  it.each([
    { name: 'no annotation', body: flagger(), want: undefined },
    { name: '"false"', body: flagger({ [SLACK_BUTTONS_ANNOTATION]: 'false' }), want: false },
    { name: '"true"', body: flagger({ [SLACK_BUTTONS_ANNOTATION]: 'true' }), want: true },
    {
      name: 'our shape',
      body: { type: 'slack', address: 'https://h.example/x', buttons: false },
      want: false,
    },
  ])('$name → buttons $want', ({ body, want }) => {
    expect(parseApiAlertProvider(body, 'test', 'other-workspace').buttons).toBe(want);
  });

  it('refuses any other annotation value, naming the annotation', () => {
    const body = flagger({ [SLACK_BUTTONS_ANNOTATION]: 'no' });
    let caught: unknown;
    try {
      parseApiAlertProvider(body, 'test', 'other-workspace');
    } catch (e) {
      caught = e;
    }
    const path = `metadata.annotations.${SLACK_BUTTONS_ANNOTATION}`;
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).errors).toEqual([
      { path, message: `${path} must be "true" or "false"` },
    ]);
  });
});

it("docs/slack.md's AlertProvider of another workspace is stored without buttons", () => {
  const doc = readFileSync(new URL('../../../docs/slack.md', import.meta.url), 'utf8');
  const manifests = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
  const provider = manifests.find((m) => m.includes('kind: AlertProvider'));
  expect(provider).toBeDefined();
  const body = parse(provider!) as { metadata: { name: string; namespace: string } };
  const stored = parseApiAlertProvider(body, body.metadata.namespace, body.metadata.name);
  expect(stored).toMatchObject({ name: 'partner-slack', type: 'slack', buttons: false });
});
