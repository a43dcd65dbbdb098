/**
 * What a canary costs in requests, per step kind: Kubernetes requests counted at the sandbox's
 * request log (calls merely proxied to Prometheus or a webhook left out, as issue 15 counts) and
 * DynamoDB calls counted at a proxy in front of dynalite, over a whole release through the real
 * handlers (Flagger's podinfo analysis: stepWeight 10 up to 50), with C = 0 and C = 2 (ConfigMaps + Secrets the pod template references). The idle
 * sweep is counted for 1 and for 20 idle canaries of one namespace: its cost per canary is what
 * one sweep costs divided by the canaries it covers. Counts, not timings: these are exact.
 */
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { runStep } from '../../../lib/app/run-step.js';
import { documentClient } from '../../../lib/adapters/dynamodb/client.js';
import type { MetricsProvider } from '../../../lib/ports/metrics.js';
import {
  apply,
  applyPodinfoConfigs,
  podinfoCanary,
  podinfoDeployment,
  podinfoKey,
  podinfoWithConfigs,
} from '../../support/release.js';
import type { ControlPlane } from '../../support/controlplane.js';
import { startCounted } from '../../support/counted.js';
import { noRangeQueries } from '../../support/fakes/checks.js';
import type { DynamoCalls } from '../../support/dynamo-calls.js';
import type { Sandbox } from '../../support/sandbox.js';

/** Requests of one kind of work: Kubernetes, and DynamoDB calls by operation. */
export interface Cost {
  kubernetes: number;
  /** The Kubernetes requests as `METHOD path`, in order. */
  requests: string[];
  dynamodb: Record<string, number>;
}

/** Per step kind, with C = `configs`. */
export interface ReleaseCosts {
  configs: 0 | 2;
  /** The steps from registration to Initialized, together. */
  initialization: Cost;
  /** The most expensive step that raised the weight. */
  progressing: Cost;
  /** Promoting, Finalising and Succeeded together. */
  promotion: Cost;
  /**
   * Every step from the new revision to Succeeded (Flagger's podinfo analysis: 5 weights), and the
   * DynamoDB calls of the notifications those steps sent.
   */
  release: Cost & { steps: number; notifications: Record<string, number> };
  /** The periodic full reconcile of an idle canary that finds nothing new (every RECONCILE_SECONDS). */
  reconcile: Cost;
  /** Sizes in bytes by DynamoDB's sizing rules (writes are billed per started KB). */
  bytes: { row: number; history: number };
}

/** One quiet minute of a cluster whose idle canaries live in one namespace. */
export interface SweepCost {
  canaries: number;
  minute: Cost;
  /** Steps the quiet minute queued (none expected). */
  steps: number;
}

const MINUTE = 60_000;
const passing: MetricsProvider = {
  query: () => Promise.resolve({ kind: 'value', value: 100 }),
  queryRange: noRangeQueries,
  queryVector: () => Promise.resolve({ kind: 'vector', samples: [] }),
  isOnline: () => Promise.resolve(true),
};
const analysis = `threshold: 5
maxWeight: 50
stepWeight: 10
metrics:
  - { name: request-success-rate, thresholdRange: { min: 99 }, interval: 1m }`;

interface Bench {
  sandbox: Sandbox;
  /** Reads the table directly, past the counting proxy. */
  db: DynamoDBDocumentClient;
  table: string;
  calls: DynamoCalls;
  /** DynamoDB calls of the notify function, apart from the steps'. */
  notified: Record<string, number>;
  cp: ControlPlane;
  close(): Promise<void>;
}

async function start(): Promise<Bench> {
  const c = await startCounted({ metrics: passing });
  return {
    ...c,
    db: documentClient({ region: 'us-east-1', endpoint: c.dyn.endpoint }),
    table: c.dyn.table,
    notified: {},
  };
}

/**
 * Advances the clock by `ms`, dispatches, delivers, and counts what was asked: of the delivered
 * work only (a step's own cost), or with `dispatch` included (what a minute costs).
 */
async function counted(
  b: Bench,
  ms: number,
  opts: { dispatch?: boolean } = {},
): Promise<Cost & { steps: number }> {
  b.cp.clock.now += ms;
  const mark = b.sandbox.mark();
  b.calls.reset();
  await b.cp.dispatch();
  if (!opts.dispatch) b.calls.reset();
  const delivered = b.cp.delivered.length;
  await b.cp.deliver({ events: false });
  const cost = { ...costSince(b, mark), steps: b.cp.delivered.length - delivered };
  // The notifications of what was delivered: counted apart (the notify function's own calls).
  b.calls.reset();
  await b.cp.deliver();
  add(b.notified, b.calls.counts());
  return cost;
}

function add(into: Record<string, number>, counts: Record<string, number>): void {
  for (const [op, n] of Object.entries(counts)) into[op] = (into[op] ?? 0) + n;
}

/** The Kubernetes requests since `mark`, and the DynamoDB calls since the last reset. */
function costSince(b: Bench, mark: ReturnType<Sandbox['mark']>): Cost {
  const requests = b.sandbox
    .selectRequests({ since: mark, proxied: false })
    .map((r) => `${r.method} ${r.path}${r.query ? '?…' : ''}`);
  return { kubernetes: requests.length, requests, dynamodb: b.calls.counts() };
}

const sum = (costs: Cost[]): Cost => ({
  kubernetes: costs.reduce((n, c) => n + c.kubernetes, 0),
  requests: costs.flatMap((c) => c.requests),
  dynamodb: costs.reduce<Record<string, number>>((all, c) => {
    for (const [op, n] of Object.entries(c.dynamodb)) all[op] = (all[op] ?? 0) + n;
    return all;
  }, {}),
});

