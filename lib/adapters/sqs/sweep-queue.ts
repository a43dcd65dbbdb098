import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { UnavailableError } from '../../ports/errors.js';
import type { SweepMessage, SweepQueue } from '../../ports/queue.js';

/** SQS takes at most 10 messages per batch. */
const BATCH = 10;

/** One message per cluster to the sweep queue; a refused entry fails the send (dispatch logs it). */
export class SqsSweepQueue implements SweepQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(messages: SweepMessage[], signal: AbortSignal): Promise<void> {
    const refused: string[] = [];
    for (let i = 0; i < messages.length; i += BATCH) {
      const chunk = messages.slice(i, i + BATCH);
      const out = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: chunk.map((m, j) => ({ Id: String(j), MessageBody: JSON.stringify(m) })),
        }),
        { abortSignal: signal },
      );
      for (const f of out.Failed ?? [])
        refused.push(`${chunk[Number(f.Id)].cluster}: ${f.Message ?? f.Code}`);
    }
    if (refused.length > 0) throw new UnavailableError(`SQS refused sweep message(s): ${refused.join('; ')}`);
  }
}
