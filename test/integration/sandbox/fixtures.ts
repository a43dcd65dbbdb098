// Shared object builders and set-up for the sandbox integration tests.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type V1CustomResourceDefinition,
  type V1Deployment,
} from '@kubernetes/client-node';
import { afterAll, beforeAll } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { kubeConfigFor, startSandbox, type Sandbox } from '../../support/sandbox.js';

/** Call options of client-node's patch methods, one per patch type (its Content-Type). */
export const patchTypes = {
  merge: setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  json: setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
  strategic: setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
  apply: setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
};

/** A sandbox and client-node clients for it. */
export interface SandboxClients {
  sandbox: Sandbox;
  apps: AppsV1Api;
  core: CoreV1Api;
  custom: CustomObjectsApi;
}

/**
 * Starts a sandbox (plain http, no rollout delay) before all tests of the calling describe block
 * and closes it after them; the returned object holds it and its clients once started.
 */
export function sandboxClients(): SandboxClients {
  const clients = {} as SandboxClients;
  beforeAll(async () => {
    const sandbox = await startSandbox({ https: false, rolloutDelayMs: 0 });
    const kc = kubeConfigFor(sandbox);
    Object.assign(clients, {
      sandbox,
      apps: kc.makeApiClient(AppsV1Api),
      core: kc.makeApiClient(CoreV1Api),
      custom: kc.makeApiClient(CustomObjectsApi),
    });
  });
  afterAll(() => clients.sandbox.close());
  return clients;
}

/** CustomObjectsApi coordinates of Istio v1beta1 VirtualServices in `default`. */
export const vsRef = {
  group: 'networking.istio.io',
  version: 'v1beta1',
  namespace: 'default',
  plural: 'virtualservices',
};

/** A Deployment with two containers (app with ports and env, and a sidecar). */
export function deployment(name: string): V1Deployment {
  return {
    metadata: { name, labels: { app: name } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'app:1',
              ports: [{ containerPort: 8080, name: 'http' }],
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
            },
            { name: 'sidecar', image: 'sidecar:1' },
          ],
        },
      },
    },
  };
}

/** The shape virtualService() returns. */
export interface VirtualServiceBody {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec: { hosts: string[]; http: unknown[]; gateways?: string[] };
}

/** An Istio VirtualService routing 100/0 between <name>-primary and <name>-canary. */
export function virtualService(name: string): VirtualServiceBody {
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'VirtualService',
    metadata: { name },
    spec: {
      hosts: [name],
      http: [
        {
          route: [
            { destination: { host: `${name}-primary` }, weight: 100 },
            { destination: { host: `${name}-canary` }, weight: 0 },
          ],
        },
      ],
    },
  };
}

/** Path of the Flagger CRD fixture (infra/kubernetes/flagger-crds.yaml), e.g. for `kubectl apply -f`. */
export const FLAGGER_CRDS = fileURLToPath(
  new URL('../../../infra/kubernetes/flagger-crds.yaml', import.meta.url),
);

/** Flagger's CRDs from the test fixture. */
export async function flaggerCrds(): Promise<V1CustomResourceDefinition[]> {
  const text = await readFile(FLAGGER_CRDS, 'utf8');
  return parseAllDocuments(text).map((d) => d.toJS() as V1CustomResourceDefinition);
}

/** A CRD for `widgets.example.com` with the given scope and a status subresource. */
export function widgetCrd(scope = 'Cluster', name = 'widgets.example.com'): V1CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name },
    spec: {
      group: 'example.com',
      scope,
      names: { kind: 'Widget', plural: 'widgets', listKind: 'WidgetList', singular: 'widget' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', x_kubernetes_preserve_unknown_fields: true } },
        },
      ],
    },
  };
}
