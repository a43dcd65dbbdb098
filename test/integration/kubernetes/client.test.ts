import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClientFactory, type ClusterClients } from '../../../lib/adapters/kubernetes/client.js';
import {
  ConflictError,
  ForbiddenError,
  InvalidError,
  NotFoundError,
  UnavailableError,
} from '../../../lib/adapters/kubernetes/errors.js';
import { Resources } from '../../../lib/adapters/kubernetes/resources.js';
import { startSandbox, type Sandbox } from '../../support/sandbox.js';
import { aTarget } from '../../unit/kubernetes/fixtures.js';
import { clientsFor, NS, signal } from './setup.js';

let sandbox: Sandbox;
let k: ClusterClients;
let stub: Server;
let stubUrl: string;
let stubMode: 'hang' | '503' = 'hang';
const seen: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ namespaces: ['default', NS], rolloutDelayMs: 0 });
  k = await clientsFor(sandbox);
  stub = createServer((req, res) => {
    seen.push(req.headers);
    if (stubMode === '503') {
      res
        .writeHead(503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ kind: 'Status', message: 'etcd unavailable' }));
    }
  });
  await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
  stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
});
afterAll(async () => {
  stub.closeAllConnections();
  await new Promise((r) => stub.close(r));
  await sandbox.close();
});

const endpoint = (server: string, timeoutMs = 5_000) =>
  new ClusterClientFactory({ timeoutMs }).clusterClients({ name: 'x', kind: 'endpoint', server, token: 't' });

describe('typed errors over HTTP', () => {
  it('404 → NotFoundError naming the object', async () => {
    await expect(new Resources(k, NS).getDeployment('nope', signal())).rejects.toSatisfy(
      (e: Error) =>
        e instanceof NotFoundError && e.message.startsWith('Deployment test/nope get failed: not found'),
    );
  });

  it('409 → ConflictError (create of an existing object, stale resourceVersion)', async () => {
    const r = new Resources(k, NS);
    const body = { ...aTarget(), metadata: { name: 'podinfo' } };
    const created = await r.createDeployment(body, signal());
    await expect(r.createDeployment(body, signal())).rejects.toBeInstanceOf(ConflictError);
    await r.patchDeployment('podinfo', { spec: { replicas: 3 } }, signal());
    await expect(r.replaceDeployment(created, signal())).rejects.toSatisfy(
      (e: Error) =>
        e instanceof ConflictError && e.message.startsWith('Deployment test/podinfo update failed: conflict'),
    );
  });

  it('422 → InvalidError', async () => {
    await expect(
      new Resources(k, NS).createService(
        { metadata: { name: 'Not_Valid' }, spec: { ports: [{ port: 80 }] } },
        signal(),
      ),
    ).rejects.toBeInstanceOf(InvalidError);
  });

  it('401 (wrong token) → ForbiddenError', async () => {
    const bad = await new ClusterClientFactory().clusterClients({
      name: 'bad',
      kind: 'endpoint',
      server: sandbox.url,
      caData: sandbox.caData,
      token: 'wrong',
    });
    await expect(new Resources(bad, NS).getDeployment('podinfo', signal())).rejects.toSatisfy(
      (e: Error) =>
        e instanceof ForbiddenError &&
        e.message.startsWith('Deployment test/podinfo get failed: unauthorized'),
    );
  });

  it('5xx → UnavailableError with the status message', async () => {
    stubMode = '503';
    const c = await endpoint(stubUrl);
    await expect(new Resources(c, NS).getService('podinfo', signal())).rejects.toSatisfy(
      (e: Error) =>
        e instanceof UnavailableError &&
        e.message === 'Service test/podinfo get failed: unavailable (HTTP 503) (etcd unavailable)',
    );
    stubMode = 'hang';
  });

  it('a closed port → UnavailableError', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const c = await endpoint(`http://127.0.0.1:${port}`);
    await expect(new Resources(c, NS).getDeployment('podinfo', signal())).rejects.toBeInstanceOf(
      UnavailableError,
    );
  });
});

