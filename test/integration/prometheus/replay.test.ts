/**
 * Replay against a real Prometheus (Debian's binary) serving a recorded Istio release backfilled
 * with promtool (test/fixtures/replay/recording.ts): a good release and a faulty one (the canary at
 * 8 % errors from the release's third minute), each in its own namespace, the canary's share
 * stepping 10 → 50 % a minute. The use case (lib/app/replay.ts with the real wiring), the CLI as a
 * subprocess, and the commands of docs/analysis.md "Replay a past release" as written.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { replayRelease, type ReplayReport } from '../../../lib/app/replay.js';
import { parseCanary } from '../../../lib/domain/spec/parse.js';
import type { Canary } from '../../../lib/domain/spec/schema.js';
import { replayDeps } from '../../../lib/wiring-replay.js';
import { prometheusAvailability, startPrometheus, type PrometheusServer } from '../../support/prometheus.js';
import { backfill, findPromtool, recordedOpenMetrics } from '../../support/recorded-release.js';
import { RECORDED_START, recordedReleases, recording } from '../../fixtures/replay/recording.js';

const availability = prometheusAvailability('replay');
const promtool = findPromtool(availability.bin);
if (!availability.skip && !promtool)
  console.warn('[replay] SKIPPED: no promtool (PROMTOOL_BIN or /usr/bin/promtool)');
const root = fileURLToPath(new URL('../../../', import.meta.url));

const MINUTE = 60_000;
/** The recorded release's first analysis step, 2026-01-01T10:00:00Z. */
const T0 = RECORDED_START;

function manifest(namespace: string, judge = ''): string {
  return `apiVersion: flagger.app/v1beta1
kind: Canary
metadata:
  name: podinfo
  namespace: ${namespace}
spec:
  provider: istio
  targetRef: { apiVersion: apps/v1, kind: Deployment, name: podinfo }
  service: { port: 9898 }
  analysis:
    interval: 1m
    threshold: 2
    stepWeight: 10
    maxWeight: 50${judge}
    metrics:
      - name: request-success-rate
        threshold: 99
        interval: 1m
      - name: request-duration
        threshold: 500
        interval: 1m
`;
}
const JUDGE = '\n    judge: { enabled: true }';

function canary(text: string): Canary {
  const r = parseCanary(parseYaml(text) as Record<string, unknown>);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.canary;
}

