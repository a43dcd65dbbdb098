import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { StepMessage, WorkQueue } from '../../ports/queue.js';
import { UnavailableError } from '../../ports/errors.js';
import { keyString } from '../../ports/store.js';

/** SQS allows at most 15 minutes of delay and 10 messages per batch. */
const MAX_DELAY_SECONDS = 900;
const BATCH = 10;

/** Batches in flight at once: 10,000 due canaries are 1,000 batches, 50 rounds at this bound. */
const DEFAULT_CONCURRENCY = 20;

/**
 * Sends each step delayed to its second; dispatch only sends steps due within the minute.
 * Batches go out with bounded concurrency; a refused or failed batch does not stop the others,
 * and all refusals are reported together at the end (the next dispatch re-finds those canaries).
 */
export class SqsWorkQueue implements WorkQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly concurrency = DEFAULT_CONCURRENCY,
  ) {}

  async send(messages: StepMessage[], now: number, signal: AbortSignal): Promise<void> {
    const starts: number[] = [];
    for (let i = 0; i < messages.length; i += BATCH) starts.push(i);
    const refused: string[] = [];
    const failures: unknown[] = [];
    let next = 0;
    const worker = async () => {
      while (next < starts.length && !signal.aborted) {
        const i = starts[next++];
        const chunk = messages.slice(i, i + BATCH);
        try {
          refused.push(...(await this.sendBatch(chunk, i, now, signal)));
        } catch (e) {
          failures.push(e);
          refused.push(...chunk.map((m) => `${keyString(m.key)}: ${(e as Error).message}`));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, starts.length) }, worker));
    signal.throwIfAborted();
    if (refused.length > 0) {
      throw new UnavailableError(
        `SQS refused ${refused.length} step message(s): ${refused.slice(0, 20).join('; ')}${refused.length > 20 ? '; …' : ''}`,
        { cause: failures[0] },
      );
    }
  }

  /** One SendMessageBatch; returns the refused entries, named by canary. */
  private async sendBatch(chunk: StepMessage[], offset: number, now: number, signal: AbortSignal) {
    const out = await this.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: this.queueUrl,
        Entries: chunk.map((m, j) => ({
          Id: String(offset + j),
          MessageBody: JSON.stringify(m),
          DelaySeconds: delaySeconds(m.dueAt, now),
        })),
      }),
      { abortSignal: signal },
    );
    return (out.Failed ?? []).map(
      (f) => `${keyString(chunk[Number(f.Id) - offset].key)}: ${f.Message ?? f.Code}`,
    );
  }
}

export function delaySeconds(dueAt: number, now: number): number {
  return Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((dueAt - now) / 1000)));
}