describe('timeouts and aborts', () => {
  it('a server that never answers times out', async () => {
    const c = await endpoint(stubUrl, 200);
    // The caller never aborts: only the per-call timeout can end this call.
    await expect(
      new Resources(c, NS).getDeployment('podinfo', new AbortController().signal),
    ).rejects.toSatisfy(
      (e: Error) =>
        e instanceof UnavailableError &&
        e.message === 'Deployment test/podinfo get failed: timed out after 200ms',
    );
  });

  it("the caller's signal aborts the request", async () => {
    const c = await endpoint(stubUrl, 10_000);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    await expect(new Resources(c, NS).getDeployment('podinfo', ac.signal)).rejects.toSatisfy(
      (e: Error) =>
        e instanceof UnavailableError &&
        e.message === 'Deployment test/podinfo get failed: aborted by caller',
    );
  });

  it('an already aborted signal fails without a request', async () => {
    const before = seen.length;
    const c = await endpoint(stubUrl);
    await expect(new Resources(c, NS).getDeployment('podinfo', AbortSignal.abort())).rejects.toBeInstanceOf(
      UnavailableError,
    );
    expect(seen.length).toBe(before);
  });
});

describe('cluster records', () => {
  it('a kubeconfig record (YAML, http server) works: http implies skipTLSVerify', async () => {
    const factory = new ClusterClientFactory();
    const c = await factory.clusterClients({
      name: 'kc',
      kind: 'kubeconfig',
      kubeconfig: sandbox.kubeconfigYaml({ http: true }),
    });
    expect(c.kubeConfig.getCurrentCluster()!.skipTLSVerify).toBe(true);
    await expect(new Resources(c, NS).getDeployment('nope', signal())).rejects.toBeInstanceOf(NotFoundError);
    expect(
      await factory.clusterClients({
        name: 'kc',
        kind: 'kubeconfig',
        kubeconfig: sandbox.kubeconfigYaml({ http: true }),
      }),
    ).toBe(c);
  });

  it('an https kubeconfig record verifies the CA', async () => {
    const c = await new ClusterClientFactory().clusterClients({
      name: 'kcs',
      kind: 'kubeconfig',
      kubeconfig: sandbox.kubeconfigYaml(),
    });
    await expect(new Resources(c, NS).getDeployment('nope', signal())).rejects.toBeInstanceOf(NotFoundError);
  });

  it('an eks record resolves the endpoint once and sends a fresh k8s-aws-v1 bearer token', async () => {
    const eks = mockClient(EKSClient);
    eks
      .on(DescribeClusterCommand, { name: 'prod' })
      .resolves({ cluster: { endpoint: stubUrl, certificateAuthority: { data: 'Q0E=' } } });
    stubMode = '503';
    const factory = new ClusterClientFactory({
      eks: (region) => new EKSClient({ region }),
      credentials: () => Promise.resolve({ accessKeyId: 'AKID', secretAccessKey: 'secret' }),
    });
    const record = { name: 'prod', kind: 'eks' as const, eksClusterName: 'prod', region: 'eu-west-1' };
    const c = await factory.clusterClients(record);
    seen.length = 0;
    await expect(new Resources(c, NS).getDeployment('podinfo', signal())).rejects.toBeInstanceOf(
      UnavailableError,
    );
    await expect(
      new Resources(await factory.clusterClients(record), NS).getDeployment('podinfo', signal()),
    ).rejects.toBeInstanceOf(UnavailableError);
    expect(seen[0].authorization).toMatch(/^Bearer k8s-aws-v1\.[A-Za-z0-9_-]+$/);
    const url = new URL(
      Buffer.from(seen[0].authorization!.slice('Bearer k8s-aws-v1.'.length), 'base64url').toString(),
    );
    expect(url.host).toBe('sts.eu-west-1.amazonaws.com');
    expect(eks.commandCalls(DescribeClusterCommand)).toHaveLength(1);
    stubMode = 'hang';
    eks.restore();
  });
});
