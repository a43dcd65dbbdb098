/**
 * The nasty inputs of issue 14, each with the exact status and field path it must get: a
 * catch-all 400 fails here. The handler runs over dynalite, so what DynamoDB would refuse
 * (key sizes, numbers) reaches a store that refuses it too if the API lets it through.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startApi, type ApiHarness, type RawRequest } from './harness.js';

const yaml = readFileSync('test/fixtures/podinfo-canary.yaml', 'utf8');
const manifest = parse(yaml) as { spec: Record<string, unknown>; metadata: Record<string, unknown> };

/** `n` nested objects `{a: …}` around `leaf`. */
function nest(n: number, leaf: unknown = 1): unknown {
  let v = leaf;
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
}

/** The manifest with `spec.extra` set to `value` (an unknown field: kept, reported, stored). */
function withExtra(value: unknown): string {
  return JSON.stringify({ ...manifest, spec: { ...manifest.spec, extra: value } });
}

const apply = (body: string, cluster = 'c'): RawRequest => ({
  method: 'POST',
  path: '/canaries',
  query: { cluster },
  body,
});
const canary = '/canaries/c/test/podinfo';
const past = `spec.extra${'.a'.repeat(29)}`;
const laughs = [
  'a: &a [x, x, x, x, x, x, x, x, x]',
  'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
  'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
  'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
].join('\n');

const cases: { name: string; req: RawRequest; status: number; path: string; message?: RegExp }[] = [
  {
    name: 'an unknown field nested 2,000 levels (JSON)',
    req: apply(withExtra(nest(2000))),
    status: 400,
    path: '',
    message: /^nested deeper than 64 levels at line 1, column \d+/,
  },
  {
    name: 'a YAML sequence nested 50,000 levels on one line',
    req: apply(`${'- '.repeat(50_000)}x`),
    status: 400,
    path: '',
    message: /^nested deeper than 64 levels at line 1, column 1\d\d;/,
  },
  {
    name: 'a 200 KB body of "["',
    req: apply('['.repeat(200_000)),
    status: 400,
    path: '',
    message: /at line 1, column 68;/,
  },
  {
    name: 'a manifest one level past DynamoDB’s budget (32 containers)',
    req: apply(withExtra(nest(30))),
    status: 400,
    path: past,
    message: /^nested deeper than 31 levels/,
  },
  {
    name: 'a name segment longer than DynamoDB’s key allows',
    req: { method: 'GET', path: `/canaries/c/test/${'a'.repeat(3000)}` },
    status: 400,
    path: 'path.name',
    message: /length 3000/,
  },
  {
    name: 'a cluster segment of 64 characters',
    req: { method: 'DELETE', path: `/clusters/${'c'.repeat(64)}` },
    status: 400,
    path: 'path.cluster',
  },
  {
    name: 'an encoded slash in a namespace segment',
    req: { method: 'PUT', path: '/templates/a%2Fb/t', body: '{}' },
    status: 400,
    path: 'path.namespace',
  },
  {
    name: 'an upper-case namespace segment',
    req: { method: 'GET', path: '/canaries/c/Test/podinfo/history' },
    status: 400,
    path: 'path.namespace',
  },
  {
    name: 'an unresolved YAML alias in a manifest',
    req: apply(`${yaml}\nextra: *nowhere\n`),
    status: 400,
    path: 'extra',
    message: /alias \*nowhere has no anchor/,
  },
  {
    name: 'an unresolved YAML alias in a metric template',
    req: { method: 'PUT', path: '/templates/test/t', body: 'provider: *p\nquery: up' },
    status: 400,
    path: 'provider',
  },
  {
    name: 'an unresolved YAML alias in a cluster',
    req: { method: 'POST', path: '/clusters', body: 'name: x\nkind: *k' },
    status: 400,
    path: 'kind',
  },
  {
    name: 'a billion-laughs bomb in a manifest',
    req: apply(laughs),
    status: 400,
    path: 'c[7]',
    message: /more than 16 YAML aliases/,
  },
  {
    name: 'a billion-laughs bomb in an alert provider',
    req: { method: 'PUT', path: '/alert-providers/test/slack', body: laughs },
    status: 400,
    path: 'c[7]',
  },
  {
    name: '2^53 in a field the schema does not know',
    req: apply(withExtra(2 ** 53)),
    status: 400,
    path: 'spec.extra',
    message: /between -9007199254740991 and 9007199254740991, got 9007199254740992/,
  },
  {
    name: '1e308 as a metric threshold',
    req: apply(yaml.replace('min: 99', 'min: 1e308')),
    status: 400,
    path: 'spec.analysis.metrics[0].thresholdRange.min',
  },
  {
    name: '1e-200 in a field the schema does not know',
    req: apply(withExtra(1e-200)),
    status: 400,
    path: 'spec.extra',
    message: /magnitude ≥ 1e-130/,
  },
  {
    name: 'a port beyond 65535 in a match',
    req: apply(yaml.replace('port: 9898', 'port: 70000')),
    status: 400,
    path: 'spec.service.port',
  },
  {
    name: 'an interval of 10^12 hours',
    req: apply(yaml.replace('interval: 1m\n    threshold', 'interval: 1000000000000h\n    threshold')),
    status: 400,
    path: 'spec.analysis.interval',
  },
  {
    name: 'an iterations count beyond int32',
    req: apply(yaml.replace('threshold: 5', 'threshold: 5\n    iterations: 4294967296')),
    status: 400,
    path: 'spec.analysis.iterations',
  },
  {
    name: 'metadata.namespace "a/b"',
    req: apply(yaml.replace('namespace: test', 'namespace: a/b')),
    status: 400,
    path: 'metadata.namespace',
  },
  {
    name: 'metadata.namespace "../../etc"',
    req: apply(yaml.replace('namespace: test', 'namespace: ../../etc')),
    status: 400,
    path: 'metadata.namespace',
  },
  {
    name: 'a targetRef name with a slash',
    req: apply(yaml.replace('name: podinfo\n  autoscalerRef', 'name: ../secrets\n  autoscalerRef')),
    status: 400,
    path: 'spec.targetRef.name',
  },
  ...['-5', '0.5', '0', '1001', '99999999999999999999', '1e400', 'abc'].map((limit) => ({
    name: `history?limit=${limit}`,
    req: { method: 'GET', path: `${canary}/history`, query: { limit } },
    status: 400,
    path: 'query.limit',
  })),
  {
    name: 'history?before=-1',
    req: { method: 'GET', path: `${canary}/history`, query: { before: '-1' } },
    status: 400,
    path: 'query.before',
  },
  {
    name: 'a list filtered by an invalid namespace',
    req: { method: 'GET', path: '/canaries', query: { namespace: '../x' } },
    status: 400,
    path: 'query.namespace',
  },
  {
    name: 'POST /canaries without ?cluster=',
    req: { method: 'POST', path: '/canaries', body: yaml },
    status: 400,
    path: 'query.cluster',
  },
  {
    name: 'POST /canaries with an invalid ?cluster=',
    req: apply(yaml, 'Prod_EU'),
    status: 400,
    path: 'query.cluster',
  },
  {
    name: 'POST /canaries for an unregistered cluster',
    req: apply(yaml, 'nowhere'),
    status: 400,
    path: 'query.cluster',
  },
  {
    name: 'an unknown operator action',
    req: { method: 'POST', path: `${canary}/actions/explode` },
    status: 400,
    path: 'path.action',
  },
  {
    name: 'an unknown gate',
    req: { method: 'POST', path: `${canary}/actions/approve`, query: { gate: 'nope' } },
    status: 400,
    path: 'query.gate',
  },
  {
    name: 'a 1 MiB body',
    req: apply('a'.repeat(1024 * 1024)),
    status: 413,
    path: '',
    message: /^expected a body of at most 262144 bytes$/,
  },
  {
    name: 'a 1 MiB body, base64-encoded',
    req: { ...apply(''), body: Buffer.alloc(1024 * 1024, 97).toString('base64'), base64: true },
    status: 413,
    path: '',
  },
  {
    name: 'POST /clusters with a list',
    req: { method: 'POST', path: '/clusters', body: '[1]' },
    status: 400,
    path: '',
  },
  {
    name: 'POST /clusters with text that is not YAML',
    req: { method: 'POST', path: '/clusters', body: '{"name": ' },
    status: 400,
    path: '',
    message: /^YAML syntax error at line 1/,
  },
  {
    name: 'POST /clusters with a bad name',
    req: { method: 'POST', path: '/clusters', body: '{"name":"A B","kind":"endpoint","server":"http://x"}' },
    status: 400,
    path: 'name',
  },
  {
    name: 'POST /clusters with an empty body',
    req: { method: 'POST', path: '/clusters' },
    status: 400,
    path: '',
  },
  {
    name: 'a cluster nested past the budget',
    req: {
      method: 'POST',
      path: '/clusters',
      body: JSON.stringify({ name: 'x', kind: 'endpoint', extra: nest(40) }),
    },
    status: 400,
    path: `extra${'.a'.repeat(30)}`,
  },
  { name: 'an unknown route', req: { method: 'GET', path: '/secrets' }, status: 404, path: 'path' },
  { name: 'a wrong method', req: { method: 'PATCH', path: '/canaries' }, status: 405, path: 'method' },
  {
    name: 'a canary that does not exist',
    req: { method: 'GET', path: '/canaries/c/test/nope' },
    status: 404,
    path: '',
  },
];

