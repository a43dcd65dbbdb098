/**
 * The step's read cache (lib/adapters/kubernetes/read-cache.ts) over the sandbox API server with the
 * real client-node: what reaches the server, counted at its request log.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterClients } from '../../../lib/adapters/kubernetes/client.js';
import { ConflictError, NotFoundError } from '../../../lib/adapters/kubernetes/errors.js';
import { withReadCache } from '../../../lib/adapters/kubernetes/read-cache.js';
import { Resources } from '../../../lib/adapters/kubernetes/resources.js';
import type { RequestMark } from '../../../sandbox/apiserver/requests.js';
import { startSandbox, type Sandbox } from '../../support/sandbox.js';
import { aTarget } from '../../unit/kubernetes/fixtures.js';
import { clientsFor, NS, signal } from './setup.js';

let sandbox: Sandbox;
let k: ClusterClients;
let mark: RequestMark;

beforeEach(async () => {
  sandbox = await startSandbox({ namespaces: ['default', NS], rolloutDelayMs: 0 });
  k = await clientsFor(sandbox);
  await new Resources(k, NS).createDeployment(
    { ...aTarget(), metadata: { name: 'podinfo', labels: { team: 'a' } } },
    signal(),
  );
  mark = sandbox.mark();
});
afterEach(() => sandbox.close());

/** `GET /apis/…/podinfo → 200`, one line per request since the test's mark. */
function sent(): string[] {
  return sandbox
    .selectRequests({ since: mark })
    .map((r) => `${r.method} ${r.path}${r.query ? `?${decodeURIComponent(r.query)}` : ''} → ${r.status}`);
}

const step = () => new Resources(withReadCache(k), NS);
const deployments = `/apis/apps/v1/namespaces/${NS}/deployments`;

describe('the read cache of one step', () => {
  it('reads an object once, even when asked concurrently, and hands out independent copies', async () => {
    const r = step();
    const [a, b] = await Promise.all([
      r.getDeployment('podinfo', signal()),
      r.getDeployment('podinfo', signal()),
    ]);
    a.spec!.replicas = 99;
    const c = await r.getDeployment('podinfo', signal());
    expect(sent()).toEqual([`GET ${deployments}/podinfo → 200`]);
    expect([b.spec!.replicas, c.spec!.replicas]).toEqual([2, 2]);
  });

  it('keeps a 404 as absent until a create, and serves the created object without a read', async () => {
    const r = step();
    await expect(r.getDeployment('podinfo-primary', signal())).rejects.toBeInstanceOf(NotFoundError);
    await expect(r.getDeployment('podinfo-primary', signal())).rejects.toBeInstanceOf(NotFoundError);
    await r.createDeployment({ ...aTarget(), metadata: { name: 'podinfo-primary' } }, signal());
    const created = await r.getDeployment('podinfo-primary', signal());
    expect(created.metadata!.uid).toBeDefined();
    expect(sent()).toEqual([`GET ${deployments}/podinfo-primary → 404`, `POST ${deployments} → 201`]);
  });

  it('serves what a PATCH or PUT answered instead of reading again', async () => {
    const r = step();
    await r.getDeployment('podinfo', signal());
    await r.patchDeployment('podinfo', { spec: { replicas: 0 } }, signal());
    expect((await r.getDeployment('podinfo', signal())).spec!.replicas).toBe(0);
    const live = await r.getDeployment('podinfo', signal());
    await r.replaceDeployment({ ...live, spec: { ...live.spec!, replicas: 3 } }, signal());
    expect((await r.getDeployment('podinfo', signal())).spec!.replicas).toBe(3);
    expect(sent()).toEqual([
      `GET ${deployments}/podinfo → 200`,
      `PATCH ${deployments}/podinfo → 200`,
      `PUT ${deployments}/podinfo → 200`,
    ]);
  });

  it('forgets an object whose write failed: the next read goes to the server', async () => {
    const r = step();
    const live = await r.getDeployment('podinfo', signal());
    await new Resources(k, NS).patchDeployment('podinfo', { spec: { replicas: 5 } }, signal());
    await expect(r.replaceDeployment(live, signal())).rejects.toBeInstanceOf(ConflictError);
    expect((await r.getDeployment('podinfo', signal())).spec!.replicas).toBe(5);
    expect(sent().filter((s) => s.startsWith('GET'))).toEqual([
      `GET ${deployments}/podinfo → 200`,
      `GET ${deployments}/podinfo → 200`,
    ]);
  });

  it('keeps the items of a LIST, so that their GETs cost nothing; others are still read', async () => {
    const r = step();
    await r.createService(service('podinfo-canary', { owner: 'me' }), signal());
    await new Resources(k, NS).createService(service('podinfo-primary', { owner: 'me' }), signal());
    await new Resources(k, NS).createService(service('podinfo', {}), signal());
    mark = sandbox.mark();
    expect((await r.listServices('owner=me', signal())).map((s) => s.metadata!.name)).toEqual([
      'podinfo-canary',
      'podinfo-primary',
    ]);
    const got = await Promise.all(
      ['podinfo-canary', 'podinfo-primary', 'podinfo'].map((n) => r.getService(n, signal())),
    );
    expect(got.map((s) => [s.kind, s.metadata!.name, s.spec!.ports![0].port])).toEqual([
      ['Service', 'podinfo-canary', 80],
      ['Service', 'podinfo-primary', 80],
      ['Service', 'podinfo', 80],
    ]);
    expect(sent()).toEqual([
      `GET /api/v1/namespaces/${NS}/services?labelSelector=owner=me → 200`,
      `GET /api/v1/namespaces/${NS}/services/podinfo → 200`,
    ]);
  });

  it('lives one step: the next step reads again', async () => {
    await step().getDeployment('podinfo', signal());
    await step().getDeployment('podinfo', signal());
    expect(sent()).toHaveLength(2);
  });
});

function service(name: string, labels: Record<string, string>) {
  return {
    metadata: { name, namespace: NS, labels },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 80 }] },
  };
}
