import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { StepMessage, WorkQueue } from '../../ports/queue.js';
import { keyString } from '../../ports/store.js';

/** SQS allows at most 15 minutes of delay and 10 messages per batch. */
const MAX_DELAY_SECONDS = 900;
const BATCH = 10;

/** Sends each step delayed to its second; dispatch only sends steps due within the minute. */
export class SqsWorkQueue implements WorkQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(messages: StepMessage[], now: number, signal: AbortSignal): Promise<void> {
    for (let i = 0; i < messages.length; i += BATCH) {
      const chunk = messages.slice(i, i + BATCH);
      const out = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: chunk.map((m, j) => ({
            Id: String(i + j),
            MessageBody: JSON.stringify(m),
            DelaySeconds: delaySeconds(m.dueAt, now),
          })),
        }),
        { abortSignal: signal },
      );
      if (out.Failed && out.Failed.length > 0) {
        const names = out.Failed.map(
          (f) => `${keyString(chunk[Number(f.Id) - i].key)}: ${f.Message ?? f.Code}`,
        );
        throw new Error(`SQS refused ${out.Failed.length} step message(s): ${names.join('; ')}`);
      }
    }
  }
}

export function delaySeconds(dueAt: number, now: number): number {
  return Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((dueAt - now) / 1000)));
}