let api: ApiHarness;

beforeAll(async () => {
  api = await startApi();
  const c = await api.send({
    method: 'POST',
    path: '/clusters',
    body: JSON.stringify({ name: 'c', kind: 'endpoint', server: 'http://127.0.0.1:9' }),
  });
  expect(c.status).toBe(201);
  expect((await api.send(apply(yaml))).status).toBe(201);
});
afterAll(() => api?.close());

describe('hostile inputs get their exact status and field path', () => {
  it.each(cases)('$name → $status at "$path"', async ({ req, status, path, message }) => {
    const res = await api.send(req);
    expect({ status: res.status, path: res.body?.errors?.[0]?.path }).toEqual({ status, path });
    if (message) expect(res.body?.errors?.[0]?.message).toMatch(message);
    expect(api.errors).toEqual([]);
  });

  it('accepts a manifest exactly at the budget (31 containers) and stores it', async () => {
    const res = await api.send(apply(withExtra(nest(29))));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      warnings: expect.arrayContaining([expect.stringMatching(/^spec\.extra: unknown field/)]),
    });
  });

  it('prints no process warning a client could trigger (a collection as a YAML key)', async () => {
    const warnings: Error[] = [];
    const listen = (w: Error) => warnings.push(w);
    process.on('warning', listen);
    const res = await api.send({ method: 'PUT', path: '/templates/test/t', body: '? [a]\n: b' });
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', listen);
    expect(res.status).toBe(400);
    expect(warnings).toEqual([]);
  });

  it('accepts a few YAML aliases and resolves them', async () => {
    const body = yaml
      .replace('type: bash', 'type: &t bash')
      .replace("cmd: 'hey", "type: *t\n          cmd: 'hey");
    const res = await api.send(apply(body));
    expect(res.status).toBe(200);
    const got = await api.send({ method: 'GET', path: canary });
    expect(got.body).toMatchObject({
      spec: { analysis: { webhooks: [{}, { metadata: { type: 'bash' } }] } },
    });
  });
});
