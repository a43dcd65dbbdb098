/**
 * The alb builtins in a step, on fakes of the ports and the real check resolver: the step hands
 * its cluster handle to the resolver, which asks it for `<apex>-canary`'s target group, and the
 * checks run on the CloudWatch template it synthesizes (the ARN's region, the check's interval).
 * Without a binding every check is an error: the release rolls back, it is never promoted.
 */
import { describe, expect, it } from 'vitest';
import { albCheckQuery } from '../../../lib/adapters/cloudwatch/alb-builtins.js';
import { PrometheusCheckQueries } from '../../../lib/adapters/prometheus/resolve.js';
import { aCanary } from '../../support/builders.js';
import { anAppWorld, initialized, key, stepUntil, type AppWorld } from './harness.js';

const TG = 'targetgroup/k8s-test-podinfoc-0d1e2f3a4b/73e2d6bc24d8a067';
const ARN = `arn:aws:elasticloadbalancing:eu-west-1:123456789012:${TG}`;
function albCanary() {
  const c = aCanary({ provider: 'alb', threshold: 2 });
  c.spec.ingressRef = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'podinfo' };
  return c;
}

async function releasing(w: AppWorld): Promise<void> {
  w.step = {
    ...w.step,
    checks: { resolver: new PrometheusCheckQueries({ get: () => Promise.resolve(undefined) }) },
  };
  await initialized(w, albCanary());
  w.cluster.workloads.target!.revision = 'rev-2';
}

/** Every query the synthesized CloudWatch templates ran, server by server. */
function templateQueries(w: AppWorld): string[] {
  return [...w.cluster.templateServers.values()].flatMap((s) =>
    s.calls.args('query').map(([q]) => String(q)),
  );
}

describe('the alb builtins in a step', () => {
  it("read the canary's target group once per analysed step and run on CloudWatch templates", async () => {
    const w = anAppWorld();
    w.cluster.targetGroupArns = { 'test/podinfo-canary': [ARN] };
    await releasing(w);

    await stepUntil(w, ['Succeeded']);

    expect(w.store.peek(key)!.status.phase).toBe('Succeeded');
    const queries = templateQueries(w);
    // Five analysis steps (10 … 50 %), two checks each, one question each.
    expect(queries).toHaveLength(10);
    expect(w.cluster.targetGroupQuestions).toEqual(Array(10).fill('test/podinfo-canary'));
    expect(new Set(queries)).toEqual(
      new Set([albCheckQuery('request-success-rate', TG, 60), albCheckQuery('request-duration', TG, 60)]),
    );
    expect(w.cluster.metricsServer.calls.count('query')).toBe(0);
    const asked = w.cluster.metricsAsked.filter((m) => m.template);
    expect(asked).toHaveLength(10);
    expect(asked[0]).toEqual({
      template: expect.objectContaining({ provider: { type: 'cloudwatch', region: 'eu-west-1' } }),
      intervalSeconds: 60,
    });
  });

  it('never promotes without a TargetGroupBinding: every check is an error naming the Service', async () => {
    const w = anAppWorld();
    await releasing(w);

    await stepUntil(w, ['Failed', 'Succeeded']);

    expect(w.store.peek(key)!.status.phase).toBe('Failed');
    expect(templateQueries(w)).toEqual([]);
    expect(w.cluster.metricsServer.calls.count('query')).toBe(0);
    const checks = w.history.of(key).flatMap((r) => r.checks ?? []);
    expect(checks.length).toBeGreaterThan(0);
    for (const c of checks) {
      expect(c).toMatchObject({ verdict: 'error' });
      expect(JSON.stringify(c)).toContain('no TargetGroupBinding binds Service test/podinfo-canary');
    }
  });
});
