/**
 * MetricTemplates and AlertProviders sourced from a cluster (docs/gitops.md), on in-memory fakes:
 * which objects the sweep reads (new, changed, unchanged, refused, deleted), what it stores, and
 * which document a canary's reference means (isolation between clusters, precedence over the
 * API-registered one). Calls are counted.
 */
import { describe, expect, it } from 'vitest';
import { sourcedFirst } from '../../../lib/app/sourced-lookup.js';
import { syncTemplateObjects, type TemplateSyncDeps } from '../../../lib/app/sync-template-objects.js';
import { planSourced } from '../../../lib/domain/gitops/sourced-plan.js';
import type { MetricTemplate } from '../../../lib/ports/metrics.js';
import type { SourcedRow } from '../../../lib/ports/sourced.js';
import { FakeLogger } from '../../support/fakes/messaging.js';
import { FakeSourcedObjects, FakeSourcedStore } from '../../support/fakes/sourced.js';

const signal = new AbortController().signal;

const served = (generation: number) => ({ generation, doc: {} as MetricTemplate });
const row = (name: string, r: Partial<SourcedRow> = {}): SourcedRow => ({
  kind: 'template',
  namespace: 'test',
  name,
  ...r,
});
const meta = (name: string, generation: number) => ({ namespace: 'test', name, generation });

describe('planSourced', () => {
  it.each([
    { name: 'reads a new object', listed: [meta('a', 1)], stored: [], read: ['a'], remove: [] },
    {
      name: 'reads a changed object',
      listed: [meta('a', 2)],
      stored: [row('a', { served: served(1) })],
      read: ['a'],
      remove: [],
    },
    {
      name: 'leaves an unchanged object',
      listed: [meta('a', 1)],
      stored: [row('a', { served: served(1) })],
      read: [],
      remove: [],
    },
    {
      name: 'leaves a refused generation until it changes',
      listed: [meta('a', 2)],
      stored: [row('a', { served: served(1), refused: { generation: 2, error: 'x' } })],
      read: [],
      remove: [],
    },
    {
      name: 'reads the generation after a refused one',
      listed: [meta('a', 3)],
      stored: [row('a', { refused: { generation: 2, error: 'x' } })],
      read: ['a'],
      remove: [],
    },
    {
      name: 'removes the row of a deleted object',
      listed: [],
      stored: [row('a', { served: served(1) })],
      read: [],
      remove: ['a'],
    },
  ])('$name', ({ listed, stored, read, remove }) => {
    const plan = planSourced(listed, stored);
    expect(plan.read.map((o) => o.name)).toEqual(read);
    expect(plan.remove.map((r) => r.name)).toEqual(remove);
    expect(plan.unchanged).toBe(listed.length - read.length);
  });
});

const latency = (query = 'histogram_quantile(0.99, rate(x[{{ interval }}]))') => ({
  provider: {
    type: 'prometheus',
    address: 'http://prometheus.monitoring:9090',
    secretRef: { name: 'prom-auth' },
  },
  query,
});

interface World {
  objects: FakeSourcedObjects;
  store: FakeSourcedStore;
  logger: FakeLogger;
  deps: TemplateSyncDeps;
}

function aWorld(enabled = true): World {
  const objects = new FakeSourcedObjects();
  const store = new FakeSourcedStore();
  const logger = new FakeLogger();
  const deps: TemplateSyncDeps = {
    enabled: () => Promise.resolve(enabled),
    objects: () => Promise.resolve(objects),
    store,
    logger,
  };
  return { objects, store, logger, deps };
}

const sync = (w: World, cluster = 'prod') => syncTemplateObjects(w.deps, cluster, signal);

