/**
 * `npm run set-image -- deployment/NAME CONTAINER=IMAGE… [-n NAMESPACE]`: `kubectl set image` for
 * machines without kubectl. One strategic-merge patch of the Deployment's pod template (containers
 * merge by name, as kubectl's does) through the kubeconfig in KUBECONFIG — default local mode's
 * sandbox, `.data/local/sandbox-kubeconfig.yaml`. The namespace defaults to the context's.
 * Exit codes: 0 patched, 1 the patch failed (one line on stderr), 64 usage error.
 */
import {
  ApiException,
  AppsV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { setImageEnv } from './config.js';

const USAGE = `Usage: npm run set-image -- deployment/NAME CONTAINER=IMAGE... [-n NAMESPACE]
Sets container images of a Deployment, as \`kubectl set image\` does, through KUBECONFIG
(default .data/local/sandbox-kubeconfig.yaml, written by \`npm start -- --sandbox\`).
`;

const { kubeconfigPath } = setImageEnv(process.cwd());
process.exitCode = await main(process.argv.slice(2));

async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (e) {
    process.stderr.write(`set-image: ${(e as Error).message.split('\n')[0]}\n\n${USAGE}`);
    return 64;
  }
  if (args === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!existsSync(kubeconfigPath)) {
    process.stderr.write(
      `set-image: no kubeconfig at ${kubeconfigPath}: start \`npm start -- --sandbox\` first\n`,
    );
    return 1;
  }
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const namespace = args.namespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
  const server = kc.getCurrentCluster()?.server ?? '?';
  const body = { spec: { template: { spec: { containers: args.images } } } };
  try {
    await kc
      .makeApiClient(AppsV1Api)
      .patchNamespacedDeployment(
        { name: args.name, namespace, body },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      );
  } catch (e) {
    const why =
      e instanceof ApiException
        ? e.code === 404
          ? `deployment ${namespace}/${args.name} not found`
          : `HTTP ${e.code} from ${server}`
        : `cannot reach ${server} (${(e as Error).message}): is \`npm start -- --sandbox\` running?`;
    process.stderr.write(`set-image: ${why}\n`);
    return 1;
  }
  console.log(`deployment.apps/${args.name} image updated`);
  return 0;
}

/** The Deployment, its `{ name, image }` pairs and the namespace; throws with a one-line message. */
function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { namespace: { type: 'string', short: 'n' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return 'help' as const;
  const [target, ...pairs] = positionals;
  const name = /^(?:(?:deployment|deployments|deploy)(?:\.apps)?\/)?([a-z0-9][a-z0-9.-]*)$/.exec(
    target ?? '',
  )?.[1];
  if (!name) throw new Error(`expected deployment/NAME, got ${JSON.stringify(target ?? '')}`);
  if (pairs.length === 0) throw new Error('expected at least one CONTAINER=IMAGE');
  const images = pairs.map((p) => {
    const [container, image] = p.split(/=(.*)/s);
    if (!container || !image) throw new Error(`expected CONTAINER=IMAGE, got ${JSON.stringify(p)}`);
    return { name: container, image };
  });
  return { name, images, namespace: values.namespace };
}
