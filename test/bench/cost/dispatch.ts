/**
 * Dispatch of many due canaries: the real dispatchDue and SqsWorkQueue, the store's Query replaced
 * by a list in memory (its cost is the pages of the due index, counted elsewhere), and SQS by an
 * SDK-level fake that answers each SendMessageBatch after `latencyMs` — the 20 ms.
 */
import { SendMessageBatchCommand, SQSClient, type SendMessageBatchCommandInput } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { dispatchDue } from '../../../lib/app/dispatch-due.js';
import { SqsWorkQueue } from '../../../lib/adapters/sqs/queue.js';
import type { CanaryStore } from '../../../lib/ports/store.js';

export interface DispatchFigure {
  canaries: number;
  calls: number;
  ms: number;
}

export async function benchDispatch(canaries: number, latencyMs = 20): Promise<DispatchFigure> {
  const sqs = mockClient(SQSClient);
  let calls = 0;
  sqs.on(SendMessageBatchCommand).callsFake(async (input: SendMessageBatchCommandInput) => {
    calls++;
    await new Promise((r) => setTimeout(r, latencyMs));
    return {
      Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id!, MessageId: e.Id!, MD5OfMessageBody: '' })),
      Failed: [],
    };
  });
  const now = Date.now();
  const due = Array.from({ length: canaries }, (_, i) => ({
    key: { cluster: 'c', namespace: `ns${i % 10}`, name: `app${i}` },
    nextRunAt: now + (i % 60) * 1000,
  }));
  const store = { listDue: () => Promise.resolve(due) } as unknown as CanaryStore;
  const queue = new SqsWorkQueue(new SQSClient({ region: 'us-east-1' }), 'https://sqs.invalid/q');
  const t = process.hrtime.bigint();
  await dispatchDue({ store, queue, now: () => now }, 60_000, new AbortController().signal);
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  sqs.restore();
  return { canaries, calls, ms };
}
