// Pure parsers of the load tester (a webhook target, docs/flagger-compatibility.md#load-tester): shell
// words, hey flags, durations, payloads and request checks.
import { describe, expect, it } from 'vitest';
import {
  CommandError,
  parseGoDuration,
  parseHeyCommand,
  parsePayload,
  parseRequestCheck,
  PayloadError,
  splitShellWords,
} from '../../../lib/loadtester/index.js';

describe('splitShellWords', () => {
  it.each([
    { line: 'hey -z 1m http://a/', want: ['hey', '-z', '1m', 'http://a/'] },
    { line: `  hey   -H 'X-A: b c'  http://a/ `, want: ['hey', '-H', 'X-A: b c', 'http://a/'] },
    { line: `hey -d "{\\"a\\": 1}" x`, want: ['hey', '-d', '{"a": 1}', 'x'] },
    { line: `hey -d '{"a":"$x"}' x`, want: ['hey', '-d', '{"a":"$x"}', 'x'] },
    { line: `a\\ b c"d"'e'`, want: ['a b', 'cde'] },
    { line: `x ''`, want: ['x', ''] },
    { line: 'hey http://a/?q=1', want: ['hey', 'http://a/?q=1'] },
  ])('$line', ({ line, want }) => {
    expect(splitShellWords(line)).toEqual(want);
  });

  it.each([
    { line: `hey 'open`, error: /unterminated single quote/ },
    { line: `hey "open`, error: /unterminated double quote/ },
    { line: 'hey http://a/; rm -rf /', error: /shell operator ";" is not supported/ },
    { line: 'hey http://a/ | tee out', error: /shell operator "\|"/ },
    { line: 'hey http://a/?a=1&b=2', error: /shell operator "&"/ },
    { line: 'hey $URL', error: /shell expansion "\$"/ },
    { line: 'hey "`id`"', error: /shell expansion "`"/ },
    { line: 'hey \\', error: /lone backslash/ },
  ])('rejects $line', ({ line, error }) => {
    expect(() => splitShellWords(line)).toThrow(CommandError);
    expect(() => splitShellWords(line)).toThrow(error);
  });
});

describe('parseGoDuration', () => {
  it.each([
    ['1m', 60_000],
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1.5h', 5_400_000],
    ['0', 0],
  ])('%s = %d ms', (text, ms) => {
    expect(parseGoDuration(text, 'x')).toBe(ms);
  });
  it.each(['10', '1x', '-1s', 'm', ''])('rejects "%s"', (text) => {
    expect(() => parseGoDuration(text, 'hey -z')).toThrow(/hey -z/);
  });
});

describe('parseHeyCommand', () => {
  it("parses Flagger's canonical command with hey's defaults", () => {
    expect(parseHeyCommand('hey -z 1m -q 10 -c 2 http://podinfo-canary.test:9898/')).toEqual({
      url: 'http://podinfo-canary.test:9898/',
      method: 'GET',
      headers: { 'content-type': 'text/html' },
      body: undefined,
      concurrency: 2,
      durationMs: 60_000,
      ratePerWorker: 10,
      timeoutMs: 20_000,
      followRedirects: true,
      keepAlive: true,
    });
  });

  it('honours method, headers, body, timeout, -n, auth, accept, host and Go flag forms', () => {
    const cmd = `/usr/local/bin/hey -n=20 --c 4 -m post -H 'Content-Type: application/json' -H "X-Token: abc" -d '{"a":1}' -t 3 -a u:p -A text/plain -host podinfo.test -disable-redirects -disable-keepalive -h2 -o csv https://x/y`;
    expect(parseHeyCommand(cmd)).toEqual({
      url: 'https://x/y',
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-token': 'abc',
        accept: 'text/plain',
        authorization: `Basic ${Buffer.from('u:p').toString('base64')}`,
        host: 'podinfo.test',
      },
      body: '{"a":1}',
      concurrency: 4,
      requests: 20,
      ratePerWorker: undefined,
      timeoutMs: 3000,
      followRedirects: false,
      keepAlive: false,
    });
  });

  it('lets -z win over -n, as hey does', () => {
    const parsed = parseHeyCommand('hey -n 5 -c 10 -z 2s http://a/');
    expect(parsed.durationMs).toBe(2000);
    expect(parsed.requests).toBeUndefined();
  });

  it.each([
    { cmd: '', error: /empty command/ },
    { cmd: 'curl -s http://a/', error: /unsupported command "curl": only hey is supported/ },
    { cmd: 'bash -c "hey http://a/"', error: /unsupported command "bash"/ },
    { cmd: 'hey -z 1m', error: /missing target URL/ },
    { cmd: 'hey -foo 1 http://a/', error: /unknown flag -foo/ },
    { cmd: 'hey -n', error: /flag -n needs a value/ },
    { cmd: 'hey -n 5 -c 10 http://a/', error: /-n cannot be less than -c/ },
    { cmd: 'hey -c 0 -z 1s http://a/', error: /-c cannot be smaller than 1/ },
    { cmd: 'hey -c 5000 http://a/', error: /-c cannot be larger than 1000/ },
    { cmd: 'hey -n ten http://a/', error: /-n: "ten" is not a whole number/ },
    { cmd: 'hey -q fast http://a/', error: /-q: "fast" is not a number/ },
    { cmd: 'hey -z 10 http://a/', error: /invalid duration "10"/ },
    { cmd: 'hey -D body.json http://a/', error: /-D .* not supported/ },
    { cmd: 'hey -x proxy:80 http://a/', error: /-x .* not supported/ },
    { cmd: 'hey -H nocolon http://a/', error: /invalid header "nocolon"/ },
    { cmd: 'hey -m "GE T" http://a/', error: /invalid method/ },
    { cmd: 'hey ftp://a/', error: /unsupported scheme ftp:/ },
    { cmd: 'hey not-a-url', error: /not an absolute URL/ },
  ])('rejects "$cmd"', ({ cmd, error }) => {
    expect(() => parseHeyCommand(cmd)).toThrow(CommandError);
    expect(() => parseHeyCommand(cmd)).toThrow(error);
  });
});

