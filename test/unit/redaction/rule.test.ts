/** The one redaction rule (lib/domain/redaction.ts): its patterns, its values and the JSON walk. */
import { describe, expect, it } from 'vitest';
import {
  basicSecrets,
  canarySecrets,
  headerSecrets,
  isSecretName,
  redactJson,
  redactText,
  secretsInText,
  urlSecrets,
} from '../../../lib/domain/redaction.js';
import { openapiDocument } from '../../../functions/api/openapi.js';
import { aCanary } from '../spec/builders.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('redactText: patterns (no values known)', () => {
  it.each([
    {
      name: 'userinfo in a URL',
      text: 'POST https://bot:hunter22@hooks.example.com/x failed',
      want: 'POST https://***@hooks.example.com/x failed',
    },
    {
      name: 'a token as the username',
      text: 'git://ghp_abc123@github.com/x',
      want: 'git://***@github.com/x',
    },
    { name: 'an @ in a path is not userinfo', text: 'see http://host/a@b', want: 'see http://host/a@b' },
    {
      name: 'secret-named query parameters',
      text: '/x?token=abc123&v=1&api_key=k1&X-Amz-Signature=f00d&apiKey=zz',
      want: '/x?token=***&v=1&api_key=***&X-Amz-Signature=***&apiKey=***',
    },
    {
      name: 'other parameters stay',
      text: '/x?env=prod&monkey=1&author=bob&signal=2&code=500',
      want: '/x?env=prod&monkey=1&author=bob&signal=2&code=500',
    },
    {
      name: 'PromQL matchers stay',
      text: 'sum(rate(x{code=~"5..",token="t"}[1m])) and key="v"',
      want: 'sum(rate(x{code=~"5..",token="t"}[1m])) and key="v"',
    },
    { name: 'command-line flags', text: 'hey --password=s3cret -z 1m', want: 'hey --password=*** -z 1m' },
    {
      name: 'Basic credentials anywhere',
      text: `echo: Basic ${b64('user:pa55word')} end`,
      want: 'echo: Basic *** end',
    },
    {
      name: 'Basic followed by a word that is not user:pass',
      text: 'Basic authentication required; basic auth',
      want: 'Basic authentication required; basic auth',
    },
    { name: 'Bearer tokens', text: 'got bearer eyJhbGciOi.x-y_z', want: 'got bearer ***' },
    { name: 'Bearer and a short word', text: 'Bearer token needed', want: 'Bearer token needed' },
    {
      name: 'header lines of a header dump',
      text: 'accept: */*\nX-Api-Key: k-123\nAuthorization: token gh-1\nuser-agent: curl',
      want: 'accept: */*\nX-Api-Key: ***\nAuthorization: ***\nuser-agent: curl',
    },
    {
      name: 'JSON keys, whatever the value',
      text: '{"headers":{"authorization":"Digest x","accept":"*/*"},"password":"p\\"w","pin":"1","token":12}',
      want: '{"headers":{"authorization":"***","accept":"*/*"},"password":"***","pin":"1","token":***}',
    },
    {
      name: 'JSON echoed inside a JSON string',
      text: '{"body":"{\\"apiToken\\":\\"m-123\\",\\"cmd\\":\\"ls\\",\\"key\\":7}"}',
      want: '{"body":"{\\"apiToken\\":\\"***\\",\\"cmd\\":\\"ls\\",\\"key\\":***}"}',
    },
    {
      name: 'JSON in a JSON string in a JSON string',
      text: JSON.stringify({ m: JSON.stringify({ b: JSON.stringify({ password: 'p-123', n: 1 }) }) }),
      want: JSON.stringify({ m: JSON.stringify({ b: JSON.stringify({ password: '***', n: 1 }) }) }),
    },
    {
      name: 'a value cut short runs to the end',
      text: 'HTTP 500 {"accept":"*/*","x-api-key":"k-1234',
      want: 'HTTP 500 {"accept":"*/*","x-api-key":"***"',
    },
    {
      name: 'a secret-named key holding an object keeps its keys',
      text: `{"secretRef":{"name":"prom-auth"}}`,
      want: `{"secretRef":{"name":"prom-auth"}}`,
    },
    {
      name: 'our own validation messages stay readable',
      text: 'invalid cluster: tokenSecret: expected a name under "flagger/", got "x"; token: Invalid input',
      want: 'invalid cluster: tokenSecret: expected a name under "flagger/", got "x"; token: Invalid input',
    },
  ])('$name', ({ text, want }) => {
    expect(redactText(text)).toBe(want);
  });
});

describe('redactText: values', () => {
  it('masks each value as written, percent-encoded and JSON-escaped, longest first', () => {
    const secrets = ['p@ss w0rd"x', 'abcdef', 'abcdefgh'];
    const text = 'raw p@ss w0rd"x, url p%40ss%20w0rd%22x, json p@ss w0rd\\"x, abcdefgh, abcdef';
    expect(redactText(text, secrets)).toBe('raw ***, url ***, json ***, ***, ***');
  });

  it(`leaves values shorter than 6 characters to the patterns`, () => {
    expect(redactText('test of the tests', ['test', 'tests'])).toBe('test of the tests');
  });

  it('masks an echoed password, its user:pass pair and its base64', () => {
    const secrets = basicSecrets('hookuser', 'P4ss-w0rd');
    const text = `you sent hookuser:P4ss-w0rd as ${b64('hookuser:P4ss-w0rd')}, password P4ss-w0rd`;
    expect(redactText(text, secrets)).toBe('you sent *** as ***, password ***');
  });
});

