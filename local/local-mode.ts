/**
 * Local mode once its command line is understood (local/main.ts): starts the sandbox world when
 * asked (local/sandbox.ts), the stack, registers the clusters, prints what to do next and runs
 * until SIGINT/SIGTERM. A failed start closes what was started and prints one line (exit 1).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { isAbsolute, relative } from 'node:path';
import { RELEASES } from './demo/manifests.js';
import type { LocalModeEnv } from './config.js';
import type { LocalOptions } from './options.js';
import { PODINFO, registerPodinfo, startLocalSandbox, waitForPodinfo, type LocalSandbox } from './sandbox.js';
import { startStack, type Stack } from './stack.js';

/** The API's port is taken (checked before anything starts, and by the listen itself). */
class PortBusyError extends Error {
  override name = 'PortBusyError';
}

const closers: (() => Promise<void>)[] = [];

/** Starts local mode; resolves 0 once it runs (it then stops on a signal), 1 when the start failed. */
export async function runLocalMode(o: LocalOptions, env: LocalModeEnv): Promise<number> {
  try {
    await start(o, env);
    return 0;
  } catch (e) {
    process.stderr.write(`npm start: ${startFailure(e, o)}\n`);
    for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
    return 1;
  }
}

async function start(o: LocalOptions, env: LocalModeEnv): Promise<void> {
  if (o.port !== 0 && !(await portIsFree(o.port))) throw portBusy(o.port);
  const token = env.apiToken ?? randomBytes(18).toString('base64url');
  const print = (line: string) => console.log(line);
  let local: LocalSandbox | undefined;
  if (o.sandbox) {
    local = await startLocalSandbox({
      dataDir: o.dataDir,
      prometheusUrl: o.prometheusUrl,
      usePrometheus: !o.sandboxMetrics,
      prometheusBin: env.prometheusBin,
      print,
    });
    closers.push(local.close.bind(local));
  }
  const stack = await startStack({
    token,
    port: o.port,
    dataDir: o.dataDir,
    prometheusUrl: local ? local.metrics.prometheusUrl : o.prometheusUrl,
    defaultMetrics: local?.metrics.provider,
    slackUrl: o.slackUrl,
    slackSigningSecret: env.slackSigningSecret,
  });
  closers.push(() => stack.close());
  if (local) await registerPodinfo(stack, local, print);
  if (existsSync(env.kubeconfigPath)) {
    await stack.registerCluster({
      name: 'local',
      kind: 'kubeconfig',
      kubeconfig: readFileSync(env.kubeconfigPath, 'utf8'),
      defaultProvider: 'istio',
    });
    print(`cluster "local" from ${env.kubeconfigPath} (current context)`);
  }
  if (local && o.stepEveryMs) stepEvery(stack, o.stepEveryMs);
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  if (local && !(await waitForPodinfo(stack, 180_000)))
    print('warning: the podinfo canary is still Initializing after 3 minutes: see the log above');
  print(`\nFlagger Serverless local mode on ${stack.url} (state in ${shown(o.dataDir)})`);
  print(env.apiToken ? 'API token: from FLAGGER_API_TOKEN' : `API token (generated): ${token}`);
  if (env.slackSigningSecret)
    print(
      `Slack buttons: clicks answered at ${stack.url}/slack/interactions (signed with SLACK_SIGNING_SECRET)`,
    );
  const cli = `FLAGGER_API_URL=${stack.url} FLAGGER_API_TOKEN=${token} npx flagger-serverless`;
  if (local) printRelease(local, stack, cli, o);
  else print(`try: ${cli} get -A\nstatus page: ${cli} ui   (prints a sign-in link to ${stack.url}/ui/)`);
}

/** The three things to do next: release, follow it in the CLI, or on the page. */
function printRelease(local: LocalSandbox, stack: Stack, cli: string, o: LocalOptions): void {
  // The demo's first release: a good version.
  const next = RELEASES[0].image;
  const target = `deployment/${PODINFO.name} podinfod=${next} -n ${PODINFO.namespace}`;
  const kubeconfig = `KUBECONFIG=${shown(local.kubeconfigPath)}`;
  const pace = o.stepEveryMs
    ? `one step every ${o.stepEveryMs / 1000}s, --step-every`
    : 'one step every 10s, its analysis interval: about a minute';
  console.log(`
Make a release: change podinfo's image in the sandbox, with kubectl or without it:
  ${kubeconfig} kubectl set image ${target}
  ${kubeconfig} npm run set-image -- ${target}
Follow it until Succeeded (${pace}):
  ${cli} status ${PODINFO.cluster}/${PODINFO.namespace}/${PODINFO.name} --watch
  or open ${stack.url}/ui/ after signing in with the link this prints: ${cli} ui
Ctrl-C stops local mode; the canary and the sandbox's objects are kept in ${shown(o.dataDir)}.`);
}

/** Runs the podinfo canary's next step every `ms` instead of at its interval (--step-every). */
function stepEvery(stack: Stack, ms: number): void {
  const timer = setInterval(() => {
    stack.stepNow(PODINFO).catch((e: Error) => console.error(`--step-every: ${e.message}`));
  }, ms);
  closers.push(() => Promise.resolve(clearInterval(timer)));
}

let stopping: Promise<void> | undefined;
/** Closes everything once (a second signal, e.g. from both npm and tsx, joins the first), then exits. */
function shutdown(): Promise<void> {
  stopping ??= (async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
    process.exit(0);
  })();
  return stopping;
}

/** `path` relative to the working directory when it lies under it, else as given. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

function portBusy(port: number, cause?: unknown): PortBusyError {
  return new PortBusyError(
    `port ${port} on 127.0.0.1 is busy (another local mode?): stop what uses it, or choose another with PORT=<n> or --port <n>`,
    { cause },
  );
}

/** One line for a failed start. */
function startFailure(e: unknown, o: LocalOptions): string {
  if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') return portBusy(o.port, e).message;
  const message = e instanceof Error ? e.message : String(e);
  if (/LOCK/.test(message)) return `${message} (is another local mode using ${shown(o.dataDir)}?)`;
  return message.split('\n')[0];
}
