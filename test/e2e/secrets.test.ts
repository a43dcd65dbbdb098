/**
 * Secrets never leave (docs/security.md#what-never-leaves). A release is run with recognisable
 * secrets planted everywhere a user can put one — a webhook URL's password and query token and
 * secret metadata, MetricTemplate credentials (a secretRef password, a bearer header, a password in
 * the address, an API-key header, an unknown provider field), cluster credentials (the sandbox
 * token, an inline kubeconfig) and an alert provider's address — while every webhook and metrics
 * server echoes its request back in an error body. Then every output is searched: API answers,
 * the history API, the domain events, the Slack payloads the receiver got, the Kubernetes Events in
 * the sandbox and the logs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../lib/ports/logger.js';
import { startControlPlane, type ControlPlane } from '../support/controlplane.js';
import { echo, startReceiver, type Receiver } from '../support/receiver.js';
import { apply, podinfoCanary, podinfoDeployment, podinfoKey as key } from '../support/release.js';
import { startSandbox, type Sandbox } from '../support/sandbox.js';
import { historyOf, initialize, stepUntilPhase, type World } from '../support/scenario.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

const HOOK_PASSWORD = 'Hook-Passw0rd-1';
const HOOK_TOKEN = 'Hook-Query-T0ken';
const TEMPLATE_PASSWORD = 'Template-Passw0rd';
const ADDRESS_PASSWORD = 'Template-Addr-Passw0rd';
const SLACK_PATH = '/slack/T000/B000/Slack-Path-S3cret';

/** Everything planted, in every form a server could echo it; the sandbox token is added per test. */
const planted = [
  HOOK_PASSWORD,
  `hookuser:${HOOK_PASSWORD}`,
  b64(`hookuser:${HOOK_PASSWORD}`),
  HOOK_TOKEN,
  'Hook-Meta-T0ken',
  TEMPLATE_PASSWORD,
  b64(`promuser:${TEMPLATE_PASSWORD}`),
  'Template-Header-K3y',
  'Template-Bearer-T0ken',
  ADDRESS_PASSWORD,
  b64(`promuser:${ADDRESS_PASSWORD}`),
  'Loose-Bearer-T0ken',
  'Kubeconfig-T0ken-7',
  'Slack-Path-S3cret',
  'Slack-Query-T0ken',
];

let cp: ControlPlane;
let rx: Receiver;
let sandbox: Sandbox;
let logs: unknown[];
/** Every API answer of the test, as received. */
let answers: { call: string; status: number; body: unknown }[];

beforeEach(async () => {
  logs = [];
  answers = [];
  const logger: Logger = {
    info: (message, fields) => logs.push({ level: 'info', message, fields }),
    warn: (message, fields) => logs.push({ level: 'warn', message, fields }),
    error: (message, fields) => logs.push({ level: 'error', message, fields }),
  };
  sandbox = await startSandbox({ name: 'sandbox', rolloutDelayMs: 0, namespaces: ['default', 'test'] });
  rx = await startReceiver();
  const secrets = (ref: { secret?: string }) =>
    ref.secret === 'prom-auth'
      ? Promise.resolve(JSON.stringify({ username: 'promuser', password: TEMPLATE_PASSWORD }))
      : Promise.reject(new Error(`no secret ${ref.secret}`));
  cp = await startControlPlane({ secrets, logger });
});

afterEach(async () => {
  await cp.close();
  await rx.close();
  await sandbox.close();
});

/** Calls the API and keeps the answer for the search. */
async function call(method: string, path: string, body?: unknown, query?: Record<string, string>) {
  const r = await cp.api(method, path, body, query);
  answers.push({ call: `${method} ${path}`, status: r.status, body: r.body });
  return r;
}

async function registerEverything(): Promise<void> {
  const base = rx.url;
  const withUser = (user: string, password: string) => base.replace('//', `//${user}:${password}@`);
  const puts: [string, unknown][] = [
    [
      '/alert-providers/test/slack-alerts',
      { type: 'slack', address: `${base}${SLACK_PATH}?token=Slack-Query-T0ken` },
    ],
    [
      '/templates/test/prom-basic',
      {
        provider: {
          type: 'prometheus',
          address: `${base}/prom-basic`,
          secretRef: { name: 'prom-auth' },
          headers: { 'X-Api-Key': ['Template-Header-K3y'] },
        },
        query: 'up',
      },
    ],
    [
      '/templates/test/prom-bearer',
      {
        provider: {
          type: 'prometheus',
          address: `${base}/prom-bearer`,
          headers: { Authorization: ['Bearer Template-Bearer-T0ken'] },
        },
        query: 'up',
      },
    ],
    [
      '/templates/test/prom-userinfo',
      {
        provider: { type: 'prometheus', address: `${withUser('promuser', ADDRESS_PASSWORD)}/prom-userinfo` },
        query: 'up',
      },
    ],
  ];
  // A field Flagger's MetricTemplate does not have: stored as given, never shown.
  const loose = { type: 'prometheus', address: `${base}/prom-loose`, bearerToken: 'Loose-Bearer-T0ken' };
  puts.push(['/templates/test/prom-loose', { provider: loose, query: 'up' }]);
  for (const [path, body] of puts) expect((await call('PUT', path, body)).status).toBe(201);
  const kubeconfig = `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "https://10.0.0.1:6443" } }]
users: [{ name: u, user: { token: Kubeconfig-T0ken-7 } }]
contexts: [{ name: c, context: { cluster: c, user: u } }]
current-context: c
`;
  expect((await call('POST', '/clusters', { name: 'other', kind: 'kubeconfig', kubeconfig })).status).toBe(
    201,
  );
  expect(
    (
      await call('POST', '/clusters', {
        name: 'sandbox',
        kind: 'endpoint',
        server: sandbox.httpUrl,
        token: sandbox.token,
      })
    ).status,
  ).toBe(201);
  for (const path of [
    '/echo',
    '/event',
    '/prom-basic/api/v1/query',
    '/prom-bearer/api/v1/query',
    '/prom-userinfo/api/v1/query',
  ])
    rx.respond(path, echo(500));
}

