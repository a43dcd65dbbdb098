/**
 * Everything around the packaged stack for a release: an EKS cluster (the sandbox API server
 * behind an EKS-style authenticating endpoint, DescribeCluster answered by the local AWS
 * endpoint), the traffic simulator and a Prometheus scraping it, a Slack receiver whose URL sits
 * in the SSM parameter the template names, and a release engineer with `execute-api:Invoke`.
 */
import { ApiClient } from '../../cli/client.js';
import { signRequest } from '../../cli/sigv4.js';
import { startTrafficSimulator, type TrafficSimulator } from '../../sandbox/traffic/index.js';
import { startPrometheus, type PrometheusServer } from '../support/prometheus.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { startSandbox, type Sandbox } from '../support/sandbox.js';
import { startEksEndpoint, type EksEndpoint } from './eks.js';
import { ensurePackaged } from './package.js';
import { PackagedStack } from './stack.js';
import { ACCOUNT, API_ID, REGION } from './template.js';

export interface World {
  stack: PackagedStack;
  sandbox: Sandbox;
  eks: EksEndpoint;
  simulator: TrafficSimulator;
  prometheus: PrometheusServer;
  slack: Receiver;
  /** The CLI's API client, signing as the release engineer. */
  client: ApiClient;
  /** A request signed as the release engineer (or `as`), as text (the load tester answers text/plain). */
  signed(
    method: string,
    path: string,
    body?: unknown,
    as?: Credentials,
  ): Promise<{ status: number; text: string }>;
  /** What to read when the test fails: each function's last log lines, refusals, denials. */
  report(): string;
  close(): Promise<void>;
}

type Credentials = ReturnType<PackagedStack['user']>;

/** The release engineer: an IAM user, and the deployment's admin (the `admins` parameter). */
const RELEASE_ENGINEER = `arn:aws:iam::${ACCOUNT}:user/release-engineer`;

export async function startWorld(opts: { parameters?: Record<string, string> } = {}): Promise<World> {
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
  };
  try {
    const parameters = { admins: `iam:${RELEASE_ENGINEER}`, ...opts.parameters };
    const dir = ensurePackaged(parameters);
    const stack = await PackagedStack.start({ dir, parameters });
    closers.push(() => stack.close());
    const sandbox = await startSandbox({ rolloutDelayMs: 100, namespaces: ['default', 'test'] });
    closers.push(() => sandbox.close());
    const eks = await startEksEndpoint({
      clusterName: 'prod',
      sandbox,
      callers: stack.aws.callers,
      mapped: [stack.roleFor('step', 'StepRole').arn, stack.roleFor('sweep', 'SweepRole').arn],
    });
    closers.push(() => eks.close());
    stack.aws.state.clusters.set('prod', { endpoint: eks.url, caData: eks.caData });
    const simulator = await startTrafficSimulator({ store: sandbox.store, namespaces: ['test'], rps: 50 });
    closers.push(() => simulator.close());
    const prometheus = await startPrometheus({ targets: [simulator.target] });
    closers.push(() => prometheus.stop());
    const slack = await startReceiver();
    closers.push(() => slack.close());
    stack.aws.state.parameters.set(
      '/flagger-serverless/dev/slack-url',
      `${slack.url}/services/T000/B000/XXXX`,
    );
    const credentials = stack.user('release-engineer', [
      {
        Effect: 'Allow',
        Action: 'execute-api:Invoke',
        Resource: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/*`,
      },
    ]);
    const client = new ApiClient(stack.api.url, { kind: 'sigv4', region: REGION, credentials });
    const report = () =>
      [
        ...[...stack.functions.values()].map(
          (f) => `--- ${f.spec.name}\n${f.logs.lines.slice(-15).join('\n')}`,
        ),
        `--- IAM denials\n${stack.ledger.denials().join('\n')}`,
        `--- HTTP API refused\n${stack.api.refused.join('\n')}`,
        `--- AWS endpoint rejected\n${stack.aws.rejected.join('\n')}`,
        `--- Lambda incidents\n${stack.incidents.map((i) => `${i.function}: ${i.what}`).join('\n')}`,
        `--- EKS refused\n${eks.refused.join('\n')}`,
      ].join('\n');
    const signed = async (method: string, path: string, body?: unknown, as = credentials) => {
      const url = new URL(`${stack.api.url}${path}`);
      const text = body === undefined ? undefined : JSON.stringify(body);
      const headers = await signRequest(
        { method, url, headers: { 'content-type': 'application/json' }, body: text },
        as,
        REGION,
      );
      const res = await fetch(url, { method, headers, body: text });
      return { status: res.status, text: await res.text() };
    };
    return { stack, sandbox, eks, simulator, prometheus, slack, client, signed, report, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Polls `probe` until it returns a value other than undefined. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