describe('parsePayload', () => {
  it('accepts JSON text, bytes and objects', () => {
    const want = {
      name: 'p',
      namespace: 'n',
      phase: 'Progressing',
      checksum: undefined,
      metadata: { cmd: 'x' },
    };
    const json = '{"name":"p","namespace":"n","phase":"Progressing","metadata":{"cmd":"x"}}';
    expect(parsePayload(json)).toEqual(want);
    expect(parsePayload(Buffer.from(json))).toEqual(want);
    expect(parsePayload(JSON.parse(json))).toEqual(want);
  });
  it.each([
    { body: undefined, error: /JSON object/ },
    { body: '', error: /empty request body/ },
    { body: '{oops', error: /decoding the request body failed/ },
    { body: '[1]', error: /JSON object/ },
    { body: '{"name":"p"}', error: /"name" and "namespace"/ },
    { body: '{"name":"p","namespace":"n","metadata":{"n":1}}', error: /metadata.n must be a string/ },
  ])('rejects $body', ({ body, error }) => {
    expect(() => parsePayload(body)).toThrow(PayloadError);
    expect(() => parsePayload(body)).toThrow(error);
  });
});

describe('parseRequestCheck', () => {
  it('applies defaults', () => {
    expect(parseRequestCheck({ url: 'http://a/ready' })).toEqual({
      url: 'http://a/ready',
      method: 'GET',
      headers: {},
      body: undefined,
      expectedStatus: 200,
      expectedBody: undefined,
      timeoutMs: 10_000,
    });
  });
  it('reads every field', () => {
    const check = parseRequestCheck({
      url: 'http://a/x',
      method: 'post',
      headers: 'Content-Type: application/json\nX-A: 1\n',
      body: '{}',
      expectedStatus: '201',
      expectedBody: 'created',
      timeout: '2s',
    });
    expect(check).toMatchObject({
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-a': '1' },
      expectedStatus: 201,
      expectedBody: 'created',
      timeoutMs: 2000,
    });
  });
  it.each([
    { metadata: {}, error: /metadata.url is required/ },
    { metadata: { url: 'nope' }, error: /absolute http\(s\) URL/ },
    { metadata: { url: 'http://u:p@a/' }, error: /must not embed credentials/ },
    { metadata: { url: 'http://a/', expectedStatus: '2xx' }, error: /expectedStatus/ },
    { metadata: { url: 'http://a/', headers: 'bad header' }, error: /invalid header line/ },
    { metadata: { url: 'http://a/', timeout: 'soon' }, error: /metadata.timeout/ },
  ])('rejects $metadata', ({ metadata, error }) => {
    expect(() => parseRequestCheck(metadata as Record<string, string>)).toThrow(error);
  });
});
