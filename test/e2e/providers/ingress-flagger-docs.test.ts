/**
 * Manifests shaped like those of Flagger's tutorials for the ingress controllers and Kuma
 * (docs/gitbook/tutorials/<provider>-progressive-delivery.md in fluxcd/flagger, v1.44), written by
 * us in test/fixtures/tutorial-shaped/ with the resource kinds and fields each tutorial uses: each
 * MetricTemplate and the Canary (with the tutorial's custom-metric edit) are accepted as-is by the
 * API, and so is the Canary with an A/B analysis shaped like the tutorial's where it has one.
 * Contour's and Kuma's tutorials leave `spec.provider` to Flagger's `-mesh-provider` flag: here the
 * cluster's default provider. None gets a warning: every field they use is implemented (Kuma's
 * `service.apex/canary/primary` annotations included).
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { startControlPlane, type ControlPlane } from '../../support/controlplane.js';

let cp: ControlPlane | undefined;
afterEach(async () => {
  await cp?.close();
  cp = undefined;
});

type Doc = { kind: string; metadata: { name: string; namespace: string }; spec: Record<string, unknown> };

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/tutorial-shaped/${name}`, import.meta.url), 'utf8');

/** A control plane with cluster `c1` whose default provider is `provider`. */
async function plane(provider: string): Promise<ControlPlane> {
  cp = await startControlPlane();
  const cluster = await cp.api('POST', '/clusters', {
    name: 'c1',
    kind: 'endpoint',
    server: 'https://127.0.0.1:1',
    defaultProvider: provider,
  });
  expect(cluster.status, JSON.stringify(cluster.body)).toBe(201);
  return cp;
}

describe.each([
  { provider: 'nginx', templates: ['p99-latency-seconds'] },
  { provider: 'contour', templates: [] },
  { provider: 'gloo', templates: ['share-of-404'] },
  { provider: 'traefik', templates: ['share-of-404'] },
  { provider: 'apisix', templates: ['share-of-404'] },
  { provider: 'kuma', templates: [] },
])("A Canary shaped like Flagger's $provider tutorial", ({ provider, templates }) => {
  const docs = parseAllDocuments(fixture(`${provider}.yaml`)).map((d) => d.toJS() as Doc);
  const canary = docs.find((d) => d.kind === 'Canary')!;

  it('its MetricTemplates and Canary are accepted as-is', async () => {
    const api = await plane(provider);
    const stored = docs.filter((d) => d.kind === 'MetricTemplate');
    expect(stored.map((t) => t.metadata.name)).toEqual(templates);
    for (const t of stored) {
      const put = await api.api('PUT', `/templates/${t.metadata.namespace}/${t.metadata.name}`, t);
      expect(put.status, JSON.stringify(put.body)).toBe(201);
    }
    const created = await api.api('POST', '/canaries', canary, { cluster: 'c1' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.warnings ?? []).toEqual([]);
  });
});

describe.each(['nginx', 'contour', 'gloo'])(
  "An A/B analysis shaped like Flagger's %s tutorial",
  (provider) => {
    it('is accepted as-is in place of the Canary analysis', async () => {
      const canary = parseAllDocuments(fixture(`${provider}.yaml`))
        .map((d) => d.toJS() as Doc)
        .find((d) => d.kind === 'Canary')!;
      const ab = parse(fixture(`${provider}-abtest-analysis.yaml`)) as { analysis: unknown };
      const api = await plane(provider);
      const created = await api.api(
        'POST',
        '/canaries',
        { ...canary, spec: { ...canary.spec, analysis: ab.analysis } },
        { cluster: 'c1' },
      );
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.warnings ?? []).toEqual([]);
    });
  },
);