describe.skipIf(availability.skip || !promtool)(
  'replay against a recorded release in a real Prometheus',
  () => {
    let dir: string;
    let prom: PrometheusServer;
    const signal = () => AbortSignal.timeout(30_000);

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'flagger-replay-'));
      const tsdb = await backfill(promtool!, dir, recordedOpenMetrics(recording, recordedReleases));
      // The recording is in the past: a retention shorter than its age would delete its blocks.
      prom = await startPrometheus({
        bin: availability.bin,
        targets: [],
        storage: { path: tsdb, retention: '100y' },
      });
    });

    afterAll(async () => {
      await prom?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    async function replay(namespace: string, judge = '', to = T0 + 9 * MINUTE): Promise<ReplayReport> {
      const deps = replayDeps({ prometheus: prom.url });
      return replayRelease(
        deps,
        { canary: canary(manifest(namespace, judge)), provider: 'istio', from: T0, to },
        signal(),
      );
    }

    const successRates = (r: ReplayReport) =>
      r.steps.map((s) => s.checks.find((c) => c.name === 'request-success-rate')?.value);

    it('the faulty release: the success rate drops to 92 % in the fourth minute; threshold 2 rolls back at +4m', async () => {
      const r = await replay('faulty');
      expect(r.steps.map((s) => [s.action, s.weight, s.failedChecks])).toEqual([
        ['start', 10, 0],
        ['advance', 20, 0],
        ['advance', 30, 0],
        ['failedCheck', 30, 1],
        ['rollback', 30, 2],
      ]);
      const rates = successRates(r);
      expect(rates[1]).toBeGreaterThanOrEqual(99.3);
      expect(rates[2]).toBeGreaterThanOrEqual(99.3);
      expect(rates[3]).toBeCloseTo(92, 0);
      expect(rates[4]).toBeCloseTo(92, 0);
      expect(r.outcome).toMatchObject({ kind: 'rolledBack', at: T0 + 4 * MINUTE });
      expect(r.outcome.explanation).toMatch(
        /^failed checks 2\/2 reached the threshold: request-success-rate 92(\.\d+)?% < 99% minimum/,
      );
      // The recorded canary share of each step's requests: 10 %, 20 %, 30 %, 40 % (what really ran).
      expect(r.steps.slice(1).map((s) => Math.round(s.recordedCanaryPercent!))).toEqual([10, 20, 30, 40]);
      // P99 from Istio's buckets: 99 % of requests at or below 250 ms.
      expect(r.steps[1].checks[1]).toMatchObject({ name: 'request-duration', verdict: 'pass' });
      expect(r.steps[1].checks[1].value).toBeCloseTo(250, -1);
      // The query a step runs (gather.ts: the window as seconds).
      expect(r.steps[3].checks[0].query).toBe(
        'sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="faulty",destination_workload=~"podinfo",response_code!~"5.*"}[60s])) / sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="faulty",destination_workload=~"podinfo"}[60s])) * 100',
      );
    });

    it('the good release is promoted at +5m, one step after reaching maxWeight', async () => {
      const r = await replay('good');
      expect(r.steps.map((s) => [s.action, s.weight])).toEqual([
        ['start', 10],
        ['advance', 20],
        ['advance', 30],
        ['advance', 40],
        ['advance', 50],
        ['promote', 50],
      ]);
      expect(
        successRates(r)
          .slice(1)
          .every((v) => v! >= 99.3),
      ).toBe(true);
      expect(r.outcome).toMatchObject({ kind: 'promoted', at: T0 + 5 * MINUTE });
    });

    it('with the judge: the faulty release is rolled back at +3m, at the first step with its errors', async () => {
      const r = await replay('faulty', JUDGE);
      expect(r.steps.map((s) => s.action)).toEqual(['start', 'advance', 'advance', 'rollback']);
      expect(r.outcome).toMatchObject({ kind: 'rolledBack', at: T0 + 3 * MINUTE });
      const verdicts = r.steps[3].judgements.map((j) => [j.metric, j.verdict]);
      expect(verdicts).toContainEqual(['request-success-rate', 'fail']);
      expect(r.outcome.explanation).toMatch(/^request-success-rate: fail — the canary failed/);
      expect(r.queries['judge request-success-rate canary requests']).toBe(
        'sum(istio_requests_total{reporter="destination",destination_workload_namespace="faulty",destination_workload=~"podinfo"})',
      );
    });

    it('with the judge: the good release is promoted at +5m', async () => {
      const r = await replay('good', JUDGE);
      expect(r.outcome).toMatchObject({ kind: 'promoted', at: T0 + 5 * MINUTE });
      expect(r.steps.at(-1)!.judgements.map((j) => j.verdict)).toEqual(['pass', 'pass']);
    });

    it('a window that ends first: still analysing', async () => {
      const r = await replay('good', '', T0 + 2 * MINUTE + 30_000);
      expect(r.outcome).toMatchObject({ kind: 'analysing', at: T0 + 2 * MINUTE });
      expect(r.steps).toHaveLength(3);
    });

    describe('the CLI, as a subprocess', () => {
      function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
        return new Promise((resolve) => {
          execFile(
            process.execPath,
            [join(root, 'bin/flagger-serverless.js'), ...args],
            {
              cwd: root,
              env: { PATH: process.env.PATH ?? '', PROMETHEUS_TOKEN: 'tok-s3cret' },
              timeout: 60_000,
            },
            (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
          );
        });
      }
      const window = ['--from', new Date(T0).toISOString(), '--to', new Date(T0 + 9 * MINUTE).toISOString()];

      it('faulty: exit 1, a table per step and where it would have rolled back', async () => {
        const file = join(dir, 'faulty.yaml');
        await writeFile(file, manifest('faulty'));
        const r = await cli(['replay', '-f', file, ...window, '--prometheus', prom.url]);
        expect(r.stderr.replace(/^note: .*\n/m, '')).toBe('');
        expect(r.code).toBe(1);
        expect(r.stdout).toMatch(
          /^TIME +WEIGHT +SHARE +FAILED +request-success-rate +request-duration +DECISION$/m,
        );
        expect(r.stdout).toMatch(
          /^10:03:00 +30% +30% +1 +92(\.\d\d)? FAIL +2\d\d(\.\d\d)? ok +failedCheck: /m,
        );
        expect(r.stdout).toMatch(
          /^would have rolled back at 2026-01-01T10:04:00\.000Z because failed checks 2\/2/m,
        );
        expect(r.stdout + r.stderr).not.toContain('tok-s3cret');
      });

      it('good, -o json: exit 0 and the steps as data', async () => {
        const file = join(dir, 'good.yaml');
        await writeFile(file, manifest('good', JUDGE));
        const r = await cli(['replay', '-f', file, ...window, '--prometheus', prom.url, '-o', 'json']);
        expect(r.code).toBe(0);
        const view = JSON.parse(r.stdout);
        expect(view.outcome).toMatchObject({ kind: 'promoted', at: '2026-01-01T10:05:00.000Z' });
        expect(view.steps.map((s: { weight: number }) => s.weight)).toEqual([10, 20, 30, 40, 50, 50]);
      });
    });

    it("docs/analysis.md's commands run as written", async () => {
      const doc = readFileSync(join(root, 'docs/analysis.md'), 'utf8');
      const section = doc.slice(doc.indexOf('\n## Replay a past release\n')).split(/\n## (?!Replay)/)[0];
      const block = /```sh\n([\s\S]*?)```/.exec(section)![1];
      const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          'bash',
          ['-c', `set -e\n${block}`],
          { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }, timeout: 90_000 },
          (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
      });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(
        /^would have rolled back at 2026-01-01T10:04:00\.000Z because failed checks 2\/2/m,
      );
      expect(r.stdout).toMatch(
        /^would have rolled back at 2026-01-01T10:03:00\.000Z because request-success-rate: fail/m,
      );
    });
  },
);
