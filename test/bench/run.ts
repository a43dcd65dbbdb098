/**
 * `npm run bench`: speed and memory of the hot paths, as a report (never as test assertions —
 * these machines are shared and noisy). Writes .data/bench/report.md and prints it.
 *
 * - decide(): pure state machine, per call
 * - parseCanary(): YAML → validated Canary, per manifest
 * - one analysis step end to end (runStep: dynalite + sandbox API server over HTTP)
 * - heap growth over many steps
 * - dispatch of 1k and 10k due canaries (20 ms per SQS call), cold start and bundle sizes
 * - Kubernetes requests and DynamoDB calls per step kind (C = 0 and 2) beside Flagger's, and the
 *   cost model of docs/cost.md computed from them (test/bench/cost/)
 * - what GitOps sourcing costs: one cluster with and without `gitops.enabled` (cost/gitops.ts)
 *
 * `npm run bench -- --cost` runs only the request counts, the cost model and GitOps' counts.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { runStep } from '../../lib/app/run-step.js';
import { decide } from '../../lib/domain/decide/index.js';
import { parseCanary } from '../../lib/domain/spec/parse.js';
import { aCanary, anObservation, aStatus, passing } from '../support/builders.js';
import { startControlPlane } from '../support/controlplane.js';
import { apply, podinfoCanary, podinfoDeployment, podinfoKey } from '../support/release.js';
import { startSandbox } from '../support/sandbox.js';
import { benchCliStart, benchColdStart, type Timing } from './cost/coldstart.js';
import { benchDispatch } from './cost/dispatch.js';
import { benchGitOps } from './cost/gitops.js';
import { gitopsSection } from './cost/gitops-report.js';
import { ASSUMPTIONS, costModel } from './cost/model.js';
import { benchRelease, benchSweep, type Cost } from './cost/requests.js';

interface Row {
  name: string;
  n: number;
  p50: number;
  p95: number;
  max: number;
  unit: string;
}

function stats(name: string, samples: number[], unit: string): Row {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { name, n: s.length, p50: at(0.5), p95: at(0.95), max: s[s.length - 1], unit };
}

function time(fn: () => void, n: number, batch: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    for (let j = 0; j < batch; j++) fn();
    out.push(Number(process.hrtime.bigint() - t) / 1000 / batch);
  }
  return out;
}

function benchDecide(): Row {
  const canary = aCanary({ stepWeight: 10, maxWeight: 50 });
  const status = aStatus({
    phase: 'Progressing',
    canaryWeight: 20,
    lastAppliedSpec: 'rev2',
    lastPromotedSpec: 'rev1',
  });
  const obs = anObservation({ metrics: passing, routes: { primary: 80, canary: 20, mirrored: false } });
  for (let i = 0; i < 2000; i++) decide(canary, status, obs);
  return stats(
    'decide() on a Progressing step',
    time(() => decide(canary, status, obs), 200, 50),
    'µs',
  );
}

function benchParse(): Row {
  const yaml = readFileSync('test/fixtures/podinfo-canary.yaml', 'utf8');
  for (let i = 0; i < 200; i++) parseCanary(yaml);
  return stats(
    'parseCanary() of the podinfo manifest',
    time(() => parseCanary(yaml), 100, 10),
    'µs',
  );
}

async function benchSteps(): Promise<{ row: Row; heapMb: [number, number] }> {
  const sandbox = await startSandbox({ rolloutDelayMs: 0, namespaces: ['default', 'test'] });
  const cp = await startControlPlane();
  const signal = new AbortController().signal;
  try {
    await cp.api('POST', '/clusters', {
      name: 'sandbox',
      kind: 'endpoint',
      server: sandbox.httpUrl,
      token: sandbox.token,
    });
    await apply(sandbox, podinfoDeployment('podinfo:6.0.0'));
    await cp.api('POST', '/canaries', podinfoCanary('threshold: 2\nmaxWeight: 50\nstepWeight: 10'), {
      cluster: 'sandbox',
    });
    await cp.tick(podinfoKey, 0);
    const samples: number[] = [];
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    // Steps of every phase, idle ones included, as before the sweep (which spares idle canaries
    // their steps; test/e2e/scenarios/sweep.test.ts counts what an idle interval costs now).
    const deps = { ...cp.stepDeps, idleReconcileMs: undefined };
    for (let i = 0; i < 200; i++) {
      cp.clock.now += 10_000;
      const t = process.hrtime.bigint();
      await runStep(deps, podinfoKey, signal);
      samples.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (i % 20 === 0) await apply(sandbox, podinfoDeployment(`podinfo:6.0.${i + 1}`));
    }
    global.gc?.();
    const after = process.memoryUsage().heapUsed;
    return {
      row: stats('analysis step (dynalite + sandbox over HTTP)', samples, 'ms'),
      heapMb: [before / 2 ** 20, after / 2 ** 20],
    };
  } finally {
    await cp.close();
    await sandbox.close();
  }
}

const costOnly = process.argv.includes('--cost');
const speed = costOnly ? undefined : await benchSpeed();
const releases = [await benchRelease(0), await benchRelease(2)];
const sweeps = [await benchSweep(1), await benchSweep(20)];
const gitops = [await benchGitOps(false), await benchGitOps(true)];
const model = costModel(releases[0], sweeps[1]);
const fmt = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(0));
const coldRow = (what: string, t: Timing, bare: Timing) =>
  `| ${what} | ${t.median.toFixed(0)} ms | ${(t.median / bare.median).toFixed(2)}× | ` +
  `${t.fastest.toFixed(0)} ms | ${(t.fastest / bare.fastest).toFixed(2)}× |`;
/** The speed benchmarks, in the order they run. */
async function benchSpeed() {
  const rows = [benchDecide(), benchParse()];
  const steps = await benchSteps();
  rows.push(steps.row);
  const dispatch = [await benchDispatch(1_000), await benchDispatch(10_000)];
  return { rows, steps, dispatch, cold: benchColdStart(), cli: benchCliStart() };
}
const report = [
  `# Benchmark report — ${new Date().toISOString()}`,
  '',
  `Node ${process.version}, ${process.platform}/${process.arch}. Shared machine: compare runs, not absolute numbers.`,
  '',
  ...(speed ? speedSection(speed) : ['Request counts only (`--cost`): no timings.', '']),
  ...requestsSection(),
  ...gitopsSection(gitops[0], gitops[1], releases[0].bytes),
  ...(speed ? startSection(speed) : []),
].join('\n');

