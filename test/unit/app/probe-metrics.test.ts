/**
 * The metrics provider probe at initialization (lib/app/probe-metrics.ts, Flagger's
 * checkMetricProviderAvailability) through runStep on fakes: one probe per distinct provider per
 * initializing step, none later; a warning Event and log line per provider that does not answer,
 * naming its template and never its address or secret.
 */
import { describe, expect, it } from 'vitest';
import type { StepOutcome } from '../../../lib/app/run-step.js';
import type { MetricSpec } from '../../../lib/domain/spec/schema.js';
import type { MetricTemplate } from '../../../lib/ports/metrics.js';
import { aCanary } from '../../support/builders.js';
import { anAppWorld, initialized, nextStep, register, stepUntil, type AppWorld } from './harness.js';

const ADDRESS = 'https://user:pa55word@prometheus.example.com:9090';

const templates: MetricTemplate[] = [
  {
    name: 'errors',
    namespace: 'test',
    provider: { type: 'prometheus', address: ADDRESS, secretRef: { name: 'prom-auth' } },
    query: 'sum(rate(errors[1m]))',
  },
  {
    name: 'not-found',
    namespace: 'test',
    provider: { type: 'datadog', address: 'https://api.datadoghq.eu', secretRef: { name: 'dd-keys' } },
    query: 'avg:404{*}',
  },
  { name: 'alb-5xx', namespace: 'ops', provider: { type: 'cloudwatch', region: 'eu-west-1' }, query: '[]' },
];

let checks = 0;
/** A check on template `name` (its own check name each time). */
const ref = (name: string, namespace?: string): MetricSpec => ({
  name: `${name}-${++checks}`,
  templateRef: { name, namespace },
  thresholdRange: { max: 1 },
  interval: '1m',
});

/** Two builtins, two checks on `errors`, one on `not-found`, one on `ops/alb-5xx`. */
const metrics: MetricSpec[] = [
  { name: 'request-success-rate', threshold: 99, interval: '1m' },
  { name: 'request-duration', threshold: 500, interval: '1m' },
  ref('errors'),
  ref('errors'),
  ref('not-found'),
  ref('alb-5xx', 'ops'),
];

function aWorld(): AppWorld {
  const w = anAppWorld();
  for (const t of templates) w.resolver.templates.set(`${t.namespace}/${t.name}`, t);
  return w;
}

/** isOnline calls per server: `default` and each template's `namespace/name`. */
function probes(w: AppWorld): Record<string, number> {
  const counts: Record<string, number> = { default: w.cluster.metricsServer.calls.count('isOnline') };
  for (const [at, server] of w.cluster.templateServers) counts[at] = server.calls.count('isOnline');
  return counts;
}

const initializing = (outcomes: StepOutcome[]) =>
  outcomes.filter((o) => o.kind === 'stepped' && o.from === 'Initializing').length;

const warnings = (w: AppWorld) =>
  w.cluster.events.recorded.filter((e) => e.reason === 'MetricsProviderUnavailable');

describe('metrics provider probe at initialization', () => {
  it('probes each distinct provider once per initializing step: the default server and each template', async () => {
    const w = aWorld();
    await register(w, aCanary({ metrics }));
    const outcomes = await stepUntil(w, ['Initialized']);

    expect(initializing(outcomes)).toBe(2);
    expect(probes(w)).toEqual({ default: 2, 'test/errors': 2, 'test/not-found': 2, 'ops/alb-5xx': 2 });
    expect(warnings(w)).toEqual([]);
    expect(w.logger.lines.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('probes nothing once initialized: an idle or progressing canary asks no provider whether it is online', async () => {
    const w = aWorld();
    await initialized(w, aCanary({ metrics }));
    const before = probes(w);
    const idle = [await nextStep(w), await nextStep(w)];
    expect(idle.map((o) => o.kind === 'stepped' && o.from)).toEqual(['Initialized', 'Initialized']);
    w.cluster.workloads.target!.revision = 'rev-2';
    for (let i = 0; i < 3; i++) await nextStep(w);

    expect(w.store.peek({ cluster: 'test-cluster', namespace: 'test', name: 'podinfo' })!.status.phase).toBe(
      'Progressing',
    );
    expect(probes(w)).toEqual(before);
  });

  it('probes only templates when every check has a templateRef, and nothing when analysis is skipped', async () => {
    const onlyTemplates = aWorld();
    await register(onlyTemplates, aCanary({ metrics: [ref('errors'), ref('errors')] }));
    await nextStep(onlyTemplates);
    expect(probes(onlyTemplates)).toEqual({ default: 0, 'test/errors': 1 });

    const skipped = aWorld();
    await register(skipped, aCanary({ metrics, skipAnalysis: true }));
    await nextStep(skipped);
    expect(probes(skipped)).toEqual({ default: 0 });
  });

  it('warns with one Event and one log line per provider that does not answer, naming the template, never its secret', async () => {
    const w = aWorld();
    await register(w, aCanary({ metrics }));
    w.cluster.templateServer(templates[1]!).online = false; // Datadog refuses the keys
    w.cluster.metricsServer.online = false;
    const outcome = await nextStep(w);

    expect(outcome.kind).toBe('stepped');
    const messages = warnings(w).map((e) => e.message);
    expect(messages).toEqual([
      'Error checking metric providers: the metrics server did not answer vector(1); checks on it will fail until it does',
      'Error checking metric providers: datadog in metric template test/not-found did not answer the key validation (GET /api/v1/validate); checks on it will fail until it does',
    ]);
    const logged = w.logger.lines.filter((l) => l.fields.reason === 'MetricsProviderUnavailable');
    expect(logged.map((l) => [l.level, l.message])).toEqual(messages.map((m) => ['warn', m]));
    expect(logged[0]!.fields.canary).toBe('test-cluster/test/podinfo');
    const text = JSON.stringify([w.cluster.events.recorded, w.logger.lines]);
    for (const secret of ['pa55word', 'dd-keys', 'prom-auth', 'datadoghq'])
      expect(text).not.toContain(secret);
  });

  it('names a templateRef it cannot follow, probes the rest, and the step goes on', async () => {
    const w = aWorld();
    await register(w, aCanary({ metrics: [...metrics, ref('missing')] }));
    const outcome = await nextStep(w);

    expect(outcome.kind).toBe('stepped');
    expect(warnings(w).map((e) => e.message)).toEqual([
      expect.stringMatching(
        /^Error checking metric providers: metric "missing-\d+": MetricTemplate test\/missing not found$/,
      ),
    ]);
    expect(probes(w)).toEqual({ default: 1, 'test/errors': 1, 'test/not-found': 1, 'ops/alb-5xx': 1 });
  });

  it('probes two templates with one provider in one namespace once, and names both', async () => {
    const w = aWorld();
    const twin = { ...templates[1]!, name: 'not-found-too' };
    w.resolver.templates.set('test/not-found-too', twin);
    await register(w, aCanary({ metrics: [ref('not-found'), ref('not-found-too')] }));
    w.cluster.templateServer(templates[1]!).online = false;
    await nextStep(w);

    expect(probes(w)).toEqual({ default: 0, 'test/not-found': 1 });
    expect(warnings(w).map((e) => e.message)).toEqual([
      expect.stringContaining(
        'datadog in metric templates test/not-found, test/not-found-too did not answer',
      ),
    ]);
  });
});
