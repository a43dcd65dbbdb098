// Several sandboxes in one process: separate stores, ports, tokens and certificates.
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFailure, kubeConfigFor, startSandbox, type Sandbox } from '../../support/sandbox.js';

describe('two sandboxes at once', () => {
  let east: Sandbox;
  let west: Sandbox;

  beforeAll(async () => {
    [east, west] = await Promise.all([
      startSandbox({ name: 'east' }),
      startSandbox({ name: 'west', token: 'west-token' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([east.close(), west.close()]);
  });

  it('have their own ports, tokens and certificates', () => {
    expect(east.url).not.toBe(west.url);
    expect(east.token).not.toBe(west.token);
    expect(west.token).toBe('west-token');
    expect(east.caData).not.toBe(west.caData);
    expect(Buffer.from(east.caData!, 'base64').toString()).toContain('BEGIN CERTIFICATE');
  });

  it('keep objects apart', async () => {
    const eastCore = kubeConfigFor(east).makeApiClient(CoreV1Api);
    const westCore = kubeConfigFor(west).makeApiClient(CoreV1Api);
    await eastCore.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'cfg' }, data: { at: 'east' } },
    });
    await westCore.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'cfg' }, data: { at: 'west' } },
    });
    expect((await eastCore.readNamespacedConfigMap({ name: 'cfg', namespace: 'default' })).data).toEqual({
      at: 'east',
    });
    expect((await westCore.readNamespacedConfigMap({ name: 'cfg', namespace: 'default' })).data).toEqual({
      at: 'west',
    });
    await westCore.deleteNamespacedConfigMap({ name: 'cfg', namespace: 'default' });
    expect(east.store.get('v1', 'ConfigMap', 'default', 'cfg')).toBeDefined();
    expect(east.writes().map((r) => r.method)).toEqual(['POST']);
    expect(west.writes().map((r) => r.method)).toEqual(['POST', 'DELETE']);
  });

  it("reject each other's tokens and do not trust each other's certificates", async () => {
    const crossToken = kubeConfigFor(west, { token: east.token }).makeApiClient(CoreV1Api);
    expect((await apiFailure(crossToken.listNamespace())).code).toBe(401);
    const crossCa = new KubeConfig();
    crossCa.loadFromOptions({
      clusters: [{ name: 'c', server: west.url, caData: east.caData }],
      users: [{ name: 'u', token: west.token }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    await expect(crossCa.makeApiClient(CoreV1Api).listNamespace()).rejects.toThrow(
      /certificate|self.signed|verify/i,
    );
  });

  it('write kubeconfig files that client-node loads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-kubeconfig-'));
    try {
      const path = join(dir, 'nested', 'config.yaml');
      await east.writeKubeconfig(path, { namespace: 'default' });
      expect(await readFile(path, 'utf8')).toContain('certificate-authority-data');
      const kc = new KubeConfig();
      kc.loadFromFile(path);
      expect(kc.getCurrentContext()).toBe('east');
      expect((await kc.makeApiClient(CoreV1Api).listNamespace()).items.map((n) => n.metadata?.name)).toEqual([
        'default',
      ]);
      const httpKc = new KubeConfig();
      httpKc.loadFromString(east.kubeconfigYaml({ http: true }));
      expect(httpKc.getCurrentCluster()).toMatchObject({ server: east.httpUrl, skipTLSVerify: true });
      expect((await httpKc.makeApiClient(CoreV1Api).listNamespace()).items).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stop serving after close while others keep running', async () => {
    const third = await startSandbox({ https: false });
    const core = kubeConfigFor(third).makeApiClient(CoreV1Api);
    await core.listNamespace();
    await third.close();
    await third.close();
    await expect(core.listNamespace()).rejects.toThrow();
    expect((await kubeConfigFor(east).makeApiClient(CoreV1Api).listNamespace()).items).toHaveLength(1);
  });
});
