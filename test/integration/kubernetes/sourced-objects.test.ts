/**
 * The adapters of MetricTemplates and AlertProviders sourced from a cluster, against the sandbox
 * with the real client-node: metadata-only lists with generations (none while the CRDs are not
 * installed), full reads, and a template's Secret read as Flagger's keys without a value in any
 * error.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { ClusterClients } from '../../../lib/adapters/kubernetes/client.js';
import { kubernetesSecretText } from '../../../lib/adapters/kubernetes/secret-text.js';
import { KubernetesSourcedObjects } from '../../../lib/adapters/kubernetes/sourced-objects.js';
import { startSandbox, type Sandbox } from '../../support/sandbox.js';
import { clientsFor, NS } from './setup.js';

let sandbox: Sandbox;
let k: ClusterClients;
const signal = () => AbortSignal.timeout(10_000);

beforeEach(async () => {
  sandbox = await startSandbox({ namespaces: ['default', NS], rolloutDelayMs: 0 });
  k = await clientsFor(sandbox);
});
afterEach(() => sandbox.close());

async function send(method: string, path: string, body: unknown): Promise<void> {
  const res = await k.raw({
    method,
    path,
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: signal(),
  });
  expect(res.status, await res.text()).toBeLessThan(300);
}

async function installCrds(): Promise<void> {
  const text = readFileSync(new URL('../../../infra/kubernetes/flagger-crds.yaml', import.meta.url), 'utf8');
  for (const doc of parseAllDocuments(text))
    await send('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', doc.toJS());
}

const TEMPLATES = `/apis/flagger.app/v1beta1/namespaces/${NS}/metrictemplates`;
const template = (query: string) => ({
  apiVersion: 'flagger.app/v1beta1',
  kind: 'MetricTemplate',
  metadata: { name: 'latency', namespace: NS },
  spec: { provider: { type: 'prometheus', address: 'http://prometheus.monitoring:9090' }, query },
});

describe('KubernetesSourcedObjects', () => {
  it('lists none while the CRDs are not installed', async () => {
    const objects = new KubernetesSourcedObjects(k);
    expect(await objects.list('template', signal())).toEqual([]);
    expect(await objects.list('alert-provider', signal())).toEqual([]);
  });

  it('lists by metadata with generations, reads one in full, and answers undefined for one that is gone', async () => {
    await installCrds();
    await send('POST', TEMPLATES, template('up'));
    const objects = new KubernetesSourcedObjects(k);
    const mark = sandbox.mark();
    expect(await objects.list('template', signal())).toEqual([
      { namespace: NS, name: 'latency', generation: 1 },
    ]);
    const [list] = sandbox.selectRequests({ since: mark });
    expect(list.accept).toContain('as=PartialObjectMetadataList');
    expect(list.query).toBe('resourceVersion=0');

    const live = (await objects.read('template', NS, 'latency', signal())) as { metadata: object };
    await send('PUT', `${TEMPLATES}/latency`, { ...template('down'), metadata: live.metadata });
    expect((await objects.list('template', signal()))[0].generation).toBe(2);
    expect(await objects.read('template', NS, 'latency', signal())).toMatchObject({
      spec: { query: 'down' },
    });
    expect(await objects.read('template', NS, 'nope', signal())).toBeUndefined();
    expect(await objects.list('alert-provider', signal())).toEqual([]);
  });
});

describe('kubernetesSecretText', () => {
  it("reads a Secret's data as Flagger's keys; a missing one is an error naming it, never a value", async () => {
    await send('POST', `/api/v1/namespaces/${NS}/secrets`, {
      metadata: { name: 'prom-auth', namespace: NS },
      data: { token: Buffer.from('S3cret-T0ken\n').toString('base64') },
    });
    const read = kubernetesSecretText(k, NS, 'sandbox');
    expect(JSON.parse(await read('prom-auth'))).toEqual({ token: 'S3cret-T0ken' });
    await expect(read('nope')).rejects.toThrow('Secret test/nope of cluster sandbox not found');
  });
});
