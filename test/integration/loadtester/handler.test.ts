import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHandler } from '../../../functions/loadtester/handler.js';
import { grantsGateGuard } from '../../../lib/app/gate-access.js';
import type { Grant } from '../../../lib/domain/authz/authorize.js';
import { makeLoadtester, MemoryGateStore, silentLogger } from '../../../lib/loadtester/index.js';
import { gateKey } from '../../../lib/ports/gates.js';
import { FakeDocuments } from '../../support/fakes/store.js';
import { reply, startReceiver, type Receiver } from '../../support/receiver.js';

const baseEvent: APIGatewayProxyEventV2 = {
  version: '2.0',
  routeKey: '$default',
  rawPath: '/gate/check',
  rawQueryString: '',
  headers: { 'Content-Type': 'application/json', host: 'abc.execute-api.eu-west-1.amazonaws.com' },
  requestContext: {
    accountId: '123456789012',
    apiId: 'abc',
    domainName: 'abc.execute-api.eu-west-1.amazonaws.com',
    domainPrefix: 'abc',
    http: {
      method: 'POST',
      path: '/gate/check',
      protocol: 'HTTP/1.1',
      sourceIp: '10.0.0.1',
      userAgent: 'flagger',
    },
    requestId: 'r1',
    routeKey: '$default',
    stage: '$default',
    time: '01/Jan/2026:00:00:00 +0000',
    timeEpoch: 1_767_225_600_000,
  },
  body: '{"name":"podinfo","namespace":"test"}',
  isBase64Encoded: false,
};

/** A fresh event per call: the JSON body parser mutates `body` in place. */
function anEvent(
  overrides: Partial<APIGatewayProxyEventV2> & { method?: string } = {},
): APIGatewayProxyEventV2 {
  const event = structuredClone(baseEvent);
  const { method, ...rest } = overrides;
  Object.assign(event, rest);
  event.requestContext.http.path = event.rawPath;
  if (method) event.requestContext.http.method = method;
  return event;
}

