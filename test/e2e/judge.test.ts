/**
 * The canary-vs-primary judge end to end: the handlers analyse a canary whose traffic comes from
 * the sandbox traffic simulator (on the control plane's clock, sandbox metrics provider) and
 * compare it with the primary. A latency regression well under the static 500 ms bound is rolled
 * back by the judge; a healthy version is promoted; each judged step's record carries the verdicts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Judgement } from '../../lib/domain/judge/index.js';
import type { CanaryStatus } from '../../lib/domain/status.js';
import type { CanaryRecord, HistoryRecord } from '../../lib/ports/store.js';
import { sandboxMetricsProvider, type TrafficSimulator } from '../../sandbox/traffic/index.js';
import { startControlPlane, type ControlPlane } from '../support/controlplane.js';
import {
  apply,
  expectJudgedSlower,
  initializeCanary,
  JUDGED_ANALYSIS,
  podinfoCanary,
  podinfoDeployment,
  podinfoKey as key,
  simulatedSandbox,
  virtualServiceWeights,
} from '../support/release.js';
import type { Sandbox } from '../support/sandbox.js';

let sandbox: Sandbox | undefined;
let cp: ControlPlane | undefined;
let sim: TrafficSimulator | undefined;

afterEach(async () => {
  await sim?.close();
  await cp?.close();
  await sandbox?.close();
  sim = cp = sandbox = undefined;
});

async function setUp(): Promise<void> {
  let start: number;
  ({ sandbox, sim, start } = await simulatedSandbox(() => cp?.clock.now, { rps: 100 }));
  cp = await startControlPlane({
    metrics: sandboxMetricsProvider(sim),
    start,
  });
  await initializeCanary(cp, sandbox, podinfoCanary(JUDGED_ANALYSIS));
}

/** Steps every 10 s of simulated traffic until `done`, at most `max` steps. */
async function release(
  image: string,
  annotations: Record<string, string>,
  done: (phase: string) => boolean,
  max = 40,
): Promise<{ row: CanaryRecord<CanaryStatus> | undefined; weights: number[] }> {
  await apply(sandbox!, podinfoDeployment(image, annotations));
  let row: CanaryRecord<CanaryStatus> | undefined;
  const weights: number[] = [];
  for (let i = 0; i < max && !done(row?.status.phase ?? ''); i++) {
    for (let s = 0; s < 10; s++) {
      cp!.clock.now += 1000;
      sim!.tick();
    }
    row = await cp!.tick(key, 0);
    const w = virtualServiceWeights(sandbox!)[1];
    if (weights.at(-1) !== w) weights.push(w);
  }
  return { row, weights };
}

async function history(): Promise<HistoryRecord[]> {
  return cp!.core.history.list(key, { limit: 200 }, new AbortController().signal);
}

describe('the judge in a release (traffic simulator, sandbox metrics provider)', () => {
  it('rolls back a canary three times slower than the primary although its P99 stays under the 500 ms bound', async () => {
    await setUp();
    const run = await release(
      'podinfo:6.0.1',
      { 'sandbox.flagger.app/latency-ms': '150' },
      (p) => p === 'Failed',
    );
    expect(run.row?.status).toMatchObject({ phase: 'Failed', canaryWeight: 0, failedChecks: 0 });
    // The static checks passed on the step the judge failed the canary.
    const latency = expectJudgedSlower((await history())[0]);
    expect(latency.explanation).toMatch(/^request-duration: fail — canary P50\/P99 /);
    expect(cp!.events.find((e) => e.type === 'RolledBack')?.message).toMatch(
      /^Canary judged against the primary: /,
    );
  });

  it('promotes a healthy version, every advancing step saying what the judge saw', async () => {
    await setUp();
    const run = await release('podinfo:6.0.1', {}, (p) => p === 'Succeeded', 60);
    expect(run.row?.status.phase).toBe('Succeeded');
    expect(run.weights.slice(0, 6)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(run.row?.status.judge).toBeUndefined();
    const judged = (await history()).filter((h) => h.judgements !== undefined);
    expect(judged.length).toBeGreaterThan(0);
    const promoting = judged.find((h) => h.reason === 'PromotionStarted')!;
    expect((promoting.judgements as Judgement[]).map((j) => j.verdict)).toEqual(['pass', 'pass']);
    expect(promoting.explanation).toMatch(/; judge: request-success-rate: pass/);
  });
});
