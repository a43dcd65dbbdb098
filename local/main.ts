/**
 * `npm start` — local mode: the API on a loopback port (PORT, default 8080) behind a bearer token
 * (FLAGGER_API_TOKEN, else one is generated and printed), state on disk under .data/, clusters
 * from the local kubeconfig (KUBECONFIG or ~/.kube/config, current context) and, with
 * `--sandbox`, an embedded sandbox cluster registered as `sandbox`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSandbox } from '../sandbox/apiserver/index.js';
import { localModeEnv } from './config.js';
import { startStack } from './stack.js';

const { values } = parseArgs({
  options: {
    sandbox: { type: 'boolean', default: false },
    'data-dir': { type: 'string', default: join(process.cwd(), '.data', 'local') },
    'prometheus-url': { type: 'string' },
    'slack-url': { type: 'string' },
  },
});

const env = localModeEnv();
const token = env.apiToken ?? randomBytes(18).toString('base64url');
const stack = await startStack({
  token,
  port: env.port,
  dataDir: values['data-dir'],
  prometheusUrl: values['prometheus-url'] ?? env.prometheusUrl,
  slackUrl: values['slack-url'] ?? env.slackUrl,
});

const closers: (() => Promise<void>)[] = [];
if (values.sandbox) {
  const sandbox = await startSandbox({ name: 'sandbox', rolloutDelayMs: 2000, autoCreateNamespaces: true });
  closers.push(() => sandbox.close());
  const kubeconfig = join(process.cwd(), '.data', 'sandbox-kubeconfig.yaml');
  await sandbox.writeKubeconfig(kubeconfig);
  await stack.registerCluster({
    name: 'sandbox',
    kind: 'endpoint',
    server: sandbox.url,
    caData: sandbox.caData,
    token: sandbox.token,
    defaultProvider: 'istio',
  });
  console.log(
    `sandbox cluster "sandbox" at ${sandbox.url} (kubectl: KUBECONFIG=${kubeconfig} kubectl get deploy -A)`,
  );
}

if (existsSync(env.kubeconfigPath)) {
  await stack.registerCluster({
    name: 'local',
    kind: 'kubeconfig',
    kubeconfig: readFileSync(env.kubeconfigPath, 'utf8'),
    defaultProvider: 'istio',
  });
  console.log(`cluster "local" from ${env.kubeconfigPath} (current context)`);
}

console.log(`Flagger Serverless local mode on ${stack.url}`);
console.log(env.apiToken ? 'API token: from FLAGGER_API_TOKEN' : `API token (generated): ${token}`);
console.log(`try: curl -H 'Authorization: Bearer <token>' ${stack.url}/canaries`);
console.log(`  or: FLAGGER_API_URL=${stack.url} FLAGGER_API_TOKEN=<token> npx flagger-serverless get -A`);
console.log(`status page: FLAGGER_API_URL=${stack.url} FLAGGER_API_TOKEN=<token> npx flagger-serverless ui`);

async function shutdown(): Promise<void> {
  await stack.close();
  for (const c of closers) await c();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
