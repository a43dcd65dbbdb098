/**
 * Stored data has users: rows written by the previous version (commit 6d222e3, before rows carried
 * a schema version), captured half-way through a release by test/fixtures/rows/capture.ts, survive
 * a deploy of today's code — the release finishes, old history reads in today's words, documents
 * and gates still work — and a deployment that meets rows of a newer schema refuses them intact.
 */
import { mkdtemp, copyFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeLoadtester, silentLogger } from '../../../lib/loadtester/index.js';
import type { MetricsProvider } from '../../../lib/ports/metrics.js';
import { startControlPlane, type ControlPlane } from '../../support/controlplane.js';
import { countDynamoCalls, type DynamoCalls } from '../../support/dynamo-calls.js';
import { noRangeQueries } from '../../support/fakes/checks.js';
import { startDynamo, type LocalDynamo } from '../../support/dynamo.js';
import { virtualServiceWeights } from '../../support/release.js';
import { capturedItems, fixtureDir, loadRows, readCapture } from '../../support/rows.js';
import { startSandbox, type Sandbox } from '../../support/sandbox.js';
import { act, changes, historyOf, imageOf, stepUntilPhase } from '../../support/scenario.js';

const capture = readCapture('v0');
const key = capture.canary;
const tester = 'arn:aws:iam::123456789012:user/tester';
const signal = new AbortController().signal;

/** The builtin request-success-rate check passes from now on. */
const healthy: MetricsProvider = {
  query: () => Promise.resolve({ kind: 'value', value: 100 }),
  queryRange: noRangeQueries,
  queryVector: () => Promise.resolve({ kind: 'vector', samples: [] }),
  isOnline: () => Promise.resolve(true),
};

let dir: string;
let sandbox: Sandbox;
let dyn: LocalDynamo;
let calls: DynamoCalls;
let cp: ControlPlane;

beforeEach(async () => {
  // The cluster as the capture left it (Deployments, Services, VirtualService at 80/20).
  dir = await mkdtemp(join(tmpdir(), 'upgrade-'));
  await copyFile(join(fixtureDir('v0'), 'sandbox.json'), join(dir, 'sandbox.json'));
  sandbox = await startSandbox({
    name: key.cluster,
    rolloutDelayMs: 0,
    namespaces: ['default', 'test'],
    dataFile: join(dir, 'sandbox.json'),
  });
  dyn = await startDynamo();
  await loadRows('v0', dyn, { server: sandbox.httpUrl, token: sandbox.token });
  calls = await countDynamoCalls(dyn.endpoint);
  cp = await startControlPlane({
    // The deploy came a minute after the capture at the earliest (the sandbox stamps conditions with
    // the wall clock, so not before it either): the captured canary is due.
    start: Math.max(Date.now(), capture.clock + 60_000),
    metrics: healthy,
    env: { TABLE_NAME: dyn.table, DYNAMODB_ENDPOINT: calls.endpoint },
  });
});

