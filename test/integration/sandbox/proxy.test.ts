// The service proxy: forwarding (method, path, query, headers, body; Authorization consumed),
// streamed answers, ports by number and name, https endpoints, the proxy-to annotation, kube's
// errors (404, 503, 401, 301), the request log's `proxied` flag, client-node's connect* calls and
// `kubectl get --raw`.
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCertificate } from '../../../sandbox/apiserver/certs.js';
import { PROXY_TO } from '../../../sandbox/apiserver/index.js';
import { hasKubectl, kubeConfigFor, kubectlFor, startSandbox, type Sandbox } from '../../support/sandbox.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A loopback server standing in for a Service: echoes what it received as JSON. */
async function echoServer(secure = false): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const handler = (req: IncomingMessage, res: import('node:http').ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url?.startsWith('/stream')) {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.write('one\n');
        setTimeout(() => res.end('two\n'), 50);
        return;
      }
      res.writeHead(req.method === 'POST' ? 201 : 200, {
        'Content-Type': 'application/json',
        'X-Echo': 'yes',
      });
      res.end(JSON.stringify({ method: req.method, url: req.url, body }));
    });
  };
  const server = secure ? createHttpsServer(await generateCertificate(), handler) : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `${secure ? 'https' : 'http'}://127.0.0.1:${port}`, seen, server };
}

