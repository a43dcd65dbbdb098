/**
 * DynamoDB requests per analysis step (docs/architecture.md, "DynamoDB requests per step"),
 * counted at a proxy in front of the store, never timed: the step handler of the control plane
 * against the sandbox cluster, one step of each kind. Before the claim was folded into one write
 * every step made 3 GetItem + 3 UpdateItem + 1 PutItem.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MetricsProvider } from '../../../lib/ports/metrics.js';
import type { StepMessage } from '../../../lib/ports/queue.js';
import type { ControlPlane } from '../../support/controlplane.js';
import { startCounted, type Counted } from '../../support/counted.js';
import type { DynamoCalls } from '../../support/dynamo-calls.js';
import { noRangeQueries } from '../../support/fakes/checks.js';
import { apply, podinfoCanary, podinfoDeployment, podinfoKey as key } from '../../support/release.js';
import type { Sandbox } from '../../support/sandbox.js';

const signal = new AbortController().signal;

/** The builtin checks pass. */
const healthy: MetricsProvider = {
  query: () => Promise.resolve({ kind: 'value', value: 100 }),
  queryRange: noRangeQueries,
  queryVector: () => Promise.resolve({ kind: 'vector', samples: [] }),
  isOnline: () => Promise.resolve(true),
};

let world: Counted;
let sandbox: Sandbox;
let calls: DynamoCalls;
let cp: ControlPlane;

beforeEach(async () => {
  world = await startCounted({ metrics: healthy });
  ({ sandbox, calls, cp } = world);
  await apply(sandbox, podinfoDeployment('podinfo:6.0.0'));
  const created = await cp.api('POST', '/canaries', podinfoCanary('threshold: 2\nstepWeight: 20'), {
    cluster: 'sandbox',
  });
  expect(created.status).toBe(201);
  cp.queued.splice(0); // delivered by the tests, one at a time
});

afterEach(() => world.close());

/** Delivers `m` to the step handler; the DynamoDB calls it made. */
async function counted(m: StepMessage): Promise<Record<string, number>> {
  calls.reset();
  const r = await cp.step(m);
  expect(r.batchItemFailures).toEqual([]);
  return calls.counts();
}

/** The step the row is due for, at its time. */
async function due(): Promise<StepMessage> {
  const row = await cp.core.store.get(key, signal);
  cp.clock.now = Math.max(cp.clock.now, row!.nextRunAt!);
  return { key, dueAt: cp.clock.now };
}

async function phase(): Promise<string | undefined> {
  return (await cp.core.store.get(key, signal))?.status.phase;
}

describe('DynamoDB calls per step', () => {
  it('initialization: a read of the row and of the cluster record, the claim, the save and the record', async () => {
    // The first step of this container reads the cluster record; later ones within 30 s do not.
    expect(await counted(await due())).toEqual({ GetItem: 2, UpdateItem: 2, PutItem: 1 });
    const rest = [];
    while ((await phase()) !== 'Initialized') rest.push(await counted(await due()));
    for (const step of rest) expect(step).toEqual({ GetItem: 1, UpdateItem: 2, PutItem: 1 });
  });

  it('progressing (weight up, checks pass): one read and three writes — claim, save, record', async () => {
    await initialized();
    await apply(sandbox, podinfoDeployment('podinfo:6.0.1'));
    await counted(await due()); // the new revision, 10 minutes later: the cluster record read again
    expect(await phase()).toBe('Progressing');
    const weights: number[] = [];
    const calls: Record<string, number>[] = [];
    for (let i = 0; i < 3; i++) {
      calls.push(await counted(await due()));
      weights.push((await cp.core.store.get(key, signal))!.status.canaryWeight);
    }
    const step = { GetItem: 1, UpdateItem: 2, PutItem: 1 };
    // Steps 10 s apart: the third comes 30 s after the cluster record was read, which is read again.
    expect(calls).toEqual([step, step, { ...step, GetItem: 2 }]);
    expect(weights).toEqual([20, 40, 60]);
  });

  it('idle, nothing new: one read and two writes — the claim and the save — and no record', async () => {
    await initialized();
    // The first reconcile records "no new revision" (the last record was "Initialized").
    expect(await counted(await due())).toMatchObject({ PutItem: 1 });
    // The next one only repeats it: counted on the row. Ten minutes on, this container reads the
    // cluster record again (it keeps it 30 s).
    expect(await counted(await due())).toEqual({ GetItem: 2, UpdateItem: 2 });
    // A step the sweep asks for right after (a warm container): the canary's row alone.
    const { seen } = (await cp.core.store.get(key, signal))!;
    cp.clock.now += 5_000;
    expect(await counted({ key, dueAt: cp.clock.now, seenAt: seen!.at })).toEqual({
      GetItem: 1,
      UpdateItem: 2,
    });
    // The API shows the repeats on the record they repeat.
    const history = await cp.api('GET', '/canaries/sandbox/test/podinfo/history', undefined, { limit: '1' });
    expect(history.body.items).toEqual([
      expect.objectContaining({ reason: 'NoNewRevision', count: 3, lastAt: cp.clock.now }),
    ]);
  });

  it('a duplicate delivery: one read, no write', async () => {
    await initialized();
    const m = await due();
    await counted(m);
    expect(await counted(m)).toEqual({ GetItem: 1 });
  });
});

/** Steps the registered canary until it is Initialized. */
async function initialized(): Promise<void> {
  for (let i = 0; i < 5 && (await phase()) !== 'Initialized'; i++) await counted(await due());
  expect(await phase()).toBe('Initialized');
}
