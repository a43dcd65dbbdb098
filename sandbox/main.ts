/**
 * `npm run sandbox`: starts one sandbox Kubernetes API server (https, self-signed), writes its
 * kubeconfig and waits for Ctrl-C.
 *   --port <n>          https port (default 0 = any free port)
 *   --token <t>         bearer token (default random)
 *   --kubeconfig <path> where to write the kubeconfig (default <repo>/.data/sandbox-kubeconfig.yaml)
 *   --rollout-delay-ms <n>  Deployment/DaemonSet rollout time (default 2000 for a watchable demo)
 *   --data-file <path>  keep the cluster's objects in this JSON file across restarts (default: none)
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startSandbox } from './apiserver/index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    token: { type: 'string' },
    kubeconfig: { type: 'string' },
    'rollout-delay-ms': { type: 'string', default: '2000' },
    'data-file': { type: 'string' },
  },
});

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const kubeconfigPath = resolve(values.kubeconfig ?? resolve(repoRoot, '.data', 'sandbox-kubeconfig.yaml'));
const sandbox = await startSandbox({
  port: Number(values.port),
  token: values.token,
  rolloutDelayMs: Number(values['rollout-delay-ms']),
  dataFile: values['data-file'] && resolve(values['data-file']),
});
await sandbox.writeKubeconfig(kubeconfigPath);

console.log(`sandbox Kubernetes API server listening on ${sandbox.url} (plain http: ${sandbox.httpUrl})`);
console.log(`kubeconfig written to ${kubeconfigPath}`);
if (values['data-file']) console.log(`objects kept in ${resolve(values['data-file'])}`);
console.log(`try: KUBECONFIG=${kubeconfigPath} kubectl get deployments -A`);
console.log('press Ctrl-C to stop');

const shutdown = () => {
  void sandbox.close().then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
// The servers keep the process alive until shutdown.