describe('where values come from', () => {
  it('urlSecrets: userinfo (written and decoded), the Basic form and secret-named query values', () => {
    const got = urlSecrets('https://bot:p%40ss-word@h.example/x?token=T0k%2Fen&env=production');
    expect(got).toEqual(
      expect.arrayContaining([
        'p%40ss-word',
        'p@ss-word',
        'bot:p@ss-word',
        b64('bot:p@ss-word'),
        'T0k%2Fen',
        'T0k/en',
      ]),
    );
    expect(got).not.toContain('production');
    expect(got).not.toContain('bot');
  });

  it('urlSecrets: a username without a password is the secret', () => {
    expect(urlSecrets('https://ghp_TOKEN123@github.com/')).toContain('ghp_TOKEN123');
  });

  it('urlSecrets: nothing for a non-URL', () => {
    expect(urlSecrets('not a url')).toEqual([]);
  });

  it('headerSecrets: whole values, scheme credentials and decoded Basic parts', () => {
    const got = headerSecrets({
      Authorization: [`Basic ${b64('prom:Pr0m-pass')}`],
      'X-Api-Key': 'key-123456',
      'X-Bearer': ['Bearer tok-12345678'],
    });
    expect(got).toEqual(
      expect.arrayContaining(['key-123456', 'tok-12345678', 'Pr0m-pass', 'prom:Pr0m-pass']),
    );
  });

  it('secretsInText: the values a kubeconfig holds', () => {
    const kubeconfig = [
      'users:',
      '- name: u',
      '  user:',
      '    token: kube-T0ken-1',
      '    client-key-data: S0VZLURBVEE=',
      '    client-certificate-data: Q0VSVA==',
      '    password: "kube-Passw0rd"',
    ].join('\n');
    expect(secretsInText(kubeconfig).sort()).toEqual(['S0VZLURBVEE=', 'kube-Passw0rd', 'kube-T0ken-1']);
    expect(secretsInText('{"token":"json-T0ken"}')).toEqual(['json-T0ken']);
  });

  it("canarySecrets: every webhook URL's and the secret-named metadata values", () => {
    const canary = aCanary({
      'spec.analysis.webhooks': [
        { name: 'a', url: 'http://u:Hook-Pass1@h/x?token=Hook-T0ken' },
        {
          name: 'b',
          type: 'pre-rollout',
          url: 'http://h/y',
          metadata: { apiToken: 'Meta-T0ken', cmd: 'ls -la' },
        },
      ],
    });
    const got = canarySecrets(canary);
    expect(got).toEqual(expect.arrayContaining(['Hook-Pass1', 'Hook-T0ken', 'Meta-T0ken']));
    expect(got).not.toContain('ls -la');
  });
});

describe('isSecretName', () => {
  it.each([
    ['token', true],
    ['access_token', true],
    ['X-Amz-Security-Token', true],
    ['apiKey', true],
    ['x-api-key', true],
    ['client_secret', true],
    ['Authorization', true],
    ['sig', true],
    ['monkey', false],
    ['author', false],
    ['signal', false],
    ['keyboard', false],
    ['code', false],
    ['auth', false],
  ])('%s → %s', (name, want) => {
    expect(isSecretName(name)).toBe(want);
  });
});

describe('redactJson', () => {
  it('redacts every string of a nested value and keeps the rest', () => {
    const value = {
      url: 'http://u:pw123456@h/x',
      list: ['Bearer abcdefgh1', 7, null, true],
      nested: { echo: `{"authorization":"Basic ${b64('a:b')}"}` },
      at: new Date(0),
    };
    expect(redactJson(value)).toEqual({
      url: 'http://***@h/x',
      list: ['Bearer ***', 7, null, true],
      nested: { echo: '{"authorization":"***"}' },
      at: '1970-01-01T00:00:00.000Z',
    });
  });

  it('turns errors into plain objects with the message and stack redacted', () => {
    const got = redactJson({ error: new Error('POST http://u:pw123456@h failed') }) as {
      error: { name: string; message: string; stack: string };
    };
    expect(got.error.name).toBe('Error');
    expect(got.error.message).toBe('POST http://***@h failed');
    expect(got.error.stack).not.toContain('pw123456');
  });

  it('replaces cycles and values nested too deep instead of failing', () => {
    const cycle: Record<string, unknown> = { a: 'x' };
    cycle.self = cycle;
    expect(redactJson(cycle)).toEqual({ a: 'x', self: '[circular]' });
    let deep: unknown = 'token=abcdef';
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(JSON.stringify(redactJson(deep))).toContain('[too deep]');
  });

  it("leaves text without secrets as it is: the API's OpenAPI document", () => {
    const openapi = openapiDocument();
    expect(redactJson(openapi)).toEqual(JSON.parse(JSON.stringify(openapi)));
  });

  it('masks the values given', () => {
    expect(redactJson({ m: 'echo S3cret-Value' }, ['S3cret-Value'])).toEqual({ m: 'echo ***' });
  });
});
