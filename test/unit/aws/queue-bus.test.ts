// SDK-level fakes are allowed for AWS services with no local server (SQS, EventBridge).
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendMessageBatchCommand, SQSClient, type SendMessageBatchCommandInput } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeBus } from '../../../lib/adapters/eventbridge/bus.js';
import { SqsWorkQueue, delaySeconds } from '../../../lib/adapters/sqs/queue.js';
import type { DomainEvent } from '../../../lib/domain/events.js';
import { UnavailableError } from '../../../lib/ports/errors.js';

const signal = new AbortController().signal;
const sqs = mockClient(SQSClient);
const eb = mockClient(EventBridgeClient);
beforeEach(() => {
  sqs.reset();
  eb.reset();
});

describe('SqsWorkQueue', () => {
  it.each([
    { dueAt: 1_000, now: 5_000, want: 0 },
    { dueAt: 5_000, now: 5_000, want: 0 },
    { dueAt: 15_500, now: 5_000, want: 11 },
    { dueAt: 5_000_000, now: 5_000, want: 900 },
  ])('delays a step due at $dueAt by $want s at $now', ({ dueAt, now, want }) => {
    expect(delaySeconds(dueAt, now)).toBe(want);
  });

  it('sends batches of ten delayed to each step second and reports refused messages by canary', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const q = new SqsWorkQueue(new SQSClient({ region: 'us-east-1' }), 'https://sqs/q');
    const msgs = Array.from({ length: 12 }, (_, i) => ({
      key: { cluster: 'c', namespace: 'n', name: `a${i}` },
      dueAt: 10_000 + i * 1000,
    }));
    await q.send(msgs, 10_000, signal);
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([10, 2]);
    expect(calls[1].args[0].input.Entries![1]).toEqual({
      Id: '11',
      MessageBody: JSON.stringify(msgs[11]),
      DelaySeconds: 11,
    });

    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [],
      Failed: [{ Id: '0', Code: 'X', Message: 'throttled', SenderFault: false }],
    });
    await expect(q.send(msgs.slice(0, 1), 10_000, signal)).rejects.toThrow('c/n/a0: throttled');
  });
});

describe('SqsWorkQueue concurrency', () => {
  function messages(n: number) {
    return Array.from({ length: n }, (_, i) => ({
      key: { cluster: 'c', namespace: 'n', name: `a${i}` },
      dueAt: 10_000,
    }));
  }

  it('keeps at most `concurrency` batches in flight and sends every message once', async () => {
    let inFlight = 0;
    let peak = 0;
    sqs.on(SendMessageBatchCommand).callsFake(async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return { Successful: [], Failed: [] };
    });
    const q = new SqsWorkQueue(new SQSClient({ region: 'us-east-1' }), 'https://sqs/q', 4);
    await q.send(messages(95), 10_000, signal);
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls).toHaveLength(10);
    expect(peak).toBe(4);
    const bodies = calls.flatMap((c) => c.args[0].input.Entries!.map((e) => e.MessageBody));
    expect(new Set(bodies).size).toBe(95);
  });

  it('a failed batch does not stop the others; all refusals are reported together', async () => {
    let n = 0;
    sqs.on(SendMessageBatchCommand).callsFake(async (input: SendMessageBatchCommandInput) => {
      await Promise.resolve();
      if (n++ === 0) throw new Error('socket hang up');
      const ids = (input.Entries ?? []).map((e) => e.Id!).filter((id) => id === '25');
      return {
        Successful: [],
        Failed: ids.map((Id) => ({ Id, Code: 'X', Message: 'throttled', SenderFault: false })),
      };
    });
    const q = new SqsWorkQueue(new SQSClient({ region: 'us-east-1' }), 'https://sqs/q', 2);
    const err = await q.send(messages(30), 10_000, signal).catch((e: unknown) => e);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(3);
    expect(err).toBeInstanceOf(UnavailableError);
    expect((err as Error).message).toMatch(/^SQS refused 11 step message\(s\): c\/n\/a0: socket hang up/);
    expect((err as Error).message).toContain('c/n/a25: throttled');
  });
});

describe('EventBridgeBus', () => {
  it('publishes each event with our source, its type as detail-type and the event as detail', async () => {
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    const bus = new EventBridgeBus(new EventBridgeClient({ region: 'us-east-1' }), 'bus');
    const e = {
      type: 'Promoted',
      at: '2026-01-01T00:00:00.000Z',
      canary: { cluster: 'c', namespace: 'n', name: 'a' },
    } as DomainEvent;
    await bus.publish([e], signal);
    const entry = eb.commandCalls(PutEventsCommand)[0].args[0].input.Entries![0];
    expect(entry).toMatchObject({
      EventBusName: 'bus',
      Source: 'flagger-serverless',
      DetailType: 'Promoted',
    });
    expect(JSON.parse(entry.Detail!)).toEqual(e);

    eb.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'Throttled', ErrorMessage: 'slow down' }],
    });
    await expect(bus.publish([e], signal)).rejects.toThrow('Throttled: slow down');
  });
});
