/**
 * `npm run bench:soak -- --minutes 10`: local mode with 100 canaries kept in flight — each one
 * released again as soon as its release ends, a good version then a faulty one — sampling this
 * process's heap (after GC), RSS, active handles, abort listeners and queue depth. The world it
 * runs against (sandbox cluster, in-cluster load tester, traffic simulator, Prometheus, Slack
 * receiver: world.ts) runs in a child process, so the figures are local mode's alone. A report,
 * not a test: heap, handles and listeners should stay flat, and nothing should reach stderr.
 * Writes .data/bench/soak.md and prints it.
 *
 * Options: --minutes (default 2), --canaries (default 100), --sample-seconds (default 30),
 * --interval (the canaries' analysis interval, default 30s).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Logger } from '../../../lib/ports/logger.js';
import { DEMO, PODINFO_CANARY, podinfoDeployment } from '../../../local/demo/manifests.js';
import { startStack, type Stack } from '../../../local/stack.js';
import { installProbe, type ListenerCount } from './probe.js';
import { render, type Sample } from './report.js';
import type { World } from './world.js';

const probe = installProbe();

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '2' },
    canaries: { type: 'string', default: '100' },
    'sample-seconds': { type: 'string', default: '30' },
    interval: { type: 'string', default: '30s' },
  },
});
const minutes = Number(values.minutes);
const count = Number(values.canaries);
const sampleMs = Number(values['sample-seconds']) * 1000;

const logged = new Map<string, number>();
const log = (level: string) => (message: string, fields?: Record<string, unknown>) => {
  const error = typeof fields?.error === 'string' ? fields.error.replace(/app\d+/g, 'app*') : '';
  const key = `${level}: ${message}${error ? ` (${error.slice(0, 120)})` : ''}`;
  logged.set(key, (logged.get(key) ?? 0) + 1);
};
const logger: Logger = { info: () => undefined, warn: log('warn'), error: log('error') };

const names = Array.from({ length: count }, (_, i) => `app${i}`);
const releasesOf = new Map<string, number>(names.map((n) => [n, 0]));
/** Canaries given a new version whose step has not picked it up yet. */
const awaiting = new Set<string>();
let phases = new Map<string, number>();
let events = 0;
let releases = 0;

