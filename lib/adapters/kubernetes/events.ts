/**
 * The {@link EventRecorder} port over core/v1 Events on the target Deployment, so
 * `kubectl describe deployment <target>` lists the release step by step
 * (docs/flagger-compatibility.md#kubernetes-events-and-status; the involved object is the Deployment
 * because there is no Canary object in the cluster). Repeats increment `count` and move `lastTimestamp`
 * (event-objects.ts), written with the live resourceVersion; on a lost race the write is retried a few
 * times.
 */
import type { CoreV1Event } from '@kubernetes/client-node';
import type { Canary } from '../../domain/spec/schema.js';
import { targetName } from '../../domain/spec/accessors.js';
import type { EventRecorder, RecordedEvent } from '../../ports/workloads.js';
import type { ClusterClients } from './client.js';
import { ConflictError } from './errors.js';
import { eventName, involvedOf, newEvent, repeatedEvent, type Involved } from './event-objects.js';
import { optional, Resources } from './resources.js';

const ATTEMPTS = 3;

/** {@link EventRecorder} writing core/v1 Events. */
export class KubernetesEventRecorder implements EventRecorder {
  constructor(private readonly clients: ClusterClients) {}

  async record(canary: Canary, event: RecordedEvent, now: Date, signal: AbortSignal): Promise<void> {
    const target = await new Resources(this.clients, canary.metadata.namespace).getDeployment(
      targetName(canary),
      signal,
    );
    const obj = involvedOf(target);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.upsert(obj, event, now, signal);
        return;
      } catch (e) {
        if (!(e instanceof ConflictError) || attempt >= ATTEMPTS) throw e;
      }
    }
  }

  private async upsert(obj: Involved, event: RecordedEvent, now: Date, signal: AbortSignal): Promise<void> {
    const name = eventName(obj, event);
    const live = await optional(this.get(obj.namespace, name, signal));
    if (!live) {
      await this.write(obj.namespace, newEvent(obj, event, now), false, signal);
      return;
    }
    await this.write(obj.namespace, repeatedEvent(live, now), true, signal);
  }

  private get(namespace: string, name: string, signal: AbortSignal): Promise<CoreV1Event> {
    const c = this.clients;
    return c.call(`Event ${namespace}/${name} get`, signal, (o) =>
      c.core.readNamespacedEvent({ name, namespace }, o),
    );
  }

  private write(
    namespace: string,
    body: CoreV1Event,
    update: boolean,
    signal: AbortSignal,
  ): Promise<CoreV1Event> {
    const c = this.clients;
    const name = body.metadata.name!;
    return c.call(`Event ${namespace}/${name} ${update ? 'update' : 'create'}`, signal, (o) =>
      update
        ? c.core.replaceNamespacedEvent({ name, namespace, body }, o)
        : c.core.createNamespacedEvent({ namespace, body }, o),
    );
  }
}
