/**
 * The exits of the process (lib/app/redacting.ts) over in-memory fakes of the ports: what reaches
 * the inner port has the rule applied, with the values each exit knows.
 */
import { describe, expect, it } from 'vitest';
import {
  redactingBus,
  redactingClusters,
  redactingHistory,
  redactingLogger,
} from '../../../lib/app/redacting.js';
import type { DomainEvent } from '../../../lib/domain/events.js';
import type { ClusterRecord } from '../../../lib/ports/cluster.js';
import type { ClusterHandle } from '../../../lib/ports/clusters.js';
import type { HistoryRecord } from '../../../lib/ports/store.js';
import type { RecordedEvent } from '../../../lib/ports/workloads.js';
import { aCanary } from '../spec/builders.js';

const signal = new AbortController().signal;
const basic = Buffer.from('hookuser:Hook-Passw0rd').toString('base64');
/** What a webhook echoed back, as an explanation carries it: only patterns can recognise it here. */
const echo = `{"authorization":"Basic ${basic}","url":"/x?token=Query-T0ken"}`;
const echoed = `rollout hook "t" failed: HTTP 500: ${echo}`;
const secrets = [basic, 'Query-T0ken'];

function expectClean(value: unknown): void {
  const text = JSON.stringify(value);
  for (const s of secrets) expect(text).not.toContain(s);
}

describe('exits of the process', () => {
  it('a logger: message and fields, nested and errors included', () => {
    const lines: unknown[] = [];
    const inner = { info: (...a: unknown[]) => lines.push(a), warn: () => {}, error: () => {} };
    redactingLogger(inner).info(echoed, { nested: { explanation: echoed }, error: new Error(echoed) });
    expect(lines).toHaveLength(1);
    expectClean(lines);
    expect(JSON.stringify(lines)).toContain('\\"authorization\\":\\"***\\"');
  });

  it('a history: records are redacted before they are appended', async () => {
    const stored: HistoryRecord[] = [];
    const history = redactingHistory({
      append: (r) => (stored.push(r), Promise.resolve()),
      list: () => Promise.resolve(stored),
    });
    const key = { cluster: 'c', namespace: 'test', name: 'podinfo' };
    const record: HistoryRecord = {
      key,
      at: 1,
      id: 'step-1',
      kind: 'step',
      actor: 'controller',
      phase: 'Progressing',
      reason: 'CheckFailed',
      explanation: echoed,
      checks: [{ name: 't', explanation: echoed }],
    };
    await history.append(record, signal);
    expect(stored).toHaveLength(1);
    expectClean(stored);
    expect(stored[0]).toMatchObject({ key, id: 'step-1', reason: 'CheckFailed' });
    expect(await history.list(key, { limit: 1 }, signal)).toBe(stored);
  });

  it('a bus: events (what notifications are made from) are redacted before they are published', async () => {
    const published: DomainEvent[] = [];
    const bus = redactingBus({ publish: (e) => (published.push(...e), Promise.resolve()) });
    const event = { type: 'CheckFailed', message: echoed, checks: [{ explanation: echoed }] };
    await bus.publish([event as unknown as DomainEvent], signal);
    expect(published).toHaveLength(1);
    expectClean(published);
    expect(published[0]).toMatchObject({ type: 'CheckFailed' });
  });

  it("Kubernetes Events: masked with the canary's and the cluster's secrets, also bare", async () => {
    const recorded: RecordedEvent[] = [];
    const record: ClusterRecord = {
      name: 'c',
      kind: 'endpoint',
      server: 'https://k',
      token: 'Cluster-T0ken-9',
    };
    const handle = {
      record,
      events: { record: (_c: unknown, e: RecordedEvent) => (recorded.push(e), Promise.resolve()) },
    } as unknown as ClusterHandle;
    const clusters = redactingClusters({ get: () => Promise.resolve(handle) });
    const canary = aCanary({
      'spec.analysis.webhooks': [{ name: 't', url: 'http://hookuser:Hook-Passw0rd@h/x?token=Query-T0ken' }],
    });
    const got = await clusters.get('c', signal);
    const message = `${echoed}; you are hookuser:Hook-Passw0rd; bare Hook-Passw0rd and Cluster-T0ken-9`;
    await got.events.record(canary, { type: 'Warning', reason: 'CheckFailed', message }, new Date(0), signal);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ type: 'Warning', reason: 'CheckFailed' });
    for (const s of [...secrets, 'Hook-Passw0rd', 'Cluster-T0ken-9'])
      expect(recorded[0].message).not.toContain(s);
    expect(got.record).toBe(record);
  });
});