afterEach(async () => {
  await cp.close();
  await calls.close();
  await dyn.close();
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

const liveWeights = () => virtualServiceWeights(sandbox);

/** The item as stored (straight from dynalite, not through the proxy or the adapters). */
async function rawItem(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
  return (await dyn.db.send(new GetCommand({ TableName: dyn.table, Key: { pk, sk } }))).Item;
}

const canaryPk = `C#${key.cluster}/${key.namespace}/${key.name}`;

/** Runs one step of `message` through the step handler; returns the DynamoDB calls it made. */
async function countedStep(message: Parameters<ControlPlane['step']>[0]): Promise<Record<string, number>> {
  calls.reset();
  const r = await cp.step(message);
  expect(r.batchItemFailures).toEqual([]);
  return calls.counts();
}

describe('rows written by the previous version (6d222e3, schema version 0)', () => {
  it('finish the release that version left half-way, with no extra DynamoDB call per step', async () => {
    const before = await cp.core.store.get(key, signal);
    expect(before?.status).toMatchObject({
      phase: 'Progressing',
      canaryWeight: 20,
      failedChecks: 1,
      pendingCommand: { kind: 'pause', by: tester },
    });
    expect(await rawItem(canaryPk, 'META')).not.toHaveProperty('schemaVersion');
    expect(liveWeights()).toEqual([80, 20]);

    // The action step queued by the old API before the deploy, delivered to the new code.
    // The calls of a step on a new row: the row, the cluster record (this container's first read),
    // the claim, the save and the record (docs/architecture.md, "DynamoDB requests per step").
    const paused = await countedStep({ key, dueAt: capture.clock, action: true });
    expect(paused).toEqual({ GetItem: 2, UpdateItem: 2, PutItem: 1 });
    const row = await cp.core.store.get(key, signal);
    expect(row?.status).toMatchObject({
      phase: 'Progressing',
      paused: true,
      canaryWeight: 20,
      failedChecks: 1,
    });
    expect(row?.status.pendingCommand).toBeUndefined();
    // The save wrote the current shape: the row is at schema version 1 now.
    expect(await rawItem(canaryPk, 'META')).toMatchObject({ schemaVersion: 1, version: 9 });

    // The pause kept the old schedule, so the overdue analysis step runs right after the resume.
    const resumed = await act(cp, key, 'resume');
    expect(resumed.status).toMatchObject({ paused: false, canaryWeight: 30, failedChecks: 1 });
    cp.clock.now = resumed.nextRunAt!;
    await cp.dispatch();
    const [due] = cp.queued.splice(0);
    expect(due).toMatchObject({ key });
    // An analysis step (checks, weight 30 → 40): the cluster record is still this container's.
    const analysis = await countedStep(due);
    expect(analysis).toEqual({ GetItem: 1, UpdateItem: 2, PutItem: 1 });
    expect(liveWeights()).toEqual([60, 40]);

    const run = await stepUntilPhase(cp, key, ['Succeeded'], { read: liveWeights });
    expect(run.row.status).toMatchObject({ phase: 'Succeeded' });
    expect(changes(run.samples)).toEqual([
      [50, 50],
      [100, 0],
    ]);
    expect(imageOf(sandbox, 'podinfo-primary')).toBe('podinfo:6.0.1');

    // Old and new history in one list; automatic steps are by 'controller' whichever version wrote
    // them (the captured items say 'analyze', and are never rewritten).
    const stored = capturedItems('v0').filter((i) => i.sk.S?.startsWith('H#') && i.kind.S === 'step');
    expect(new Set(stored.map((i) => i.actor.S))).toEqual(new Set(['analyze']));
    const history = await historyOf(cp, key);
    const captured = history.filter((h) => h.at <= capture.clock);
    expect(captured.map((h) => [h.kind, h.actor, h.reason])).toEqual([
      ['registration', tester, 'CanaryRegistered'],
      ['step', 'controller', 'Initializing'],
      ['step', 'controller', 'Initialized'],
      ['step', 'controller', 'NewRevisionDetected'],
      ['step', 'controller', 'CanaryWeightIncreased'],
      ['step', 'controller', 'CanaryWeightIncreased'],
      ['step', 'controller', 'CheckFailed'],
      ['operator', tester, 'OperatorPause'],
    ]);
    expect(history.filter((h) => h.kind === 'step').every((h) => h.actor === 'controller')).toBe(true);
    expect(history.at(-1)).toMatchObject({ kind: 'step', reason: 'Promoted', phase: 'Succeeded' });
    expect(history.some((h) => 'schemaVersion' in h)).toBe(false);
  });

  it('keep attributes this code does not know through a step that saves the row', async () => {
    // What a later release might add without a new version: an attribute beside the row's and one
    // in its status.
    await dyn.db.send(
      new UpdateCommand({
        TableName: dyn.table,
        Key: { pk: canaryPk, sk: 'META' },
        UpdateExpression: 'SET addedLater = :a, #status.addedLater = :b',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':a': { owner: 'team-a' }, ':b': [1, 2] },
      }),
    );
    await countedStep({ key, dueAt: capture.clock, action: true });
    expect(await rawItem(canaryPk, 'META')).toMatchObject({
      addedLater: { owner: 'team-a' },
      status: { paused: true, addedLater: [1, 2] },
      schemaVersion: 1,
      version: 9,
    });
  });

  it('serve clusters, templates and alert providers, and the gate the previous version opened', async () => {
    const clusters = await cp.api('GET', '/clusters');
    expect(clusters.body.items).toEqual([expect.objectContaining({ name: 'sandbox', kind: 'endpoint' })]);
    const templates = await cp.api('GET', '/templates');
    expect(templates.body.items).toEqual([
      expect.objectContaining({ name: 'latency', namespace: 'test', provider: expect.anything() }),
    ]);
    const providers = await cp.api('GET', '/alert-providers');
    expect(providers.body.items).toEqual([
      expect.objectContaining({ name: 'on-call', namespace: 'test', type: 'slack', channel: 'on-call' }),
    ]);

    const loadtester = makeLoadtester({ gates: cp.core.gates, logger: silentLogger });
    const gate = (path: string) =>
      loadtester(
        {
          method: 'POST',
          path,
          body: { name: key.name, namespace: key.namespace, metadata: { cluster: key.cluster } },
        },
        signal,
      );
    expect(await gate('/gate/check')).toMatchObject({ status: 200 });
    expect((await rawItem('D#gate', 'gate:sandbox/test/podinfo')) ?? {}).not.toHaveProperty('schemaVersion');
    expect(await gate('/gate/close')).toMatchObject({ status: 202 });
    expect(await gate('/gate/check')).toMatchObject({ status: 403 });
    expect(await rawItem('D#gate', 'gate:sandbox/test/podinfo')).toMatchObject({
      schemaVersion: 1,
      doc: { open: false },
    });
  });
});

describe('a deployment meeting rows of a newer schema version (a rollback)', () => {
  /** What a newer deployment's save would leave: the row stamped with schema version 2. */
  async function markNewer(pk: string, sk: string): Promise<void> {
    await dyn.db.send(
      new UpdateCommand({
        TableName: dyn.table,
        Key: { pk, sk },
        UpdateExpression: 'SET schemaVersion = :v',
        ExpressionAttributeValues: { ':v': 2 },
      }),
    );
  }

  it('refuses to read or step the canary and leaves the row as the newer version wrote it', async () => {
    await markNewer(canaryPk, 'META');
    const before = await rawItem(canaryPk, 'META');

    const got = await cp.api('GET', `/canaries/${key.cluster}/${key.namespace}/${key.name}`);
    expect(got.status).toBe(409);
    expect(got.body.message).toMatch(/canary sandbox\/test\/podinfo .*schema version 2.*reads up to 1/);

    // The step reports the message back to SQS (retried, then dead-lettered): nothing is written.
    const r = await cp.step({ key, dueAt: capture.clock, action: true });
    expect(r.batchItemFailures).toHaveLength(1);
    expect(await rawItem(canaryPk, 'META')).toEqual(before);

    const action = await cp.api(
      'POST',
      `/canaries/${key.cluster}/${key.namespace}/${key.name}/actions/resume`,
    );
    expect(action.status).toBe(409);
    expect(await rawItem(canaryPk, 'META')).toEqual(before);
  });

  it('refuses to overwrite a newer cluster record', async () => {
    await markNewer('D#cluster', 'sandbox');
    const put = await cp.api('POST', '/clusters', {
      name: 'sandbox',
      kind: 'endpoint',
      server: sandbox.httpUrl,
      token: sandbox.token,
    });
    expect(put.status).toBe(409);
    expect(put.body.message).toMatch(/cluster "sandbox".*schema version 2.*reads up to 1/);
    expect(await rawItem('D#cluster', 'sandbox')).toMatchObject({ schemaVersion: 2 });
  });
});
