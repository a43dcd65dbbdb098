/**
 * The Grafana dashboard (infra/grafana) queries only what the step function writes: every
 * CloudWatch metric target names a metric of the FlaggerServerless namespace with exactly one of
 * the dimension sets Powertools emits for it, and the Logs Insights panel reads fields the EMF
 * lines carry. The emitted sets come from running `recordOutcome` on every kind of outcome.
 */
import { readFileSync } from 'node:fs';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import { recordOutcome } from '../../../functions/step/metrics.js';
import type { StepOutcome } from '../../../lib/app/run-step.js';
import { aStatus } from '../../support/builders.js';
import { emitted } from '../../support/emf.js';

interface Target {
  refId: string;
  queryMode: 'Metrics' | 'Logs';
  namespace?: string;
  metricName?: string;
  dimensions?: Record<string, string>;
  matchExact?: boolean;
  expression?: string;
}
interface Dashboard {
  uid: string;
  panels: { id: number; title: string; targets: Target[] }[];
  templating: { list: { name: string; query: unknown }[] };
}

const dashboard = JSON.parse(
  readFileSync(new URL('../../../infra/grafana/flagger-serverless.json', import.meta.url), 'utf8'),
) as Dashboard;

const stepped = (phase: string, from: string) =>
  ({
    kind: 'stepped',
    decision: { status: aStatus({ phase: phase as 'Progressing', canaryWeight: 10, failedChecks: 1 }) },
    record: { key: { cluster: 'prod', namespace: 'test', name: 'podinfo' } },
    from,
  }) as unknown as StepOutcome;

/** `metric → dimension sets` (each sorted and joined) of everything the step function writes. */
function written(): Map<string, Set<string>> {
  const outcomes: StepOutcome[] = [
    stepped('Progressing', 'Progressing'),
    stepped('Succeeded', 'Finalising'),
    stepped('Failed', 'Progressing'),
    { kind: 'skipped', why: 'notDue' },
    { kind: 'failed', error: 'x' },
  ];
  const docs = emitted(() => {
    const m = new Metrics({ namespace: 'FlaggerServerless', serviceName: 'step' });
    for (const o of outcomes) recordOutcome(m, o);
    m.publishStoredMetrics();
  });
  const sets = new Map<string, Set<string>>();
  for (const d of docs) {
    const aws = d._aws as {
      CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
    };
    for (const group of aws.CloudWatchMetrics) {
      expect(group.Namespace).toBe('FlaggerServerless');
      for (const metric of group.Metrics) {
        for (const dims of group.Dimensions) {
          const set = sets.get(metric.Name) ?? new Set<string>();
          set.add([...dims].sort().join(','));
          sets.set(metric.Name, set);
        }
      }
    }
  }
  return sets;
}

describe('the Grafana dashboard', () => {
  const targets = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, ...t })));
  const metrics = targets.filter((t) => t.queryMode === 'Metrics');
  const sets = written();

  it('is a dashboard with panels, each with at least one query', () => {
    expect(dashboard.uid).toBe('flagger-serverless');
    expect(dashboard.panels.length).toBeGreaterThan(0);
    for (const p of dashboard.panels) expect(p.targets.length, p.title).toBeGreaterThan(0);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
  });

  it('queries only metrics the step function writes, with a dimension set it writes them with', () => {
    expect(metrics.length).toBeGreaterThan(0);
    for (const t of metrics) {
      expect(t.namespace, t.panel).toBe('FlaggerServerless');
      expect(sets.has(t.metricName!), `${t.panel}: ${t.metricName}`).toBe(true);
      // CloudWatch matches a dimension set exactly: the query must name all of one written set.
      expect(t.matchExact, t.panel).toBe(true);
      const dims = Object.keys(t.dimensions ?? {})
        .sort()
        .join(',');
      expect([...sets.get(t.metricName!)!], `${t.panel}: ${t.metricName} by ${dims}`).toContain(dims);
    }
  });

  it('covers every metric the step function writes', () => {
    expect(new Set(metrics.map((t) => t.metricName))).toEqual(new Set(sets.keys()));
  });

  it('reads per-canary fields in Logs Insights that the EMF lines carry', () => {
    const logs = targets.filter((t) => t.queryMode === 'Logs');
    expect(logs).toHaveLength(1);
    const perCanary = [...sets.entries()].filter(([, s]) => [...s].some((d) => d.includes('Canary')));
    const fields = new Set(['Cluster', 'Namespace', 'Canary', ...perCanary.map(([m]) => m)]);
    const used = logs[0].expression!.match(/\b[A-Z][A-Za-z]+\b/g)!;
    for (const f of used) expect(fields, f).toContain(f);
  });

  it('has the pickers its queries use', () => {
    const names = new Set(dashboard.templating.list.map((v) => v.name));
    const used = JSON.stringify(dashboard.panels).match(/\$[a-zA-Z]+/g)!;
    for (const v of new Set(used)) expect(names, v).toContain(v.slice(1));
  });
});