const hookUrl = (path: string) =>
  `${rx.url.replace('//', `//hookuser:${HOOK_PASSWORD}@`)}${path}?token=${HOOK_TOKEN}&v=1`;

const canary = () =>
  podinfoCanary(`threshold: 2
maxWeight: 20
stepWeight: 10
metrics:
  - { name: basic, templateRef: { name: prom-basic }, thresholdRange: { min: 1 } }
  - { name: bearer, templateRef: { name: prom-bearer }, thresholdRange: { min: 1 } }
  - { name: userinfo, templateRef: { name: prom-userinfo }, thresholdRange: { min: 1 } }
webhooks:
  - name: echo
    url: "${hookUrl('/echo')}"
    metadata: { apiToken: Hook-Meta-T0ken, cmd: "hey -z 1m" }
  - { name: events, type: event, url: "${hookUrl('/event')}" }
alerts:
  - { name: team, severity: info, providerRef: { name: slack-alerts } }`);

/** Every GET of the API: canaries (list, one, history), templates, clusters, alert providers. */
async function readEverything(): Promise<void> {
  const c = `/canaries/${key.cluster}/${key.namespace}/${key.name}`;
  for (const path of [
    '/canaries',
    c,
    `${c}/history`,
    '/templates',
    '/templates/test/prom-basic',
    '/templates/test/prom-bearer',
    '/templates/test/prom-userinfo',
    '/templates/test/prom-loose',
    '/clusters',
    '/clusters/sandbox',
    '/clusters/other',
    '/alert-providers',
    '/alert-providers/test/slack-alerts',
  ])
    expect((await call('GET', path)).status, path).toBe(200);
}

function found(output: unknown, secrets: readonly string[]): string[] {
  const text = typeof output === 'string' ? output : JSON.stringify(output);
  return secrets.filter((s) => text.includes(s));
}

describe('secrets never leave', () => {
  it('appear in no API answer, history record, event, Slack message, Kubernetes Event or log', async () => {
    await registerEverything();
    const world = { cp, hooks: rx, sandbox, clusters: { sandbox }, close: () => Promise.resolve() } as World;
    await initialize(world, key, canary());
    answers.push({ call: 'registration', status: 201, body: (await historyOf(cp, key)).at(-1) });
    // 6.0.1: the rollout hook fails, echoing its request; 6.0.2: it passes (still echoing) and the
    // metric checks fail, each metrics server echoing its request. Event hooks echo all along.
    await apply(sandbox, podinfoDeployment('podinfo:6.0.1'));
    expect((await stepUntilPhase(cp, key, ['Failed'])).row.status.phase).toBe('Failed');
    rx.respond('/echo', echo(200));
    await apply(sandbox, podinfoDeployment('podinfo:6.0.2'));
    expect((await stepUntilPhase(cp, key, ['Progressing'])).row.status.phase).toBe('Progressing');
    expect((await stepUntilPhase(cp, key, ['Failed'])).row.status.phase).toBe('Failed');
    await readEverything();

    // The secrets were in play: sent to the servers, which echoed them back.
    const sent = JSON.stringify(
      rx.requests.map((r) => ({ path: r.path, query: r.query, headers: r.headers })),
    );
    const secrets = [...planted, sandbox.token];
    expect(found(sent, secrets)).toEqual(
      expect.arrayContaining([
        b64(`hookuser:${HOOK_PASSWORD}`),
        HOOK_TOKEN,
        b64(`promuser:${TEMPLATE_PASSWORD}`),
        'Template-Bearer-T0ken',
        'Template-Header-K3y',
        b64(`promuser:${ADDRESS_PASSWORD}`),
        'Slack-Path-S3cret',
      ]),
    );
    const slack = rx.requestsTo(SLACK_PATH).map((r) => r.rawBody);
    const kubeEvents = sandbox.store.list('v1', 'Event', 'test');
    const outputs = { answers, events: cp.events, slack, kubeEvents, logs };
    const leaks = Object.entries(outputs).map(([name, output]) => [name, found(output, secrets)]);
    expect(Object.fromEntries(leaks)).toEqual({
      answers: [],
      events: [],
      slack: [],
      kubeEvents: [],
      logs: [],
    });

    // …and came back masked, not absent: each output carries an echo with its secrets masked.
    const history = (await historyOf(cp, key)).flatMap((h) => h.checks ?? []) as { explanation?: string }[];
    const echoed = history.map((c) => c.explanation ?? '').filter((e) => e.includes('HTTP 500'));
    expect(echoed.some((e) => e.startsWith('rollout hook') && e.includes('"authorization":"***"'))).toBe(
      true,
    );
    expect(echoed.some((e) => e.includes('Prometheus') && e.includes('"authorization":"***"'))).toBe(true);
    expect(slack.some((m) => m.includes('\\"authorization\\":\\"***\\"'))).toBe(true);
    expect(kubeEvents.some((e) => JSON.stringify(e).includes('\\"authorization\\":\\"***\\"'))).toBe(true);
    expect(logs.some((l) => JSON.stringify(l).includes('\\"authorization\\":\\"***\\"'))).toBe(true);
  });
});