describe('syncTemplateObjects', () => {
  it('lists nothing for a cluster that did not opt in', async () => {
    const w = aWorld(false);
    expect(await sync(w)).toBeUndefined();
    expect(w.objects.calls.count() + w.store.calls.count()).toBe(0);
  });

  it('stores a new template keyed by its cluster; a quiet sweep then costs the two LISTs and one Query', async () => {
    const w = aWorld();
    w.objects.apply('template', 'test', 'latency', latency());
    const first = await sync(w);
    expect(first).toMatchObject({ objects: 1, stored: ['template test/latency'], refused: [], removed: [] });
    expect(w.store.peek('prod', 'template', 'test', 'latency')?.served).toEqual({
      generation: 1,
      doc: { name: 'latency', namespace: 'test', cluster: 'prod', ...latency() },
    });

    const objects = w.objects.calls.count();
    const store = w.store.calls.count();
    expect(await sync(w)).toMatchObject({ objects: 1, stored: [], refused: [], removed: [], failed: [] });
    expect(w.objects.calls.log.slice(objects)).toEqual([
      { method: 'list', args: ['template'] },
      { method: 'list', args: ['alert-provider'] },
    ]);
    expect(w.store.calls.log.slice(store).map((c) => c.method)).toEqual(['list']);
  });

  it('reads a changed object once and replaces the stored version', async () => {
    const w = aWorld();
    w.objects.apply('template', 'test', 'latency', latency());
    await sync(w);
    w.objects.apply('template', 'test', 'latency', latency('up{namespace="{{ namespace }}"}'));
    expect((await sync(w))?.stored).toEqual(['template test/latency']);
    expect(w.objects.calls.count('read')).toBe(2);
    expect(w.store.peek('prod', 'template', 'test', 'latency')?.served).toMatchObject({
      generation: 2,
      doc: { query: 'up{namespace="{{ namespace }}"}' },
    });
  });

  it('deletes the row of a deleted object', async () => {
    const w = aWorld();
    w.objects.apply('alert-provider', 'test', 'on-call', {
      type: 'slack',
      address: 'https://hooks.slack.com/services/T/B/x',
    });
    await sync(w);
    w.objects.remove('alert-provider', 'test', 'on-call');
    expect((await sync(w))?.removed).toEqual(['alert-provider test/on-call']);
    expect(w.store.rows.size).toBe(0);
  });

  it('refuses an invalid change naming the field, keeps the valid version before it serving, and reads it once', async () => {
    const w = aWorld();
    w.objects.apply('template', 'test', 'latency', latency());
    await sync(w);
    w.objects.apply('template', 'test', 'latency', { provider: { type: 'graphite' }, query: '' });
    expect((await sync(w))?.refused).toEqual(['template test/latency']);
    const stored = w.store.peek('prod', 'template', 'test', 'latency');
    expect(stored?.served?.generation).toBe(1);
    expect(stored?.refused).toMatchObject({ generation: 2, error: expect.stringContaining('spec.provider') });
    const [line] = w.logger.withReason('ClusterObjectInvalid');
    expect(line.message).toContain('generation 1 keeps serving');
    expect(line.fields).toMatchObject({
      cluster: 'prod',
      object: 'MetricTemplate test/latency',
      generation: 2,
    });

    const reads = w.objects.calls.count('read');
    await sync(w);
    expect(w.objects.calls.count('read')).toBe(reads);
    expect(w.logger.withReason('ClusterObjectInvalid')).toHaveLength(1);
  });

  it('refuses an AlertProvider with a secretRef (notify cannot read the cluster), without storing a value', async () => {
    const w = aWorld();
    w.objects.apply('alert-provider', 'test', 'on-call', { type: 'slack', secretRef: { name: 'slack-url' } });
    expect((await sync(w))?.refused).toEqual(['alert-provider test/on-call']);
    const stored = w.store.peek('prod', 'alert-provider', 'test', 'on-call');
    expect(stored?.served).toBeUndefined();
    expect(stored?.refused?.error).toMatch(/^spec\.secretRef is not supported/);
    expect(w.logger.withReason('ClusterObjectInvalid')[0].message).toContain('nothing of it serves');
  });

  it('a failed LIST deletes nothing and the sweep goes on', async () => {
    const w = aWorld();
    w.objects.apply('template', 'test', 'latency', latency());
    await sync(w);
    w.objects.calls.failNext('list', new Error('LIST metrictemplates: HTTP 503'));
    const out = await sync(w);
    expect(out?.failed).toEqual(['template']);
    expect(w.store.peek('prod', 'template', 'test', 'latency')?.served?.generation).toBe(1);
    expect(w.logger.withReason('ClusterObjectSyncFailed')).toHaveLength(1);
  });

  it('a failed read of the stored rows reads and writes nothing, and the sweep goes on', async () => {
    const w = aWorld();
    w.objects.apply('template', 'test', 'latency', latency());
    w.store.calls.failNext('list', new Error('DynamoDB throttled'));
    expect((await sync(w))?.failed).toEqual(['stored rows']);
    expect(w.objects.calls.count('read') + w.store.calls.count('put')).toBe(0);
    expect(w.logger.withReason('ClusterObjectSyncFailed')[0].message).toContain(
      'stored rows could not be read',
    );
  });

  it('keeps two clusters’ objects of the same name apart', async () => {
    const prod = aWorld();
    prod.objects.apply('template', 'test', 'latency', latency('prod_query'));
    await sync(prod, 'prod');
    const staging: World = { ...aWorld(), store: prod.store };
    staging.deps.store = prod.store;
    staging.objects.apply('template', 'test', 'latency', latency('staging_query'));
    await sync(staging, 'staging');
    staging.objects.remove('template', 'test', 'latency');
    await sync(staging, 'staging');
    expect(prod.store.peek('prod', 'template', 'test', 'latency')?.served?.doc).toMatchObject({
      query: 'prod_query',
    });
    expect(prod.store.peek('staging', 'template', 'test', 'latency')).toBeUndefined();
  });
});

