/**
 * A control plane whose DynamoDB calls are counted (test/support/dynamo-calls.ts), with a sandbox
 * registered as cluster `sandbox`: what the request-count tests and the cost bench share.
 */
import type { MetricsProvider } from '../../lib/ports/metrics.js';
import { startControlPlane, type ControlPlane } from './controlplane.js';
import { countDynamoCalls, type DynamoCalls } from './dynamo-calls.js';
import { startDynamo, type LocalDynamo } from './dynamo.js';
import { startSandbox, type Sandbox } from './sandbox.js';

export interface Counted {
  sandbox: Sandbox;
  dyn: LocalDynamo;
  calls: DynamoCalls;
  cp: ControlPlane;
  close(): Promise<void>;
}

/** `gitops`: the cluster's record opts in to GitOps sourcing (docs/gitops.md). */
export async function startCounted(
  opts: { metrics?: MetricsProvider; gitops?: boolean } = {},
): Promise<Counted> {
  const sandbox = await startSandbox({ name: 'sandbox', rolloutDelayMs: 0, namespaces: ['default', 'test'] });
  const dyn = await startDynamo();
  const calls = await countDynamoCalls(dyn.endpoint);
  const cp = await startControlPlane({
    metrics: opts.metrics,
    env: { TABLE_NAME: dyn.table, DYNAMODB_ENDPOINT: calls.endpoint },
  });
  const r = await cp.api('POST', '/clusters', {
    name: 'sandbox',
    kind: 'endpoint',
    server: sandbox.httpUrl,
    token: sandbox.token,
    ...(opts.gitops && { gitops: { enabled: true } }),
  });
  if (r.status !== 201) throw new Error(`cluster not registered: ${JSON.stringify(r.body)}`);
  return {
    sandbox,
    dyn,
    calls,
    cp,
    close: async () => {
      await cp.close();
      await calls.close();
      await dyn.close();
      await sandbox.close();
    },
  };
}