describe('service proxy', () => {
  let sandbox: Sandbox;
  let core: CoreV1Api;
  let plain: Awaited<ReturnType<typeof echoServer>>;
  let secure: Awaited<ReturnType<typeof echoServer>>;
  const proxy = (path: string, init: RequestInit = {}, token: string | undefined = sandbox.token) =>
    fetch(`${sandbox.httpUrl}/api/v1/namespaces/test/services/${path}`, {
      redirect: 'manual',
      ...init,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(init.headers as Record<string, string>),
      },
    });
  const service = (
    name: string,
    ports: { name?: string; port: number }[],
    annotations?: Record<string, string>,
  ) =>
    core.createNamespacedService({
      namespace: 'test',
      body: { metadata: { name, annotations }, spec: { ports } },
    });

  beforeAll(async () => {
    sandbox = await startSandbox({ rolloutDelayMs: 0, namespaces: ['default', 'test'] });
    core = kubeConfigFor(sandbox).makeApiClient(CoreV1Api);
    [plain, secure] = [await echoServer(), await echoServer(true)];
    await service('flagger-loadtester', [{ name: 'http', port: 80 }]);
    await service('prometheus', [{ name: 'web', port: 9090 }, { port: 9091 }]);
    await service('annotated', [{ port: 8080 }], { [PROXY_TO]: plain.url });
    await service('nothing', [{ name: 'http', port: 80 }]);
    sandbox.proxyTargets.set({ namespace: 'test', service: 'flagger-loadtester' }, plain.url);
    sandbox.proxyTargets.set({ namespace: 'test', service: 'prometheus', port: 'web' }, `${plain.url}/prom`);
    sandbox.proxyTargets.set({ namespace: 'test', service: 'prometheus', port: 9091 }, secure.url);
  });
  afterAll(async () => {
    await sandbox.close();
    for (const s of [plain, secure]) s.server.close();
  });

  it('forwards method, path, query, headers and body, consuming Authorization', async () => {
    const response = await proxy('flagger-loadtester:80/proxy/gate/check?a=1&b=x%20y', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Custom': 'v' },
      body: JSON.stringify({ name: 'podinfo' }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-echo')).toBe('yes');
    expect(await response.json()).toEqual({
      method: 'POST',
      url: '/gate/check?a=1&b=x%20y',
      body: '{"name":"podinfo"}',
    });
    const seen = plain.seen.at(-1);
    expect(seen?.headers['x-custom']).toBe('v');
    expect(seen?.headers.authorization).toBeUndefined();
    expect(seen?.headers['x-forwarded-for']).toContain('127.0.0.1');
  });

  it('resolves ports by name or number, adds the target path, and calls https: endpoints over TLS', async () => {
    expect(await (await proxy('prometheus:web/proxy/api/v1/query?query=up')).json()).toMatchObject({
      url: '/prom/api/v1/query?query=up',
    });
    expect(await (await proxy('prometheus:9090/proxy/-/ready')).json()).toMatchObject({
      url: '/prom/-/ready',
    });
    expect(await (await proxy('https:prometheus:9091/proxy/x')).json()).toMatchObject({ url: '/x' });
    expect(secure.seen).toHaveLength(1);
    expect(await (await proxy('annotated/proxy/hook')).json()).toMatchObject({ url: '/hook' });
  });

  it('streams the answer as it comes', async () => {
    const response = await proxy('flagger-loadtester:http/proxy/stream');
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    expect((await reader.read()).value).toBe('one\n');
    expect((await reader.read()).value).toBe('two\n');
  });

  it('answers like kube-apiserver when the service, the port or an endpoint is missing', async () => {
    const status = async (path: string, token?: string) => {
      const response = await proxy(path, {}, token);
      return { code: response.status, body: (await response.json()) as { reason: string; message: string } };
    };
    expect(await status('absent/proxy/')).toMatchObject({
      code: 404,
      body: { message: 'services "absent" not found' },
    });
    expect(await status('nothing:80/proxy/')).toMatchObject({
      code: 503,
      body: { reason: 'ServiceUnavailable', message: 'no endpoints available for service "nothing"' },
    });
    expect(await status('prometheus:1234/proxy/')).toMatchObject({
      code: 503,
      body: { message: 'no service port 1234 found for service "prometheus"' },
    });
    expect(await status('prometheus:metrics/proxy/')).toMatchObject({ code: 503 });
    expect(await status('flagger-loadtester:80/proxy/', 'wrong')).toMatchObject({ code: 401 });
    expect(await status('ftp:flagger-loadtester:80/proxy/')).toMatchObject({ code: 400 });
    // No port: only an unnamed Service port matches (this one is named "http").
    expect(await status('flagger-loadtester/proxy/')).toMatchObject({
      code: 503,
      body: { message: 'no endpoints available for service "flagger-loadtester"' },
    });
    const redirect = await proxy('flagger-loadtester:80/proxy?x=1');
    expect([redirect.status, await redirect.text()]).toEqual([301, '']);
    expect(redirect.headers.get('location')).toBe(
      '/api/v1/namespaces/test/services/flagger-loadtester:80/proxy/?x=1',
    );
    sandbox.proxyTargets.set({ namespace: 'test', service: 'nothing' }, 'http://127.0.0.1:1');
    expect((await status('nothing:80/proxy/')).body.message).toMatch(/^error trying to reach service: /);
    sandbox.proxyTargets.delete({ namespace: 'test', service: 'nothing' });
  });

  it('records proxied calls apart from Kubernetes API calls', async () => {
    const mark = sandbox.mark();
    await proxy('flagger-loadtester:80/proxy/one', { method: 'POST', body: '{}' });
    await core.readNamespacedService({ name: 'prometheus', namespace: 'test' });
    await proxy('flagger-loadtester:80/proxy/two');
    expect(sandbox.requestCount({ since: mark })).toBe(3);
    expect(sandbox.apiRequestCount(mark)).toBe(1);
    expect(sandbox.writes(mark)).toEqual([]);
    expect(
      sandbox.selectRequests({ since: mark, proxied: true }).map((r) => `${r.method} ${r.path} ${r.status}`),
    ).toEqual([
      'POST /api/v1/namespaces/test/services/flagger-loadtester:80/proxy/one 201',
      'GET /api/v1/namespaces/test/services/flagger-loadtester:80/proxy/two 200',
    ]);
    const later = sandbox.mark();
    sandbox.clearRequests(); // marks stay valid
    await core.readNamespacedService({ name: 'prometheus', namespace: 'test' });
    expect([sandbox.apiRequestCount(mark), sandbox.apiRequestCount(later), sandbox.requestCount()]).toEqual([
      1, 1, 1,
    ]);
  });

  it("works with client-node's connect*ServiceProxy calls", async () => {
    // client-node types the answer as a string but parses JSON bodies.
    const answer: unknown = await core.connectGetNamespacedServiceProxyWithPath({
      name: 'flagger-loadtester:http',
      namespace: 'test',
      path: 'healthz',
      path2: 'ignored',
    });
    expect(answer).toMatchObject({ method: 'GET', url: '/healthz?path=ignored' });
  });

  it.skipIf(!hasKubectl)(
    'serves `kubectl get --raw` through the annotation (needs kubectl on PATH)',
    async () => {
      const kubectl = await kubectlFor(sandbox);
      try {
        const out = await kubectl.run([
          'get',
          '--raw',
          '/api/v1/namespaces/test/services/annotated:8080/proxy/from-kubectl',
        ]);
        expect(JSON.parse(out)).toMatchObject({ method: 'GET', url: '/from-kubectl' });
      } finally {
        await kubectl.dispose();
      }
    },
  );
});
