/**
 * The world the soak benchmark's local mode runs against, in a process of its own so that the
 * benchmark measures local mode alone: the sandbox cluster with Flagger's in-cluster load tester
 * behind its service proxy, the traffic simulator, Prometheus scraping it and a Slack receiver.
 * Prints one JSON line with their addresses, then runs until its standard input closes.
 */
import { startInClusterLoadtester } from '../../../local/demo/environment.js';
import { DEMO } from '../../../local/demo/manifests.js';
import { findPrometheus, startDemoPrometheus } from '../../../local/demo/prometheus.js';
import { startSlackReceiver } from '../../../local/demo/slack.js';
import { startSandbox } from '../../../sandbox/apiserver/index.js';
import { startTrafficSimulator } from '../../../sandbox/traffic/index.js';

/** What the benchmark needs to reach the world. */
export interface World {
  sandbox: { url: string; httpUrl: string; caData?: string; token: string };
  prometheusUrl: string;
  slackUrl: string;
}

const bin = findPrometheus();
if (!bin)
  throw new Error('the soak benchmark needs a prometheus binary (Debian: apt-get install prometheus)');
const closers: (() => Promise<void>)[] = [];
const sandbox = await startSandbox({ rolloutDelayMs: 1500, namespaces: [DEMO.namespace] });
closers.push(() => sandbox.close());
await startInClusterLoadtester(sandbox, closers);
// 5 requests/s per app (the demo sends 20): 100 apps on a small machine, still 100 per 20 s window.
const simulator = await startTrafficSimulator({
  store: sandbox.store,
  namespaces: [DEMO.namespace],
  rps: 5,
});
closers.push(() => simulator.close());
const prometheus = await startDemoPrometheus(bin, [simulator.target]);
closers.push(() => prometheus.stop());
const slack = await startSlackReceiver();
closers.push(() => slack.close());
// The sandbox keeps every request for tests that count them; nobody counts here.
const clearing = setInterval(() => sandbox.clearRequests(), 30_000);

const world: World = {
  sandbox: { url: sandbox.url, httpUrl: sandbox.httpUrl, caData: sandbox.caData, token: sandbox.token },
  prometheusUrl: prometheus.url,
  slackUrl: slack.url,
};
process.stdout.write(`${JSON.stringify(world)}\n`);

process.stdin.resume();
process.stdin.once('end', () => {
  clearInterval(clearing);
  void (async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    process.exit(0);
  })();
});
