/** Shared shape and assertion of the decide() table rows. */
import { expect } from 'vitest';
import type { Action } from '../../../lib/domain/actions.js';
import { decide, type NeedInput } from '../../../lib/domain/decide/index.js';
import type { DomainEventType } from '../../../lib/domain/events.js';
import type { Observations } from '../../../lib/domain/observations.js';
import type { Phase } from '../../../lib/domain/phase.js';
import type { Reason } from '../../../lib/domain/reasons.js';
import type { Canary } from '../../../lib/domain/spec/schema.js';
import type { CanaryStatus } from '../../../lib/domain/status.js';
import { effects, routesOf } from '../../support/builders.js';

/** What a row expects; only the fields given are checked. */
interface Want {
  need?: NeedInput;
  reason?: Reason;
  phase?: Phase;
  /** Exact `setRoutes` of the step, as `primary/canary[m]`. */
  routes?: string[];
  /** Exact effect kinds (reconciliation and recordEvent filtered out), in order. */
  effects?: Action['kind'][];
  /** Effect kinds that must be present. */
  includes?: Action['kind'][];
  /** Effect kinds that must be absent. */
  excludes?: Action['kind'][];
  status?: Partial<CanaryStatus>;
  /** Exact domain event types, in order. */
  events?: DomainEventType[];
  /** nextRunAt − now, in ms (null: not scheduled). */
  nextRunIn?: number | null;
  /** A substring of some recordEvent message. */
  kubeEvent?: string;
}

export interface Row {
  name: string;
  canary: Canary;
  status: CanaryStatus;
  obs: Observations;
  want: Want;
}

/** Runs decide() on a row and checks `want`. */
export function check({ canary, status, obs, want }: Row): void {
  const d = decide(canary, status, obs);
  if (want.need) {
    expect(d).toMatchObject({ kind: 'need', inputs: [want.need], reason: 'InputsRequired' });
    return;
  }
  if (d.kind !== 'step')
    throw new Error(`expected a step, got need ${JSON.stringify(d.inputs)}: ${d.explanation}`);
  expect(d.explanation).toMatch(/^[^\n]+$/);
  if (want.reason) expect(d.reason, d.explanation).toBe(want.reason);
  if (want.phase) expect(d.status.phase).toBe(want.phase);
  if (want.routes) expect(routesOf(d)).toEqual(want.routes);
  if (want.effects) expect(effects(d)).toEqual(want.effects);
  for (const k of want.includes ?? []) expect(d.actions.map((a) => a.kind)).toContain(k);
  for (const k of want.excludes ?? []) expect(d.actions.map((a) => a.kind)).not.toContain(k);
  if (want.status) {
    const defined = Object.fromEntries(Object.entries(want.status).filter(([, v]) => v !== undefined));
    expect(d.status).toMatchObject(defined);
    for (const [k, v] of Object.entries(want.status))
      if (v === undefined) expect(d.status[k as keyof CanaryStatus], k).toBeUndefined();
  }
  if (want.events) expect(d.events.map((e) => e.type)).toEqual(want.events);
  if (want.nextRunIn !== undefined)
    expect(d.nextRunAt === undefined ? null : d.nextRunAt - obs.now).toBe(want.nextRunIn);
  if (want.kubeEvent) {
    const messages = d.actions.flatMap((a) => (a.kind === 'recordEvent' ? [a.message] : []));
    expect(messages.join('\n')).toContain(want.kubeEvent);
  }
  if (!want.status || !('pendingCommand' in want.status)) expect(d.status.pendingCommand).toBeUndefined();
}