const context = { getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

const gates = new MemoryGateStore();
const loadtester = makeLoadtester({ gates, logger: silentLogger });
const handler = makeHandler({ loadtester });
const invoke = async (event: APIGatewayProxyEventV2) =>
  (await handler(event, context)) as APIGatewayProxyStructuredResultV2;

let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(async () => {
  await loadtester.close();
  await rx.close();
});

describe('functions/loadtester handler (API Gateway v2)', () => {
  it('opens and checks a gate through the injected store', async () => {
    expect(await invoke(anEvent())).toMatchObject({ statusCode: 403, body: 'Forbidden' });
    expect(await invoke(anEvent({ rawPath: '/gate/open' }))).toMatchObject({ statusCode: 202 });
    expect(
      await gates.get(gateKey('gate', { name: 'podinfo', namespace: 'test' }), AbortSignal.timeout(10_000)),
    ).toBe(true);
    expect(await invoke(anEvent())).toMatchObject({
      statusCode: 200,
      body: 'Approved',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  });

  it('behind the /loadtester/{proxy+} route serves the proxy part and records who changed a gate', async () => {
    const lines: { message: string; caller?: unknown }[] = [];
    const logged = makeHandler({
      loadtester: makeLoadtester({
        gates,
        logger: {
          info: (message: string, f?: Record<string, unknown>) => lines.push({ message, ...f }),
          error: () => undefined,
        } as never,
      }),
    });
    const event = anEvent({ rawPath: '/loadtester/gate/close', routeKey: 'ANY /loadtester/{proxy+}' });
    event.pathParameters = { proxy: 'gate/close' };
    const arn = 'arn:aws:iam::123456789012:user/release-engineer';
    (event.requestContext as unknown as Record<string, unknown>).authorizer = { iam: { userArn: arn } };
    expect(await logged(event, context)).toMatchObject({ statusCode: 202 });
    expect(lines).toContainEqual(expect.objectContaining({ message: `/gate/close by ${arn}`, caller: arn }));
    expect(
      await gates.get(gateKey('gate', { name: 'podinfo', namespace: 'test' }), AbortSignal.timeout(10_000)),
    ).toBe(false);
  });

  it("asks the grants about the caller API Gateway's authorizer names (a session acts as its role)", async () => {
    const grant: Grant = {
      name: 'team-a',
      principal: 'iam:arn:aws:iam::123456789012:role/team-a',
      actions: ['approve'],
      cluster: 'prod',
      namespace: 'test',
    };
    const guard = grantsGateGuard({ grants: new FakeDocuments({ 'team-a': grant }), bootstrapAdmins: [] });
    const guarded = makeHandler({ loadtester: makeLoadtester({ gates, guard, logger: silentLogger }) });
    const open = (cluster: string, arn?: string) => {
      const body = JSON.stringify({ name: 'guarded', namespace: 'test', metadata: { cluster } });
      const event = anEvent({ rawPath: '/gate/open', body });
      if (arn)
        (event.requestContext as unknown as Record<string, unknown>).authorizer = { iam: { userArn: arn } };
      return guarded(event, context);
    };
    const session = 'arn:aws:sts::123456789012:assumed-role/team-a/ci-7';
    expect(await open('prod', session)).toMatchObject({ statusCode: 202 });
    expect(await open('staging', session)).toMatchObject({
      statusCode: 403,
      body: `forbidden: iam:${session} may not approve in cluster "staging", namespace "test": no grant allows it`,
    });
    expect(await open('prod')).toMatchObject({ statusCode: 403 });
    const key = (cluster: string) => gateKey('gate', { name: 'guarded', namespace: 'test', cluster });
    expect(await gates.get(key('prod'), AbortSignal.timeout(10_000))).toBe(true);
    expect(await gates.get(key('staging'), AbortSignal.timeout(10_000))).toBeUndefined();
  });

  it('strips a named stage from rawPath', async () => {
    const event = anEvent({ rawPath: '/prod/rollback/check' });
    event.requestContext.stage = 'prod';
    expect(await invoke(event)).toMatchObject({ statusCode: 403, body: 'Forbidden' });
  });

  it('decodes base64 bodies of non-JSON content types', async () => {
    const event = anEvent({
      rawPath: '/rollback/open',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.from('{"name":"b64","namespace":"test"}').toString('base64'),
      isBase64Encoded: true,
    });
    expect(await invoke(event)).toMatchObject({ statusCode: 202 });
    expect(
      await gates.get(gateKey('rollback', { name: 'b64', namespace: 'test' }), AbortSignal.timeout(10_000)),
    ).toBe(true);
  });

  it('runs a blocking request check', async () => {
    rx.respond('/ready', reply(200, 'ready'));
    const body = JSON.stringify({
      name: 'podinfo',
      namespace: 'test',
      metadata: { type: 'request', url: `${rx.url}/ready`, expectedBody: 'ready' },
    });
    expect(await invoke(anEvent({ rawPath: '/', body }))).toMatchObject({
      statusCode: 200,
      body: expect.stringMatching(/^request check passed/) as unknown,
    });
  });

  it('answers 400 with the reason for a bad command, and 415 for malformed JSON', async () => {
    const body = JSON.stringify({
      name: 'podinfo',
      namespace: 'test',
      metadata: { cmd: 'sh -c "hey http://x/"' },
    });
    expect(await invoke(anEvent({ rawPath: '/', body }))).toMatchObject({
      statusCode: 400,
      body: expect.stringMatching(/unsupported command "sh"/) as unknown,
    });
    expect(await invoke(anEvent({ body: '{nope' }))).toMatchObject({ statusCode: 415 });
  });

  it('serves /healthz on GET and 405 for other GETs', async () => {
    expect(
      await invoke(anEvent({ rawPath: '/healthz', method: 'GET', body: undefined, headers: {} })),
    ).toMatchObject({ statusCode: 200, body: 'OK' });
    expect(
      await invoke(anEvent({ rawPath: '/gate/check', method: 'GET', body: undefined, headers: {} })),
    ).toMatchObject({ statusCode: 405 });
  });
});
