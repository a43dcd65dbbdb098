/**
 * The {@link EventRecorder} port over core/v1 Events on the target Deployment, so
 * `kubectl describe deployment <target>` lists the release step by step
 * (docs/flagger-compatibility.md#kubernetes-events-and-status; the involved object is the Deployment
 * because there is no Canary object in the cluster). The Event's name is derived from what it says
 * (event-objects.ts), so repeats land on one object whose `count` and `lastTimestamp` advance.
 *
 * Requests, like client-go's event correlator in Flagger's pod: a new Event is one create; a repeat
 * this container wrote before is one merge patch (count + 1, lastTimestamp) guarded by the
 * resourceVersion it got back, remembered in {@link WrittenEvents}. A repeat it did not write (another
 * Lambda container, a cold start) shows as a create conflict and costs a read and an update; so
 * does a remembered one someone else updated meanwhile.
 */
import { PatchStrategy, type CoreV1Event } from '@kubernetes/client-node';
import type { Canary } from '../../domain/spec/schema.js';
import { targetKind, targetName } from '../../domain/spec/accessors.js';
import type { EventRecorder, RecordedEvent } from '../../ports/workloads.js';
import type { ClusterClients } from './client.js';
import { ConflictError, NotFoundError } from './errors.js';
import { eventName, involvedOf, newEvent, repeatedEvent, type Involved } from './event-objects.js';
import { Resources } from './resources.js';

const ATTEMPTS = 3;

/** What this container last wrote of one Event. */
interface Written {
  count: number;
  resourceVersion?: string;
}

/**
 * The count and resourceVersion of the Events this container wrote, by cluster, namespace and
 * name; bounded (the oldest is dropped), and only ever a shortcut: a stale entry costs a conflict.
 */
export class WrittenEvents {
  private readonly written = new Map<string, Written>();

  constructor(private readonly max = 2048) {}

  get(key: string): Written | undefined {
    return this.written.get(key);
  }

  set(key: string, w: Written): void {
    this.written.delete(key);
    this.written.set(key, w);
    if (this.written.size > this.max) this.written.delete(this.written.keys().next().value!);
  }
}

/** {@link EventRecorder} writing core/v1 Events. */
export class KubernetesEventRecorder implements EventRecorder {
  constructor(
    private readonly clients: ClusterClients,
    private readonly written = new WrittenEvents(),
  ) {}

  /** The target is read through the step's cache: the step has read it already. */
  async record(canary: Canary, event: RecordedEvent, now: Date, signal: AbortSignal): Promise<void> {
    const kind = targetKind(canary);
    const r = new Resources(this.clients, canary.metadata.namespace);
    const obj = involvedOf(kind, await r.getWorkload(kind, targetName(canary), signal));
    const name = eventName(obj, event);
    const key = `${this.clients.cluster}/${obj.namespace}/${name}`;
    const live = await this.write(obj, event, name, this.written.get(key), now, signal);
    this.written.set(key, { count: live.count ?? 1, resourceVersion: live.metadata.resourceVersion });
  }

  private async write(
    obj: Involved,
    event: RecordedEvent,
    name: string,
    known: Written | undefined,
    now: Date,
    signal: AbortSignal,
  ): Promise<CoreV1Event> {
    if (known) {
      try {
        return await this.patch(obj.namespace, name, known, now, signal);
      } catch (e) {
        if (e instanceof ConflictError) return this.increment(obj.namespace, name, now, signal);
        if (!(e instanceof NotFoundError)) throw e;
      }
    }
    try {
      return await this.create(newEvent(obj, event, now), signal);
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
    }
    return this.increment(obj.namespace, name, now, signal);
  }

  private create(body: CoreV1Event, signal: AbortSignal): Promise<CoreV1Event> {
    const c = this.clients;
    const namespace = body.metadata.namespace!;
    return c.call(`Event ${namespace}/${body.metadata.name} create`, signal, (o) =>
      c.core.createNamespacedEvent({ namespace, body }, o),
    );
  }

  /** One more occurrence of an Event this container wrote as `known`. */
  private patch(
    namespace: string,
    name: string,
    known: Written,
    now: Date,
    signal: AbortSignal,
  ): Promise<CoreV1Event> {
    const c = this.clients;
    const body = {
      metadata: { resourceVersion: known.resourceVersion },
      count: known.count + 1,
      lastTimestamp: now.toISOString(),
    };
    return c.call(
      `Event ${namespace}/${name} patch`,
      signal,
      (o) => c.core.patchNamespacedEvent({ name, namespace, body }, o),
      PatchStrategy.MergePatch,
    );
  }

  /** One more occurrence of an Event as it is live: read, then update with its resourceVersion. */
  private async increment(
    namespace: string,
    name: string,
    now: Date,
    signal: AbortSignal,
  ): Promise<CoreV1Event> {
    const c = this.clients;
    for (let attempt = 1; ; attempt++) {
      const live = await c.call(`Event ${namespace}/${name} get`, signal, (o) =>
        c.core.readNamespacedEvent({ name, namespace }, o),
      );
      try {
        return await c.call(`Event ${namespace}/${name} update`, signal, (o) =>
          c.core.replaceNamespacedEvent({ name, namespace, body: repeatedEvent(live, now) }, o),
        );
      } catch (e) {
        if (!(e instanceof ConflictError) || attempt >= ATTEMPTS) throw e;
      }
    }
  }
}
