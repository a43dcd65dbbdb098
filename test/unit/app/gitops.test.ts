/**
 * GitOps sourcing on in-memory fakes: the rule for a canary defined both ways, the sync of Canary
 * objects (registered, refused, deleted, left alone while Flagger runs unless claimed) and the
 * status written back only when Flagger's fields changed.
 */
import { describe, expect, it } from 'vitest';
import { parseClusterRegistration } from '../../../lib/app/clusters.js';
import { StateConflictError, ValidationError } from '../../../lib/app/errors.js';
import { deleteCanary, registerCanary } from '../../../lib/app/register-canary.js';
import { writeStatusBack } from '../../../lib/app/status-writeback.js';
import { invalidStatus, registeredStatus, showsStatus } from '../../../lib/domain/flagger-status.js';
import { initialStatus } from '../../../lib/domain/status.js';
import { syncCanaryObjects, type GitOpsDeps } from '../../../lib/app/sync-canary-objects.js';
import { FINALIZER, GENERATION_ANNOTATION } from '../../../lib/ports/canary-objects.js';
import { aCanary } from '../../support/builders.js';
import { anAdmin } from '../../support/fakes/access.js';
import { FakeCanaryObjects } from '../../support/fakes/canary-objects.js';
import { anAppWorld, key, signal, type AppWorld } from './harness.js';

function gitops(w: AppWorld, objects: FakeCanaryObjects, enabled = true): GitOpsDeps {
  return {
    register: w.register,
    enabled: () => Promise.resolve(enabled),
    objects: () => Promise.resolve(objects),
    logger: w.logger,
  };
}

const spec = (stepWeight = 10) => aCanary({ stepWeight }).spec;
const sync = (w: AppWorld, objects: FakeCanaryObjects, enabled = true) =>
  syncCanaryObjects(gitops(w, objects, enabled), key.cluster, signal);

