/**
 * What stays unsupported is refused by name in the first answer of the API: a Knative canary
 * (shaped like Flagger's tutorial's, which has no spec.service) and a core Service target each
 * get one error naming them, and nothing else.
 */
import { readFileSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../../support/controlplane.js';

let cp: ControlPlane | undefined;
afterEach(async () => {
  await cp?.close();
  cp = undefined;
});

async function register(manifest: string) {
  cp = await startControlPlane();
  const cluster = await cp.api('POST', '/clusters', {
    name: 'c1',
    kind: 'endpoint',
    server: 'https://127.0.0.1:1',
  });
  expect(cluster.status).toBe(201);
  return cp.api('POST', '/canaries', manifest, { cluster: 'c1' });
}

it.each([
  { name: "a canary shaped like Flagger's Knative tutorial", file: 'tutorial-shaped/knative.yaml' },
  { name: "Flagger's Knative canary, without its comments", file: 'podinfo-knative.yaml' },
])('refuses $name with one error naming Knative, and stores nothing', async ({ file }) => {
  const r = await register(readFileSync(new URL(`../../fixtures/${file}`, import.meta.url), 'utf8'));
  expect(r.status).toBe(400);
  expect(r.body.errors).toEqual([
    {
      path: 'spec.provider',
      message: expect.stringMatching(/^Knative is not supported by Flagger Serverless/),
    },
  ]);
  expect((await cp!.api('GET', '/canaries')).body).toMatchObject({ items: [] });
});

it('refuses a core Service target with one error at spec.targetRef.kind', async () => {
  const r = await register(`apiVersion: flagger.app/v1beta1
kind: Canary
metadata: { name: podinfo, namespace: test }
spec:
  provider: kubernetes
  targetRef: { apiVersion: v1, kind: Service, name: podinfo }
  analysis: { interval: 1m, iterations: 10 }
`);
  expect(r.status).toBe(400);
  expect(r.body.errors).toEqual([
    { path: 'spec.targetRef.kind', message: expect.stringMatching(/^Service targets are not supported/) },
  ]);
});
