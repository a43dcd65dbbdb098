/** registerCanary and deleteCanary on in-memory fakes. */
import { anAdmin } from '../../support/fakes/access.js';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lib/app/errors.js';
import { deleteCanary, registerCanary } from '../../../lib/app/register-canary.js';
import { ConflictError, NotFoundError } from '../../../lib/ports/errors.js';
import { aCanary, T0 } from '../../support/builders.js';
import { FakeCluster } from '../../support/fakes/cluster.js';
import { anAppWorld, key, signal, type AppWorld } from './harness.js';

const register = (w: AppWorld, manifest: object | string = aCanary(), cluster = key.cluster) =>
  registerCanary(w.register, anAdmin('alice'), cluster, manifest, signal);

/** The error `p` rejects with. */
async function refusal(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('accepted');
}

const abTesting = aCanary({ iterations: 5, match: [{ headers: { 'x-canary': { exact: 'insider' } } }] });

describe('registerCanary', () => {
  it('stores a new canary at version 1, Initializing and due now, queues its first step and records who', async () => {
    const w = anAppWorld();
    const r = await register(w);

    expect(r).toMatchObject({ created: true, unchanged: false });
    expect(w.store.peek(key)).toMatchObject({ version: 1, nextRunAt: T0, status: { phase: 'Initializing' } });
    expect(w.queue.sent).toEqual([{ key, dueAt: T0 }]);
    expect(w.history.of(key)).toEqual([
      expect.objectContaining({ kind: 'registration', actor: 'alice', reason: 'CanaryRegistered' }),
    ]);
  });

  it('writes nothing and queues nothing when the same manifest is applied again', async () => {
    const w = anAppWorld();
    await register(w);
    const writes = w.store.calls.count('save');

    expect(await register(w)).toMatchObject({ created: false, unchanged: true });
    expect(w.store.calls.count('save')).toBe(writes);
    expect(w.queue.sent).toHaveLength(1);
    expect(w.history.of(key)).toHaveLength(1);
  });

  it('updates a changed manifest like kubectl apply: status kept, due now, recorded', async () => {
    const w = anAppWorld();
    await register(w);
    w.clock.now += 5_000;

    expect(await register(w, aCanary({ stepWeight: 20 }))).toMatchObject({
      created: false,
      unchanged: false,
    });
    expect(w.store.peek(key)).toMatchObject({ version: 2, nextRunAt: T0, status: { phase: 'Initializing' } });
    expect(w.history.of(key).map((h) => h.reason)).toEqual(['CanaryRegistered', 'CanaryUpdated']);
    expect(w.queue.sent).toHaveLength(2);
  });

  it('refuses an invalid manifest with its field paths and stores nothing', async () => {
    const w = anAppWorld();
    const bad = { ...aCanary(), spec: { ...aCanary().spec, service: { port: 'http' } } };

    const e = await refusal(register(w, bad));

    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).errors.map((f) => f.path)).toContain('spec.service.port');
    expect(w.store.calls.count('save')).toBe(0);
  });

  it('refuses a cluster that is not registered, at the path "query.cluster"', async () => {
    const w = anAppWorld();
    const e = await refusal(register(w, aCanary(), 'elsewhere'));
    expect((e as ValidationError).errors).toEqual([expect.objectContaining({ path: 'query.cluster' })]);
  });

  it('retries a lost version race and gives up with a conflict after three', async () => {
    const w = anAppWorld();
    w.store.calls.failNext('save', new ConflictError('changed concurrently'));
    expect((await register(w)).created).toBe(true);

    const other = anAppWorld();
    other.store.calls.failNext('save', new ConflictError('changed concurrently'), 3);
    expect(await refusal(register(other))).toBeInstanceOf(ConflictError);
    expect(other.store.calls.count('save')).toBe(3);
    expect(other.queue.sent).toEqual([]);
  });
});

describe('registerCanary: the provider that will route the canary', () => {
  it('judges the routing with DEFAULT_PROVIDER when neither the canary nor the cluster names one', async () => {
    const w = anAppWorld({ defaultProvider: 'traefik' });
    const e = await refusal(register(w, abTesting));
    expect((e as ValidationError).errors).toEqual([
      expect.objectContaining({
        path: 'spec.analysis.match',
        message: expect.stringContaining('default provider "traefik"'),
      }),
    ]);
  });

  it("the cluster's default wins over DEFAULT_PROVIDER", async () => {
    const cluster = new FakeCluster({
      name: 'test-cluster',
      kind: 'endpoint',
      server: 'https://10.0.0.1:6443',
      defaultProvider: 'istio',
    });
    const w = anAppWorld({ defaultProvider: 'traefik', clusters: [cluster] });
    expect((await register(w, abTesting)).created).toBe(true);
  });
});

describe('deleteCanary', () => {
  it('without revertOnDeletion removes the row at once', async () => {
    const w = anAppWorld();
    await register(w);
    expect(await deleteCanary(w.register, anAdmin('alice'), key, signal)).toEqual({ deleted: true });
    expect(w.store.peek(key)).toBeUndefined();
    expect(w.history.of(key).at(-1)).toMatchObject({
      kind: 'operator',
      actor: 'alice',
      reason: 'CanaryDeleted',
    });
  });

  it('with revertOnDeletion keeps the row with a pending delete and queues an action step', async () => {
    const w = anAppWorld();
    await register(w, aCanary({ revertOnDeletion: true }));
    expect(await deleteCanary(w.register, anAdmin('alice'), key, signal)).toMatchObject({ deleted: false });
    expect(w.store.peek(key)!.status.pendingCommand).toEqual({ kind: 'delete', by: 'alice' });
    expect(w.queue.sent.at(-1)).toEqual({ key, dueAt: T0, action: true });
    expect(w.history.of(key).at(-1)).toMatchObject({
      kind: 'operator',
      actor: 'alice',
      reason: 'OperatorDelete',
    });
  });

  it('without revertOnDeletion but with traffic on the canary keeps the row until a step routed it back', async () => {
    const w = anAppWorld();
    await register(w);
    const row = w.store.peek(key)!;
    await w.store.save(
      { ...row, status: { ...row.status, phase: 'Progressing', canaryWeight: 30 } },
      row.version,
      signal,
    );
    expect(await deleteCanary(w.register, anAdmin('alice'), key, signal)).toMatchObject({ deleted: false });
    expect(w.store.peek(key)!.status.pendingCommand).toEqual({ kind: 'delete', by: 'alice' });
    expect(w.queue.sent.at(-1)).toEqual({ key, dueAt: T0, action: true });
    expect(w.history.of(key).at(-1)?.explanation).toContain('is routed back to the primary first');
  });

  it('answers not found for an unknown canary', async () => {
    const w = anAppWorld();
    expect(await refusal(deleteCanary(w.register, anAdmin('alice'), key, signal))).toBeInstanceOf(
      NotFoundError,
    );
  });
});