describe('which template a canary’s templateRef means', () => {
  const api: MetricTemplate = {
    name: 'latency',
    namespace: 'test',
    query: 'api_query',
    provider: { type: 'cloudwatch' },
  };
  const fromProd: MetricTemplate = { ...api, query: 'prod_query', cluster: 'prod' };

  async function aLookup(enabled: readonly string[] = ['prod', 'staging']) {
    const store = new FakeSourcedStore();
    await store.put('prod', {
      kind: 'template',
      namespace: 'test',
      name: 'latency',
      served: { generation: 1, doc: fromProd },
    });
    const shared = new Map([['test/latency', api]]);
    const get = sourcedFirst('template', {
      store,
      shared: { get: (name) => Promise.resolve(shared.get(name)) },
      enabled: (cluster) => Promise.resolve(enabled.includes(cluster)),
    });
    return { store, shared, get };
  }

  it('for a canary of the cluster it came from, the cluster’s template beats the API-registered one', async () => {
    const { get } = await aLookup();
    expect((await get('test', 'latency', signal, 'prod'))?.query).toBe('prod_query');
  });

  it('another cluster’s canaries never see it: they get the API-registered one', async () => {
    const { get } = await aLookup();
    expect((await get('test', 'latency', signal, 'staging'))?.query).toBe('api_query');
  });

  it('without an API-registered one, another cluster’s canary finds none', async () => {
    const { get, shared } = await aLookup();
    shared.clear();
    expect(await get('test', 'latency', signal, 'staging')).toBeUndefined();
    expect((await get('test', 'latency', signal, 'prod'))?.query).toBe('prod_query');
  });

  it('a cluster that opted out is not read: its rows no longer serve', async () => {
    const { get, store } = await aLookup(['staging']);
    const before = store.calls.count();
    expect((await get('test', 'latency', signal, 'prod'))?.query).toBe('api_query');
    expect(store.calls.count()).toBe(before);
  });

  it('a refused object with no valid version before it leaves the API-registered one serving', async () => {
    const { get, store } = await aLookup();
    await store.put('prod', {
      kind: 'template',
      namespace: 'test',
      name: 'latency',
      refused: { generation: 1, error: 'x' },
    });
    expect((await get('test', 'latency', signal, 'prod'))?.query).toBe('api_query');
  });
});