describe('the cluster record’s gitops field', () => {
  const base = { name: 'prod', kind: 'endpoint', server: 'https://10.0.0.5:6443' };

  it('is optional, and kept as given', () => {
    expect(parseClusterRegistration(base).gitops).toBeUndefined();
    expect(parseClusterRegistration({ ...base, gitops: { enabled: true } }).gitops).toEqual({
      enabled: true,
    });
  });

  it.each([
    { gitops: { enabled: 'yes' }, path: 'gitops.enabled' },
    { gitops: {}, path: 'gitops.enabled' },
    { gitops: { enabled: true, claim: true }, path: 'gitops' },
  ])('refuses $gitops with the field path $path', ({ gitops, path }) => {
    let error: unknown;
    try {
      parseClusterRegistration({ ...base, gitops });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain(`${path}:`);
  });
});

describe('a canary defined both ways', () => {
  it('the Canary object adopts an API-registered canary; the API may then neither overwrite nor delete it', async () => {
    const w = anAppWorld();
    await registerCanary(w.register, anAdmin('alice'), key.cluster, aCanary(), signal);
    const adopted = await registerCanary(w.register, anAdmin('gitops'), key.cluster, aCanary(), signal, {
      source: 'cluster',
    });
    expect(adopted).toMatchObject({ unchanged: false });
    expect(w.store.peek(key)?.source).toBe('cluster');
    expect(w.history.of(key).at(-1)?.explanation).toContain('adopted by its Canary object');

    const overwrite = registerCanary(
      w.register,
      anAdmin('alice'),
      key.cluster,
      aCanary({ stepWeight: 30 }),
      signal,
    );
    await expect(overwrite).rejects.toThrow(StateConflictError);
    await expect(overwrite).rejects.toThrow(/defined by its Canary object .* the API may not overwrite it/);
    await expect(deleteCanary(w.register, anAdmin('alice'), key, signal)).rejects.toThrow(
      /may not delete it/,
    );
    expect(w.store.peek(key)?.manifest).toMatchObject({ spec: { analysis: { stepWeight: 10 } } });
  });
});

describe('syncCanaryObjects', () => {
  it('does nothing, not even a LIST, for a cluster that did not opt in', async () => {
    const w = anAppWorld();
    const objects = new FakeCanaryObjects();
    objects.put('test', 'podinfo', spec());
    expect(await sync(w, objects, false)).toBeUndefined();
    expect(objects.calls.count()).toBe(0);
  });

  it('registers a new object (source cluster), marks it, and reads it again only when its generation moves', async () => {
    const w = anAppWorld();
    const objects = new FakeCanaryObjects();
    objects.put('test', 'podinfo', spec());
    expect(await sync(w, objects)).toMatchObject({ objects: 1, registered: ['test/podinfo'] });
    expect(w.store.peek(key)).toMatchObject({ source: 'cluster', status: { phase: 'Initializing' } });
    expect(objects.objects.get('test/podinfo')?.meta).toMatchObject({
      finalizers: [FINALIZER],
      annotations: { [GENERATION_ANNOTATION]: '1' },
    });

    const before = objects.calls.count();
    expect(await sync(w, objects)).toMatchObject({ registered: [] });
    expect(objects.calls.count() - before).toBe(1); // the LIST only: no Flagger check, no read

    objects.put('test', 'podinfo', spec(20));
    expect(await sync(w, objects)).toMatchObject({ registered: ['test/podinfo'] });
    expect(w.store.peek(key)?.manifest).toMatchObject({ spec: { analysis: { stepWeight: 20 } } });
  });

  it('marks an invalid object with why and registers nothing; it is not read again until it changes', async () => {
    const w = anAppWorld();
    const objects = new FakeCanaryObjects();
    objects.put('test', 'podinfo', { targetRef: { kind: 'Deployment' } });
    expect(await sync(w, objects)).toMatchObject({ invalid: ['test/podinfo'] });
    expect(w.store.peek(key)).toBeUndefined();
    expect(objects.objects.get('test/podinfo')?.meta.annotations['flagger-serverless.app/error']).toMatch(
      /invalid Canary/,
    );
    expect(w.logger.lines.some((l) => l.fields.reason === 'CanaryObjectInvalid')).toBe(true);
    await sync(w, objects);
    expect(objects.calls.count('read')).toBe(1);
  });

  it('deletes the canary of an object being deleted and then releases the object', async () => {
    const w = anAppWorld();
    const objects = new FakeCanaryObjects();
    objects.put('test', 'podinfo', spec());
    await sync(w, objects);
    objects.remove('test', 'podinfo');
    expect(objects.objects.has('test/podinfo')).toBe(true);
    expect(await sync(w, objects)).toMatchObject({ deleted: ['test/podinfo'] });
    expect(w.store.peek(key)).toBeUndefined();
    expect(objects.objects.has('test/podinfo')).toBe(false);
  });

  it('while Flagger runs, sources only claimed objects and says why the others are not', async () => {
    const w = anAppWorld();
    const objects = new FakeCanaryObjects();
    objects.flaggerAt = 'flagger-system/flagger';
    objects.put('test', 'podinfo', spec());
    objects.put('test', 'claimed', spec(), { 'flagger-serverless.app/claim': 'true' });
    const r = await sync(w, objects);
    expect(r).toMatchObject({
      refused: ['test/podinfo'],
      registered: ['test/claimed'],
      flagger: 'flagger-system/flagger',
    });
    expect(w.store.peek(key)).toBeUndefined();
    const line = w.logger.lines.find((l) => l.fields.reason === 'ClusterSourcingRefused');
    expect(line?.message).toContain(
      'Flagger runs in cluster "test-cluster" (Deployment flagger-system/flagger',
    );
  });
});

describe('the status of a sourced object from the first moment', () => {
  const statusOf = (objects: FakeCanaryObjects) => objects.objects.get('test/podinfo')?.status;

  it('shows Initializing when registered: one status write per change, none when it shows it already', async () => {
    const w = anAppWorld();
    const objects = new FakeCanaryObjects();
    objects.put('test', 'podinfo', spec());
    await sync(w, objects);
    expect(objects.calls.count('writeStatus')).toBe(1);
    expect(statusOf(objects)).toMatchObject({
      phase: 'Initializing',
      canaryWeight: 0,
      lastTransitionTime: new Date(w.clock.now).toISOString(),
      conditions: [
        {
          type: 'Promoted',
          status: 'Unknown',
          reason: 'Initializing',
          message: 'New Deployment detected, starting initialization.',
        },
      ],
    });
    await sync(w, objects); // unchanged: the LIST only
    w.clock.now += 60_000;
    objects.put('test', 'podinfo', spec(20)); // changed, and the object shows the canary's status
    expect(await sync(w, objects)).toMatchObject({ registered: ['test/podinfo'] });
    expect(objects.calls.count('writeStatus')).toBe(1);
  });

  it('writes nothing over a status a step wrote since the object was read', async () => {
    const w = anAppWorld();
    const objects = new FakeCanaryObjects();
    objects.put('test', 'podinfo', spec());
    objects.calls.before('writeStatus', () => {
      const o = objects.objects.get('test/podinfo')!;
      o.status = { phase: 'Initialized' };
      o.version++;
    });
    expect(await sync(w, objects)).toMatchObject({ registered: ['test/podinfo'] });
    expect(statusOf(objects)).toEqual({ phase: 'Initialized' });
  });

  it('shows Failed with why on an invalid object; a registered canary’s status stays when its object turns invalid', async () => {
    const w = anAppWorld();
    const objects = new FakeCanaryObjects();
    objects.put('test', 'podinfo', { ...spec(), service: undefined });
    expect(await sync(w, objects)).toMatchObject({ invalid: ['test/podinfo'] });
    expect(statusOf(objects)).toMatchObject({
      phase: 'Failed',
      conditions: [
        {
          type: 'Promoted',
          status: 'False',
          reason: 'Failed',
          message: expect.stringMatching(/^invalid Canary:.*service/s),
        },
      ],
    });
    objects.put('test', 'podinfo', spec());
    expect(await sync(w, objects)).toMatchObject({ registered: ['test/podinfo'] });
    expect(statusOf(objects)).toMatchObject({ phase: 'Initializing' });
    objects.put('test', 'podinfo', { ...spec(), service: undefined });
    expect(await sync(w, objects)).toMatchObject({ invalid: ['test/podinfo'] });
    expect(statusOf(objects)).toMatchObject({ phase: 'Initializing' });
    expect(objects.calls.count('writeStatus')).toBe(2);
  });

  it('logs a status that could not be written, and registers and marks the object all the same', async () => {
    const w = anAppWorld();
    const objects = new FakeCanaryObjects();
    objects.put('test', 'podinfo', spec());
    objects.calls.failNext('writeStatus', new Error('PATCH …/status: HTTP 403'));
    expect(await sync(w, objects)).toMatchObject({ registered: ['test/podinfo'] });
    expect(objects.objects.get('test/podinfo')?.meta.finalizers).toEqual([FINALIZER]);
    expect(w.logger.lines.find((l) => l.fields.reason === 'CanaryStatusWriteFailed')?.fields.error).toContain(
      '403',
    );
  });
});

describe('showsStatus', () => {
  const wanted = registeredStatus(initialStatus(), '2026-11-30T10:00:00.000Z', 'Deployment');
  const later = registeredStatus(initialStatus(), '2026-11-30T10:05:00.000Z', 'Deployment');
  it.each([
    { name: 'no status yet', live: undefined, want: false },
    { name: 'the same fields', live: wanted, want: true },
    { name: 'the same fields stamped at another time', live: later, want: true },
    { name: 'the same fields and others', live: { ...wanted, extra: 1 }, want: true },
    { name: 'another phase', live: { ...wanted, phase: 'Initialized' }, want: false },
    { name: 'another weight', live: { ...wanted, canaryWeight: 10 }, want: false },
    { name: 'no conditions', live: { ...wanted, conditions: [] }, want: false },
    {
      name: 'a Failed status',
      live: invalidStatus('invalid Canary', '2026-11-30T10:00:00.000Z'),
      want: false,
    },
  ])('$name: $want', ({ live, want }) => {
    expect(showsStatus(live, wanted)).toBe(want);
  });
});

describe('writeStatusBack', () => {
  const status = {
    phase: 'Initializing' as const,
    canaryWeight: 0,
    failedChecks: 0,
    iterations: 0,
    conditions: [],
  };
  const row = (over: object = {}) =>
    ({ key, manifest: aCanary(), version: 1, createdAt: 0, updatedAt: 0, status, ...over }) as never;

  it('writes Flagger’s fields of a cluster-sourced canary only when they changed', async () => {
    const w = anAppWorld();
    const objects = new FakeCanaryObjects();
    objects.put('test', 'podinfo', spec());
    const deps = { canaryObjects: () => Promise.resolve(objects), logger: w.logger };
    const progressing = { ...status, phase: 'Progressing', canaryWeight: 10 };
    await writeStatusBack(deps, row({ source: 'cluster' }), row({ source: 'cluster' }), undefined, signal);
    expect(objects.calls.count('writeStatus')).toBe(0);
    await writeStatusBack(
      deps,
      row({ source: 'cluster' }),
      row({ source: 'cluster', status: progressing }),
      undefined,
      signal,
    );
    expect(objects.objects.get('test/podinfo')?.status).toMatchObject({
      phase: 'Progressing',
      canaryWeight: 10,
    });
  });

  it('writes an API-registered canary’s status only when the cluster asks (statusForApiCanaries)', async () => {
    const w = anAppWorld();
    const objects = new FakeCanaryObjects();
    objects.put('test', 'podinfo', spec());
    const deps = { canaryObjects: () => Promise.resolve(objects), logger: w.logger };
    const after = row({ status: { ...status, phase: 'Initialized' } });
    await writeStatusBack(deps, row(), after, { enabled: false }, signal);
    expect(objects.calls.count('writeStatus')).toBe(0);
    await writeStatusBack(deps, row(), after, { enabled: false, statusForApiCanaries: true }, signal);
    expect(objects.calls.count('writeStatus')).toBe(1);
  });
});