const phase = async (b: Bench) =>
  (await b.cp.core.store.get(podinfoKey, new AbortController().signal))!.status;

/** Registers podinfo with C configs, releases podinfo:6.0.1 to Succeeded, then one idle reconcile. */
export async function benchRelease(configs: 0 | 2): Promise<ReleaseCosts> {
  const b = await start();
  try {
    await applyPodinfoConfigs(b.sandbox, configs);
    await apply(b.sandbox, podinfoWithConfigs('podinfo:6.0.0', configs));
    const created = await b.cp.api('POST', '/canaries', podinfoCanary(analysis), { cluster: 'sandbox' });
    if (created.status !== 201) throw new Error(`canary not registered: ${JSON.stringify(created.body)}`);
    const init: Cost[] = [await counted(b, 0)];
    while ((await phase(b)).phase !== 'Initialized') {
      if (init.length > 6) throw new Error('podinfo did not initialize');
      init.push(await counted(b, 10_000));
    }
    await apply(b.sandbox, podinfoWithConfigs('podinfo:6.0.1', configs));
    const notifiedBefore = { ...b.notified };
    const progressing: Cost[] = [];
    const promotion: Cost[] = [];
    const all: Cost[] = [];
    let weight = 0;
    for (let i = 0; (await phase(b)).phase !== 'Succeeded'; i++) {
      if (i > 12) throw new Error(`the release did not finish: ${(await phase(b)).phase}`);
      const c = await counted(b, 10_000);
      all.push(c);
      const s = await phase(b);
      if (s.phase === 'Progressing' && s.canaryWeight > weight) progressing.push(c);
      if (['Promoting', 'Finalising', 'Succeeded'].includes(s.phase)) promotion.push(c);
      weight = s.canaryWeight;
    }
    const notifications = Object.fromEntries(
      Object.entries(b.notified).map(([op, n]) => [op, n - (notifiedBefore[op] ?? 0)]),
    );
    // The idle canary's full step comes at the reconcile period (the sweep covers the minutes
    // between): run it alone, without the sweep that dispatch would run in the same minute.
    // The first one records the quiet state after the release; the next ones repeat it: count the second.
    let reconcile: Cost | undefined;
    for (let i = 0; i < 2; i++) {
      b.cp.clock.now += 10 * MINUTE;
      const mark = b.sandbox.mark();
      b.calls.reset();
      const stepped = await runStep(b.cp.stepDeps, podinfoKey, new AbortController().signal);
      if (stepped.kind !== 'stepped') throw new Error(`no reconcile step: ${JSON.stringify(stepped)}`);
      reconcile = costSince(b, mark);
    }
    return {
      configs,
      bytes: await sizes(b),
      initialization: sum(init),
      progressing: progressing.reduce((a, c) => (c.kubernetes > a.kubernetes ? c : a)),
      promotion: sum(promotion),
      release: { ...sum(all), steps: all.length, notifications },
      reconcile: reconcile!,
    };
  } finally {
    await b.close();
  }
}

/** podinfo's row and its newest history record, sized as DynamoDB bills them. */
async function sizes(b: Bench): Promise<{ row: number; history: number }> {
  const pk = `C#${podinfoKey.cluster}/${podinfoKey.namespace}/${podinfoKey.name}`;
  const row = await b.db.send(new GetCommand({ TableName: b.table, Key: { pk, sk: 'META' } }));
  const history = await b.db.send(
    new QueryCommand({
      TableName: b.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :h)',
      ExpressionAttributeValues: { ':pk': pk, ':h': 'H#' },
      ScanIndexForward: false,
      Limit: 1,
    }),
  );
  return { row: itemBytes(row.Item ?? {}), history: itemBytes(history.Items?.[0] ?? {}) };
}

/**
 * An item's size by DynamoDB's rules (developer guide, "Item sizes"): attribute names plus values;
 * a string its UTF-8 bytes, a number about one byte per two digits plus one, a map or list 3 bytes
 * plus 1 per element and its contents.
 */
export function itemBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number')
    return Math.ceil(String(Math.abs(value)).replace(/[.-]/g, '').length / 2) + 1;
  if (typeof value === 'boolean' || value === null || value === undefined) return 1;
  if (Array.isArray(value)) return 3 + value.reduce((n: number, v) => n + 1 + itemBytes(v), 0);
  return (
    3 + Object.entries(value as object).reduce((n, [k, v]) => n + 1 + Buffer.byteLength(k) + itemBytes(v), 0)
  );
}

/** `canaries` idle podinfo copies in namespace test, then one quiet minute: the sweep's cost. */
export async function benchSweep(canaries: number): Promise<SweepCost> {
  const b = await start();
  try {
    for (let i = 0; i < canaries; i++) {
      const name = `app-${i}`;
      await apply(b.sandbox, podinfoDeployment('podinfo:6.0.0', {}, name));
      const r = await b.cp.api('POST', '/canaries', podinfoCanary(analysis, { name }), {
        cluster: 'sandbox',
      });
      if (r.status !== 201) throw new Error(`canary ${name} not registered: ${JSON.stringify(r.body)}`);
    }
    await b.cp.deliver();
    for (let i = 0; i < 10; i++) {
      const rows = await b.cp.core.store.list({}, new AbortController().signal);
      if (rows.every((r) => r.status.phase === 'Initialized')) break;
      await counted(b, 10_000);
    }
    // Let every canary settle into its idle schedule, then count one minute with nothing new.
    await counted(b, MINUTE);
    const quiet = await counted(b, MINUTE, { dispatch: true });
    return {
      canaries,
      minute: { kubernetes: quiet.kubernetes, requests: quiet.requests, dynamodb: quiet.dynamodb },
      steps: quiet.steps,
    };
  } finally {
    await b.close();
  }
}
