/**
 * `npm run bench`: speed and memory of the hot paths, as a report (never as test assertions —
 * these machines are shared and noisy). Writes .data/bench/report.md and prints it.
 *
 * - decide(): pure state machine, per call
 * - parseCanary(): YAML → validated Canary, per manifest
 * - one analysis step end to end (runStep: dynalite + sandbox API server over HTTP)
 * - heap growth over many steps
 * - dispatch of 1k and 10k due canaries (20 ms per SQS call), cold start and bundle sizes
 *   (test/bench/cost/)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { runStep } from '../../lib/app/run-step.js';
import { decide } from '../../lib/domain/decide/index.js';
import { parseCanary } from '../../lib/domain/spec/parse.js';
import { aCanary, anObservation, aStatus, passing } from '../support/builders.js';
import { startControlPlane } from '../support/controlplane.js';
import { apply, podinfoCanary, podinfoDeployment, podinfoKey } from '../support/release.js';
import { startSandbox } from '../support/sandbox.js';
import { benchColdStart, type Timing } from './cost/coldstart.js';
import { benchDispatch } from './cost/dispatch.js';

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

const rows = [benchDecide(), benchParse()];
const steps = await benchSteps();
rows.push(steps.row);
const dispatch = [await benchDispatch(1_000), await benchDispatch(10_000)];
const cold = benchColdStart();
const fmt = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(0));
const coldRow = (what: string, t: Timing, bare: Timing) =>
  `| ${what} | ${t.median.toFixed(0)} ms | ${(t.median / bare.median).toFixed(2)}× | ` +
  `${t.fastest.toFixed(0)} ms | ${(t.fastest / bare.fastest).toFixed(2)}× |`;
const report = [
  `# Benchmark report — ${new Date().toISOString()}`,
  '',
  `Node ${process.version}, ${process.platform}/${process.arch}. Shared machine: compare runs, not absolute numbers.`,
  '',
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
].join('\n');
mkdirSync('.data/bench', { recursive: true });
writeFileSync('.data/bench/report.md', report);
console.log(report);