/** Timings, heap and dispatch. */
function speedSection({ rows, steps, dispatch }: Awaited<ReturnType<typeof benchSpeed>>): string[] {
  return [
    '| what | samples | p50 | p95 | max |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.n} | ${fmt(r.p50)} ${r.unit} | ${fmt(r.p95)} ${r.unit} | ${fmt(r.max)} ${r.unit} |`,
    ),
    '',
    `Heap used around 200 steps: ${steps.heapMb[0].toFixed(1)} MB → ${steps.heapMb[1].toFixed(1)} MB` +
      (global.gc ? ' (after GC)' : ' (run with node --expose-gc for after-GC numbers)'),
    '',
    '## Dispatch (20 ms added per SQS call; goal: 10,000 due canaries ≤ 5 s)',
    '',
    '| due canaries | SendMessageBatch calls | time |',
    '|---|---|---|',
    ...dispatch.map((d) => `| ${d.canaries} | ${d.calls} | ${(d.ms / 1000).toFixed(2)} s |`),
    '',
  ];
}

/** Cold start, bundles and the CLI's start. */
function startSection({ cold, cli }: Awaited<ReturnType<typeof benchSpeed>>): string[] {
  return [
    '## Cold start and bundles (goal: step handler import ≤ 2× bare node; every zip ≤ 1 MB)',
    '',
    ...(cold
      ? [
          '| fresh node, step function environment | median | × bare | fastest | × bare |',
          '|---|---|---|---|---|',
          coldRow('bare `node -e 0`', cold.bare, cold.bare),
          coldRow("import of the step zip's handler module", cold.imported, cold.bare),
          coldRow(
            'import + first invocation (empty batch: use case, wiring, client-node, AWS SDK loaded, clients built)',
            cold.firstUse,
            cold.bare,
          ),
          '',
          '| zip | size |',
          '|---|---|',
          ...cold.zips.map((z) => `| ${z.name} | ${(z.bytes / 2 ** 20).toFixed(2)} MB |`),
        ]
      : ['No .serverless/step.zip: run `npm run package` first for these figures.']),
    '',
    '## CLI start (goal: ≤ 150 ms)',
    '',
    ...(cli
      ? [
          '| fresh node | median | × bare | fastest | × bare |',
          '|---|---|---|---|---|',
          coldRow('bare `node -e 0`', cli.bare, cli.bare),
          coldRow('`flagger-serverless --version`', cli.version, cli.bare),
          coldRow('`flagger-serverless --help`', cli.help, cli.bare),
        ]
      : ['No dist/cli bundle: run `npm run build:cli` first for these figures.']),
    '',
  ];
}
/** The per-step-kind table and the cost model (issue 15's goals beside Flagger's figures). */
function requestsSection(): string[] {
  const [c0, c2] = releases;
  const calls = (c: Cost) =>
    Object.entries(c.dynamodb)
      .sort()
      .map(([op, n]) => `${op} ${n}`)
      .join(', ');
  const row = (kind: string, pick: (r: (typeof releases)[number]) => Cost, flagger: string, goal: string) =>
    `| ${kind} | ${pick(c0).kubernetes} | ${pick(c2).kubernetes} | ${flagger} | ${goal} | ${calls(pick(c0))} |`;
  const [one, many] = sweeps;
  const usd = (v: number) => `$${v < 0.1 ? v.toFixed(4) : v.toFixed(2)}`;
  const s = ASSUMPTIONS;
  return [
    '## Requests per step kind (issue 15; counted, not timed)',
    '',
    'Kubernetes requests at the sandbox (service-proxy calls to Prometheus or webhooks not counted), ' +
      'DynamoDB calls at a counting proxy; C = ConfigMaps + Secrets the pod template references. ' +
      "Flagger's figures are from its v1.44 code, as issue 15 counts them.",
    '',
    '| step kind | Kubernetes, C = 0 | C = 2 | Flagger (C = 0 / 2) | goal | DynamoDB calls (C = 0) |',
    '|---|---|---|---|---|---|',
    row('initialization (all its steps)', (r) => r.initialization, '—', '—'),
    row('progressing (one step raising the weight)', (r) => r.progressing, '21 / 23', '≤ 8 + C'),
    row('promotion (Promoting, Finalising, Succeeded)', (r) => r.promotion, '63 / 73', '≤ 20 + 2C'),
    row(
      `idle: full reconcile step (every ${ASSUMPTIONS.reconcileMinutes} min)`,
      (r) => r.reconcile,
      '14 / 16 every interval',
      '—',
    ),
    `| idle: one quiet minute of a namespace's sweep, ${one.canaries} / ${many.canaries} canaries ` +
      `| ${one.minute.kubernetes} / ${many.minute.kubernetes} | — | — | flat in canaries ` +
      `| ${calls(one.minute)} / ${calls(many.minute)}; steps queued ${one.steps} / ${many.steps} |`,
    `| idle, per canary-minute (reference fleet) | ${model.idleRequestsPerCanaryMinute.toFixed(2)} | — ` +
      `| 14 / 16 | ≤ 1 | — |`,
    '',
    `A release (${c0.release.steps} steps, C = 0): ${c0.release.kubernetes} Kubernetes requests, DynamoDB ${calls(c0.release)}; ` +
      `its notifications (the notify function): DynamoDB ${calls({ ...c0.release, dynamodb: c0.release.notifications })}. ` +
      `Row ${c0.bytes.row} B, history record ${c0.bytes.history} B (DynamoDB's sizing rules).`,
    '',
    `## Cost model (docs/cost.md): ${ASSUMPTIONS.canaries} canaries in ${ASSUMPTIONS.namespaces} namespaces of one cluster`,
    '',
    `Assumed: ${s.memoryGb * 1024} MB arm64 functions billed ${s.stepSeconds * 1000} ms per step, ${s.sweepSeconds * 1000} ms per sweep, ` +
      `${s.dispatchSeconds * 1000} ms per dispatch; ${s.sqsPerMessage} SQS requests per message; ${s.logBytes} log bytes per invocation.`,
    '',
    '| what | dollars | goal |',
    '|---|---|---|',
    `| one idle canary, per month | ${usd(model.idleCanaryMonth)} | ≤ $0.01 |`,
    `| — its share of the sweeps and dispatch | ${usd(model.sweepShareMonth)} | |`,
    `| — its full reconcile every ${ASSUMPTIONS.reconcileMinutes} min (default) | ${usd(model.reconcileMonth(ASSUMPTIONS.reconcileMinutes))} | |`,
    `| — its full reconcile every 60 min (RECONCILE_SECONDS=3600) | ${usd(model.reconcileMonth(60))} | |`,
    `| one release | ${usd(model.release)} | — |`,
    `| the cluster's ${ASSUMPTIONS.canaries} canaries idle, per month | ${usd(model.idleClusterMonth)} | — |`,
    '',
  ];
}

mkdirSync('.data/bench', { recursive: true });
writeFileSync('.data/bench/report.md', report);
console.log(report);
