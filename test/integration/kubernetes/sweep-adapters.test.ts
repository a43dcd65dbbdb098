/**
 * The sweep's two Kubernetes adapters against the sandbox, with the real client-node: the ledger
 * that records what a step's own requests saw (no extra request), and the metadata-only lists the
 * sweep compares it with (no Secret data on the wire; cache reads).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterClients } from '../../../lib/adapters/kubernetes/client.js';
import { KubernetesEventRecorder, WrittenEvents } from '../../../lib/adapters/kubernetes/events.js';
import { MetadataInventory } from '../../../lib/adapters/kubernetes/inventory.js';
import { ObjectLedger, withLedger } from '../../../lib/adapters/kubernetes/object-ledger.js';
import { KubernetesScaler } from '../../../lib/adapters/kubernetes/scaler.js';
import { KubernetesWorkloads } from '../../../lib/adapters/kubernetes/workloads.js';
import { aCanary } from '../../support/builders.js';
import { startSandbox, type Sandbox } from '../../support/sandbox.js';
import { clientsFor, NS, seed, signal } from './setup.js';

let sandbox: Sandbox;
let k: ClusterClients;

beforeEach(async () => {
  sandbox = await startSandbox({ namespaces: ['default', NS], rolloutDelayMs: 0 });
  k = await clientsFor(sandbox);
  await seed(k);
});
afterEach(() => sandbox.close());

const generation = (name: string) =>
  (sandbox.store.get('apps/v1', 'Deployment', NS, name)?.metadata as { generation: number }).generation;

describe('ObjectLedger', () => {
  it("records the stamps of a step's own answers, and makes no request of its own", async () => {
    const ledger = new ObjectLedger();
    const clients = withLedger(k, ledger);
    const canary = aCanary();
    await new KubernetesWorkloads({ clients }).bootstrap(canary, signal());
    await new KubernetesScaler(clients).scaleToZero(canary, signal());

    const stamps = ledger.stamps();
    expect(stamps['apps/v1/deployments/test/podinfo']).toBe(`g${generation('podinfo')}`);
    expect(stamps['apps/v1/deployments/test/podinfo-primary']).toBe(`g${generation('podinfo-primary')}`);
    expect(stamps['v1/services/test/podinfo-canary']).toMatch(/^[gr]\d+$/);
    expect(stamps['v1/configmaps/test/podinfo-env-primary']).toMatch(/^[gr]\d+$/);
    // A referenced Secret that does not exist was read as a 404.
    expect(stamps['v1/secrets/test/podinfo-secret-projected']).toBe('-');

    // The same (idempotent) bootstrap with and without the ledger: the same requests.
    let mark = sandbox.mark();
    await new KubernetesWorkloads({ clients }).bootstrap(canary, signal());
    const withIt = sandbox.selectRequests({ since: mark }).map((r) => `${r.method} ${r.path}`);
    mark = sandbox.mark();
    await new KubernetesWorkloads({ clients: k }).bootstrap(canary, signal());
    expect(sandbox.selectRequests({ since: mark }).map((r) => `${r.method} ${r.path}`)).toEqual(withIt);
  });

  it('says whether the step changed the cluster: not by re-applying what is there, nor by an Event', async () => {
    const canary = aCanary();
    await new KubernetesWorkloads({ clients: k }).bootstrap(canary, signal());
    const ledger = new ObjectLedger();
    const clients = withLedger(k, ledger);
    await new KubernetesWorkloads({ clients }).bootstrap(canary, signal());
    const event = { type: 'Normal' as const, reason: 'Synced', message: 'nothing new' };
    await new KubernetesEventRecorder(clients, new WrittenEvents()).record(
      canary,
      event,
      new Date(),
      signal(),
    );
    expect(ledger.wrote).toBe(false);
    await new KubernetesScaler(clients).scaleToZero(canary, signal());
    expect(ledger.wrote).toBe(true);
  });

  it('keeps what the step saw when someone else changes the object during the step', async () => {
    const ledger = new ObjectLedger();
    const clients = withLedger(k, ledger);
    const canary = aCanary();
    await new KubernetesWorkloads({ clients }).revision(canary, signal());
    const seen = generation('podinfo');
    // A new image arrives while the step runs; the step then scales the target to zero.
    await k.apps.patchNamespacedDeployment({
      name: 'podinfo',
      namespace: NS,
      body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'podinfo:6.0.1' }],
    });
    await new KubernetesScaler(clients).scaleToZero(canary, signal());
    expect(generation('podinfo')).toBe(seen + 2);
    expect(ledger.stamps()['apps/v1/deployments/test/podinfo']).toBe(`g${seen}`);
  });
});

describe('MetadataInventory', () => {
  const inventory = () => new MetadataInventory(() => Promise.resolve(k));

  it('lists names and stamps only, from the cache, one request per collection', async () => {
    const mark = sandbox.mark();
    const listing = await inventory().stamps(
      'sandbox',
      [
        { apiVersion: 'v1', resource: 'secrets', namespace: NS },
        { apiVersion: 'apps/v1', resource: 'deployments', namespace: NS },
      ],
      signal(),
    );
    expect(listing.failed).toEqual(new Map());
    expect(listing.stamps.get('apps/v1/deployments/test/podinfo')).toBe(`g${generation('podinfo')}`);
    expect(listing.stamps.get('v1/secrets/test/podinfo-secret-env')).toMatch(/^[gr]\d+$/);
    const sent = sandbox.selectRequests({ since: mark });
    expect(sent.map((r) => `${r.method} ${r.path}?${r.query} ${r.accept}`).sort()).toEqual([
      'GET /api/v1/namespaces/test/secrets?resourceVersion=0 application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1',
      'GET /apis/apps/v1/namespaces/test/deployments?resourceVersion=0 application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1',
    ]);
  });

  it('never carries Secret data: what the API answers to its request', async () => {
    const res = await k.raw({
      method: 'GET',
      path: '/api/v1/namespaces/test/secrets?resourceVersion=0',
      headers: { accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1' },
      signal: signal(),
    });
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ kind: 'PartialObjectMetadataList' });
    expect(text).not.toContain('djE=');
    expect(text).not.toContain('"data"');
  });

  it('lists a resource the cluster does not serve as empty, and reports one it may not list', async () => {
    const denied = new MetadataInventory(() =>
      clientsFor({ ...sandbox, url: sandbox.url, token: 'wrong' } as Sandbox),
    );
    const missing = { apiVersion: 'example.com/v1', resource: 'widgets', namespace: NS };
    expect(await inventory().stamps('sandbox', [missing], signal())).toEqual({
      stamps: new Map(),
      failed: new Map(),
    });
    const listing = await denied.stamps(
      'sandbox',
      [{ apiVersion: 'apps/v1', resource: 'deployments', namespace: NS }],
      signal(),
    );
    expect([...listing.failed.keys()]).toEqual(['apps/v1|deployments|test']);
    expect([...listing.failed.values()][0]).toMatch(/HTTP 401/);
  });
});
