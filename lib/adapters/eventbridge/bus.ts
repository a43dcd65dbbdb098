import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DomainEvent } from '../../domain/events.js';
import type { EventBus } from '../../ports/bus.js';

const EVENT_SOURCE = 'flagger-serverless';
const BATCH = 10;

/** PutEvents to our bus; rules route them to the notify function and users' own targets. */
export class EventBridgeBus implements EventBus {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(events: DomainEvent[], signal: AbortSignal): Promise<void> {
    for (let i = 0; i < events.length; i += BATCH) {
      const chunk = events.slice(i, i + BATCH);
      const out = await this.client.send(
        new PutEventsCommand({
          Entries: chunk.map((e) => ({
            EventBusName: this.busName,
            Source: EVENT_SOURCE,
            DetailType: e.type,
            Detail: JSON.stringify(e),
            Time: new Date(e.at),
          })),
        }),
        { abortSignal: signal },
      );
      if ((out.FailedEntryCount ?? 0) > 0) {
        const why = (out.Entries ?? [])
          .filter((x) => x.ErrorCode)
          .map((x) => `${x.ErrorCode}: ${x.ErrorMessage}`);
        throw new Error(`EventBridge rejected ${out.FailedEntryCount} event(s): ${why.join('; ')}`);
      }
    }
  }
}
