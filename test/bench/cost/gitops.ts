/**
 * What GitOps sourcing (docs/gitops.md) costs in requests: one cluster whose record opts in
 * (`gitops.enabled`) beside the same cluster without, counted as requests.ts counts (Kubernetes
 * requests at the sandbox's request log, DynamoDB calls at a proxy in front of dynalite). A
 * minute is dispatch plus the sweep it sends; the steps a minute queues are left out (they are
 * the canary's own, in requests.ts's table). Without GitOps the same changes come through the
 * API: a registration is its `POST /canaries`, a template change its `PUT /templates/…`.
 */
import { parse } from 'yaml';
import { makeHandler as makeSweep } from '../../../functions/sweep/handler.js';
import { startCounted, type Counted } from '../../support/counted.js';
import { installCrds, send } from '../../support/gitops.js';
import { apply, podinfoCanary, podinfoDeployment } from '../../support/release.js';
import type { Cost } from './requests.js';

/** One minute of dispatch and sweep: its requests, the sweeps it ran and the steps it queued. */
export interface Minute extends Cost {
  sweeps: number;
  steps: number;
}

/** One cluster, with or without `gitops.enabled`. */
export interface GitOpsCosts {
  gitops: boolean;
  /** A quiet minute of the cluster without canaries, templates or providers. */
  empty: Minute;
  /** The registration of podinfo: the minute its object appears, or the API call. */
  registration: Cost;
  /** A MetricTemplate changed: the minute its object changes, or the API call. */
  templateChange: Cost;
  /** A quiet minute with podinfo idle and the template in place. */
  idle: Minute;
}

const MINUTE = 60_000;
const signal = new AbortController().signal;
const analysis = 'threshold: 5\nmaxWeight: 50\nstepWeight: 10';
const TEMPLATES = '/apis/flagger.app/v1beta1/namespaces/test/metrictemplates';
const template = (query: string) => ({
  provider: { type: 'prometheus', address: 'http://prometheus.monitoring:9090' },
  query,
});

/** A counted control plane and sandbox (CRDs and podinfo installed), `gitops` on its record. */
async function startGitOps(gitops: boolean): Promise<Counted> {
  const c = await startCounted({ gitops });
  await installCrds(c.sandbox);
  await apply(c.sandbox, podinfoDeployment('podinfo:6.0.0'));
  return c;
}

/** The Kubernetes requests and DynamoDB calls of `work`. */
async function cost(c: Counted, work: () => Promise<unknown>): Promise<Cost> {
  const mark = c.sandbox.mark();
  c.calls.reset();
  await work();
  const requests = c.sandbox
    .selectRequests({ since: mark, proxied: false })
    .map((r) => `${r.method} ${r.path}${r.query ? '?…' : ''}`);
  return { kubernetes: requests.length, requests, dynamodb: c.calls.counts() };
}

/**
 * One minute later: dispatch and the sweeps it sent, counted; then the steps they queued and the
 * notifications, not counted.
 */
async function minute(c: Counted): Promise<Minute> {
  const sweep = makeSweep(c.cp.sweepDeps);
  c.cp.clock.now += MINUTE;
  let sweeps = 0;
  const counted = await cost(c, async () => {
    await c.cp.dispatch();
    for (const m of c.cp.sweeps.splice(0)) {
      sweeps++;
      await sweep({ Records: [{ messageId: `s${sweeps}`, body: JSON.stringify(m) }] } as never);
    }
  });
  const steps = c.cp.queued.length;
  await c.cp.deliver();
  return { ...counted, sweeps, steps };
}

/** Steps 10 s apart until every canary is Initialized (at most 10). */
async function initialized(c: Counted): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const rows = await c.cp.core.store.list({}, signal);
    if (rows.length > 0 && rows.every((r) => r.status.phase === 'Initialized')) return;
    c.cp.clock.now += 10_000;
    await c.cp.dispatch();
    await c.cp.deliver();
  }
  throw new Error('podinfo did not initialize');
}

/** The cluster empty, then podinfo registered, a template changed, podinfo idle: each counted. */
export async function benchGitOps(gitops: boolean): Promise<GitOpsCosts> {
  const c = await startGitOps(gitops);
  try {
    await minute(c); // the first minute reads what later ones keep
    const empty = await minute(c);
    const yaml = podinfoCanary(analysis);
    let registration: Cost;
    if (gitops) {
      await send(c.sandbox, 'POST', '/apis/flagger.app/v1beta1/namespaces/test/canaries', parse(yaml));
      registration = await minute(c);
    } else registration = await cost(c, () => c.cp.api('POST', '/canaries', yaml, { cluster: 'sandbox' }));
    await initialized(c);
    const first = template('sum(up{namespace="{{ namespace }}"})');
    const second = template('sum(up{namespace="{{ namespace }}", job="podinfo"})');
    const object = (spec: object) => ({
      apiVersion: 'flagger.app/v1beta1',
      kind: 'MetricTemplate',
      metadata: { name: 'success', namespace: 'test' },
      spec,
    });
    let templateChange: Cost;
    if (gitops) {
      await send(c.sandbox, 'POST', TEMPLATES, object(first));
      await minute(c);
      await minute(c);
      await send(c.sandbox, 'PATCH', `${TEMPLATES}/success`, object(second));
      templateChange = await minute(c);
    } else {
      await c.cp.api('PUT', '/templates/test/success', first);
      templateChange = await cost(c, () => c.cp.api('PUT', '/templates/test/success', second));
    }
    await minute(c);
    await minute(c);
    const idle = await minute(c);
    return { gitops, empty, registration, templateChange, idle };
  } finally {
    await c.close();
  }
}
