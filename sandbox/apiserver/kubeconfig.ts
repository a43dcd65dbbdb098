/**
 * Kubeconfig documents for a sandbox: one cluster, one token user, one context, as kubectl and
 * client-node's `loadFromString`/`loadFromFile` read them. An http server gets
 * `insecure-skip-tls-verify: true` (client-node refuses http:// without it; kubectl will not send the
 * token over http, so use the https server for kubectl).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

/** Inputs for one kubeconfig. */
export interface KubeconfigInput {
  /** Used for the cluster, user and context names. */
  name: string;
  server: string;
  token: string;
  /** Base64 PEM CA bundle for https servers. */
  caData?: string;
  /** Default namespace of the context. */
  namespace?: string;
}

/** The kubeconfig object (`apiVersion: v1, kind: Config`). */
export type KubeconfigDocument = Record<string, unknown>;

/** Builds the kubeconfig object. */
export function buildKubeconfig(input: KubeconfigInput): KubeconfigDocument {
  const cluster: Record<string, unknown> = { server: input.server };
  if (input.caData) cluster['certificate-authority-data'] = input.caData;
  if (input.server.startsWith('http:')) cluster['insecure-skip-tls-verify'] = true;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: input.name, cluster }],
    users: [{ name: input.name, user: { token: input.token } }],
    contexts: [
      {
        name: input.name,
        context: {
          cluster: input.name,
          user: input.name,
          ...(input.namespace ? { namespace: input.namespace } : {}),
        },
      },
    ],
    'current-context': input.name,
    preferences: {},
  };
}

/** The kubeconfig as YAML text. */
export function kubeconfigYaml(doc: KubeconfigDocument): string {
  return stringify(doc);
}

/** Writes the kubeconfig as YAML (mode 0600), creating parent directories. */
export async function writeKubeconfigFile(path: string, doc: KubeconfigDocument): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, kubeconfigYaml(doc), { mode: 0o600 });
}
