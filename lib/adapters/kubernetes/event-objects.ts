/**
 * Kubernetes Events about a target Deployment, pure. Repeats are counted like the kubelet's event
 * correlator: the same involved object, type, reason, message and source map to one Event whose
 * `count` and `lastTimestamp` advance. Here the Event's name is derived from those fields, so
 * every Lambda instance finds the same object without an in-memory cache.
 */
import { createHash } from 'node:crypto';
import type { CoreV1Event, V1DaemonSet, V1Deployment } from '@kubernetes/client-node';
import type { TargetKind } from '../../domain/spec/catalog.js';
import type { RecordedEvent } from '../../ports/workloads.js';
import { COMPONENT } from './labels.js';

/** Core Events reject longer messages. */
const MAX_MESSAGE_LENGTH = 1024;

/** The target Deployment or DaemonSet an event is about. */
export interface Involved {
  /** Default Deployment. */
  kind?: TargetKind;
  namespace: string;
  name: string;
  uid?: string;
}

/** Involved object of a live target of `kind`. */
export function involvedOf(kind: TargetKind, d: V1Deployment | V1DaemonSet): Involved {
  return { kind, namespace: d.metadata!.namespace!, name: d.metadata!.name!, uid: d.metadata?.uid };
}

function message(e: RecordedEvent): string {
  return e.message.length <= MAX_MESSAGE_LENGTH
    ? e.message
    : `${e.message.slice(0, MAX_MESSAGE_LENGTH - 3)}...`;
}

/** `<deployment>.<16 hex>`: stable for the same object, type, reason, message and source. */
export function eventName(obj: Involved, e: RecordedEvent): string {
  const key = [obj.uid ?? '', obj.name, e.type, e.reason, message(e), COMPONENT].join('\u0000');
  return `${obj.name}.${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

/** A first occurrence: count 1, first = last = `now`. */
export function newEvent(obj: Involved, e: RecordedEvent, now: Date): CoreV1Event {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: eventName(obj, e), namespace: obj.namespace },
    involvedObject: {
      apiVersion: 'apps/v1',
      kind: obj.kind ?? 'Deployment',
      namespace: obj.namespace,
      name: obj.name,
      uid: obj.uid,
    },
    type: e.type,
    reason: e.reason,
    message: message(e),
    source: { component: COMPONENT },
    reportingComponent: COMPONENT,
    reportingInstance: COMPONENT,
    count: 1,
    firstTimestamp: now,
    lastTimestamp: now,
  };
}

/** The live Event after one more occurrence at `now` (resourceVersion kept for an optimistic write). */
export function repeatedEvent(live: CoreV1Event, now: Date): CoreV1Event {
  return { ...live, count: (live.count ?? 1) + 1, lastTimestamp: now };
}