const child = spawn(process.execPath, ['--import', 'tsx', 'test/bench/soak/world.ts'], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
const world = JSON.parse(line) as World;
const stack = await startStack({
  token: 'soak',
  prometheusUrl: world.prometheusUrl,
  slackUrl: world.slackUrl,
  logger,
});
await stack.registerCluster({
  name: DEMO.cluster,
  kind: 'endpoint',
  // Plain http: client-node opens a new connection for every call, and a TLS handshake each time
  // would cost the small machine more CPU than the steps themselves.
  server: world.sandbox.httpUrl,
  token: world.sandbox.token,
  defaultProvider: 'istio',
  serviceProxy: { enabled: true },
});
stack.bus.subscribe(() => {
  events += 1;
  return Promise.resolve();
});
// Spread over one interval, as canaries registered at different times are: registered at once,
// all 100 would step in the same second, every interval.
const spacingMs = (seconds(values.interval) * 1000) / count;
console.log(`registering ${count} canaries, one every ${Math.round(spacingMs)} ms`);
for (const name of names) {
  await apply(name, 'podinfo:6.0.0');
  await register(stack, name);
  await new Promise((r) => setTimeout(r, spacingMs));
}

const started = Date.now();
const samples: Sample[] = [];
let releasing: Promise<void> | undefined;
const releaser = setInterval(() => {
  releasing ??= releaseEnded(stack)
    .catch((e: Error) => console.log(`releaser: ${e.message}`))
    .finally(() => (releasing = undefined));
}, 2_000);
await new Promise<void>((resolve) => {
  const sampler = setInterval(() => {
    const s = sample(stack);
    samples.push(s);
    console.log(
      `${s.atS}s heap ${s.heapMb} MB, rss ${s.rssMb} MB, handles ${s.handles}, abort listeners ${s.listeners.total} (max ${s.listeners.max} on one signal), releases ended ${s.releases}; ${s.phases}`,
    );
    if (Date.now() - started < minutes * 60_000) return;
    clearInterval(sampler);
    resolve();
  }, sampleMs);
});
clearInterval(releaser);
await releasing;
const closing = Date.now();
await stack.close();
const closeMs = Date.now() - closing;
// Servers finish closing their handles on the next turns of the event loop.
for (let i = 0; i < 2; i++) await new Promise((r) => setImmediate(r));
const left = process
  .getActiveResourcesInfo()
  .filter((r) => !['PipeWrap', 'TTYWrap', 'ProcessWrap'].includes(r));
child.stdin.end();
await once(child, 'exit');
const report = render({
  title: `${count} canaries (interval ${values.interval}) in flight for ${minutes} min in local mode (Prometheus metrics)`,
  samples,
  sampleMs,
  probe,
  logged,
  closeMs,
  left,
});
mkdirSync('.data/bench', { recursive: true });
writeFileSync('.data/bench/soak.md', report);
console.log(report);

/** Starts a new release for every canary whose last one ended (or that has not had one). */
async function releaseEnded(s: Stack): Promise<void> {
  const rows = await s.core.store.list({ cluster: DEMO.cluster }, AbortSignal.timeout(30_000));
  const seen = new Map<string, number>();
  for (const row of rows) {
    const phase = (row.status as { phase: string }).phase;
    seen.set(phase, (seen.get(phase) ?? 0) + 1);
    const name = row.key.name;
    if (!['Initialized', 'Succeeded', 'Failed'].includes(phase)) {
      awaiting.delete(name);
      continue;
    }
    if (awaiting.has(name)) continue;
    awaiting.add(name);
    const n = (releasesOf.get(name) ?? 0) + 1;
    releasesOf.set(name, n);
    if (phase !== 'Initialized') releases += 1;
    await apply(name, `podinfo:7.${n}.0${n % 2 === 0 ? '-faulty' : ''}`);
  }
  phases = seen;
}

function sample(s: Stack): Sample {
  global.gc?.();
  const memory = process.memoryUsage();
  const resources = process.getActiveResourcesInfo();
  const types = new Map<string, number>();
  for (const r of resources) types.set(r, (types.get(r) ?? 0) + 1);
  const listeners: ListenerCount = probe.listeners();
  return {
    atS: Math.round((Date.now() - started) / 1000),
    heapMb: round(memory.heapUsed / 2 ** 20),
    rssMb: round(memory.rss / 2 ** 20),
    handles: resources.length,
    handleTypes: [...types].map(([t, n]) => `${t} ${n}`).join(', '),
    listeners,
    queued: s.queue.pending,
    phases: [...phases].map(([p, n]) => `${p} ${n}`).join(', '),
    events,
    releases,
  };
}

/** `30s`, `1m`, `1m30s` in seconds. */
function seconds(duration: string): number {
  let total = 0;
  for (const [, n, unit] of duration.matchAll(/(\d+)([hms])/g))
    total += Number(n) * { h: 3600, m: 60, s: 1 }[unit as 'h' | 'm' | 's'];
  return total;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** The demo's podinfo Deployment, renamed, applied to the sandbox as `kubectl apply --server-side`. */
async function apply(name: string, image: string): Promise<void> {
  const d = podinfoDeployment(image) as {
    metadata: { name: string };
    spec: {
      selector: { matchLabels: Record<string, string> };
      template: { metadata: { labels: Record<string, string> } };
    };
  };
  d.metadata.name = name;
  d.spec.selector.matchLabels.app = name;
  d.spec.template.metadata.labels.app = name;
  const url = `${world.sandbox.httpUrl}/apis/apps/v1/namespaces/${DEMO.namespace}/deployments/${name}?fieldManager=soak&force=true`;
  const res = await fetch(url, {
    method: 'PATCH',
    headers: {
      authorization: `Bearer ${world.sandbox.token}`,
      'content-type': 'application/apply-patch+yaml',
    },
    body: JSON.stringify(d),
  });
  if (res.status >= 300) throw new Error(`apply ${name}: HTTP ${res.status} ${await res.text()}`);
}

/** The demo's Canary, renamed, with the soak's interval. */
async function register(s: Stack, name: string): Promise<void> {
  const manifest = PODINFO_CANARY.replaceAll(`name: ${DEMO.name}`, `name: ${name}`).replace(
    'interval: 10s',
    `interval: ${values.interval}`,
  );
  const res = await fetch(`${s.url}/canaries?cluster=${DEMO.cluster}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/yaml' },
    body: manifest,
  });
  if (res.status !== 201) throw new Error(`register ${name}: HTTP ${res.status} ${await res.text()}`);
}
