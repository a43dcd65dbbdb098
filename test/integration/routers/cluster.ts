/**
 * One sandbox cluster for the router integration tests, reached by the production cluster clients
 * (kubernetes/client.ts) over https with the sandbox's self-signed CA.
 */
import { makeClusterClients, type ClusterClients } from '../../../lib/adapters/kubernetes/client.js';
import type { RecordedRequest } from '../../../sandbox/apiserver/index.js';
import { kubeConfigFor, startSandbox, type Sandbox } from '../../support/sandbox.js';

/** A running sandbox plus cluster clients bound to it. */
export interface TestCluster {
  sandbox: Sandbox;
  clients: ClusterClients;
}

/** Starts a sandbox with namespace `test` and builds the cluster clients from a KubeConfig for it. */
export async function startCluster(): Promise<TestCluster> {
  const sandbox = await startSandbox({ namespaces: ['default', 'test'], rolloutDelayMs: 0 });
  return { sandbox, clients: makeClusterClients('sandbox', { kubeConfig: kubeConfigFor(sandbox) }) };
}

/** Requests other than GET, as `METHOD path` lines (easy to read in a failing assertion). */
export function writes(sandbox: Sandbox): string[] {
  return sandbox.writes().map((r: RecordedRequest) => `${r.method} ${r.path}`);
}

/** A signal that never aborts. */
export const never = new AbortController().signal;
