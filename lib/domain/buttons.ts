/**
 * Chat buttons on release messages (docs/slack.md): which event carries which buttons, what a
 * button's value says, and whether a click on it still applies. Pure.
 *
 * A button's value names the canary, the action and the state the message was about (the
 * revision, and for Approve the gate and the weight/iteration it waits at), plus a nonce derived
 * from the event: all buttons of one message share it, so the first decision taken on a message
 * is the only one (a replayed or second click finds it taken), and a click on a message about a
 * state the canary has left is refused as stale.
 */
import { createHash } from 'node:crypto';
import type { DomainEvent } from './events.js';
import type { Phase } from './phase.js';
import type { Reason } from './reasons.js';
import type { CanaryStatus, ConfirmGate } from './status.js';

/** What a button asks for: the operator actions a person decides from a chat message. */
export type ButtonAction = 'approve' | 'abort' | 'pause';

/** A canary's identity (cluster/namespace/name), as in the store's key. */
interface CanaryRef {
  cluster: string;
  namespace: string;
  name: string;
}

/** What a button's value carries. */
export interface ButtonValue {
  canary: CanaryRef;
  action: ButtonAction;
  /** For approve: the gate it opens. */
  gate?: ConfirmGate;
  /** The revision under release when the message was posted (status.lastAppliedSpec). */
  revision?: string;
  /** For approve: where the gate held the canary (a later wait of the same gate is another one). */
  weight?: number;
  iterations?: number;
  /** Shared by the buttons of one message; derived from the event. */
  nonce: string;
}

/** The confirm gate behind each WaitingApproval reason the domain emits. */
export const gateOfReason: Partial<Record<Reason, ConfirmGate>> = {
  WaitingForApproval: 'confirm-rollout',
  TrafficIncreaseNotApproved: 'confirm-traffic-increase',
  WaitingPromotion: 'confirm-promotion',
};

/** Events about a release in progress: their messages offer Abort and Pause. */
const progressEvents: readonly DomainEvent['type'][] = ['ReleaseStarted', 'WeightChanged', 'CheckFailed'];
const releasing: readonly Phase[] = ['Waiting', 'Progressing', 'WaitingPromotion'];

/**
 * The buttons of the message about `event`, in display order: Approve, Abort, Pause for a pending
 * gate; Abort, Pause for a release in progress; none otherwise.
 */
export function buttonsFor(event: DomainEvent): ButtonValue[] {
  const base = {
    canary: { ...event.canary },
    nonce: nonceOf(event),
    ...(event.revision !== undefined ? { revision: event.revision } : {}),
  };
  const gate = event.type === 'WaitingApproval' ? gateOfReason[event.reason] : undefined;
  const inRelease = releasing.includes(event.phase);
  if (gate && inRelease) {
    const approve: ButtonValue = {
      ...base,
      action: 'approve',
      gate,
      weight: event.canaryWeight,
      iterations: event.iterations,
    };
    return [approve, { ...base, action: 'abort' }, { ...base, action: 'pause' }];
  }
  if (progressEvents.includes(event.type) && inRelease)
    return [
      { ...base, action: 'abort' },
      { ...base, action: 'pause' },
    ];
  return [];
}

/**
 * Whether the buttons of a message can work where it is posted. Slack sends a click to the app
 * that posted the message; it is answered only when this deployment serves that app's
 * interactivity (docs/slack.md, "Where buttons appear").
 */
export interface ButtonReach {
  /**
   * The deployment answers clicks: its Slack app's interactivity is set up (the `slackButtons`
   * parameter, SLACK_BUTTONS; in local mode, a SLACK_SIGNING_SECRET).
   */
  interactive: boolean;
  /**
   * The provider's say: false for a webhook of another workspace or app (AlertProvider `buttons`,
   * or its annotation `flagger-serverless.app/slack-buttons: "false"`). Absent: yes.
   */
  provider?: boolean;
}

/**
 * The buttons of the message about `event` posted where `reach` says: {@link buttonsFor}, or none
 * where a click could not be answered (a button that does nothing is worse than no button).
 */
export function messageButtons(event: DomainEvent, reach: ButtonReach): ButtonValue[] {
  return reach.interactive && reach.provider !== false ? buttonsFor(event) : [];
}

/** A nonce for the message about `event`: the same event always gives the same one. */
function nonceOf(event: DomainEvent): string {
  const { cluster, namespace, name } = event.canary;
  const identity = [cluster, namespace, name, event.type, event.reason, event.at, event.revision ?? ''];
  return createHash('sha256').update(identity.join('\n')).digest('base64url').slice(0, 22);
}

/** Slack's limit for a button value. */
const VALUE_LIMIT = 2000;

/** The wire form of a button's value (short keys: Slack allows 2000 characters). */
export function encodeButton(v: ButtonValue): string {
  return JSON.stringify({
    c: [v.canary.cluster, v.canary.namespace, v.canary.name],
    a: v.action,
    g: v.gate,
    r: v.revision,
    w: v.weight,
    i: v.iterations,
    n: v.nonce,
  });
}

const actions: readonly ButtonAction[] = ['approve', 'abort', 'pause'];
const gates: readonly ConfirmGate[] = ['confirm-rollout', 'confirm-traffic-increase', 'confirm-promotion'];

/** The value of a button we made, or undefined for anything else (the value is untrusted input). */
export function decodeButton(raw: string): ButtonValue | undefined {
  if (raw.length > VALUE_LIMIT) return undefined;
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof o !== 'object' || o === null) return undefined;
  const c = o.c;
  const text = (x: unknown) => typeof x === 'string' && x.length > 0 && x.length <= 253;
  const optional = (x: unknown, ok: (y: unknown) => boolean) => x === undefined || ok(x);
  const count = (x: unknown) => Number.isInteger(x) && (x as number) >= 0;
  if (!Array.isArray(c) || c.length !== 3 || !c.every(text)) return undefined;
  if (!actions.includes(o.a as ButtonAction) || !text(o.n)) return undefined;
  if (!optional(o.g, (g) => gates.includes(g as ConfirmGate)) || (o.a === 'approve') !== (o.g !== undefined))
    return undefined;
  if (!optional(o.r, text) || !optional(o.w, count) || !optional(o.i, count)) return undefined;
  const [cluster, namespace, name] = c as string[];
  const value: ButtonValue = {
    canary: { cluster, namespace, name },
    action: o.a as ButtonAction,
    nonce: o.n as string,
  };
  if (o.g !== undefined) value.gate = o.g as ConfirmGate;
  if (o.r !== undefined) value.revision = o.r as string;
  if (o.w !== undefined) value.weight = o.w as number;
  if (o.i !== undefined) value.iterations = o.i as number;
  return value;
}

/**
 * Why a click on `button` no longer applies to a canary in `status`, or undefined when it does:
 * the canary releases another revision than the message was about, or (approve) the gate waits at
 * another weight or iteration than the message showed. Whether the action applies at all in the
 * current phase is the operator use case's rule (lib/domain/commands.ts), not repeated here.
 */
export function staleness(button: ButtonValue, status: CanaryStatus): string | undefined {
  if (button.revision !== undefined && status.lastAppliedSpec !== button.revision)
    return `this message is about revision ${button.revision}; the canary now releases ${status.lastAppliedSpec ?? 'none'}`;
  if (button.action !== 'approve') return undefined;
  const moved =
    (button.weight !== undefined && status.canaryWeight !== button.weight) ||
    (button.iterations !== undefined && status.iterations !== button.iterations);
  return moved
    ? `this message is about the ${button.gate} wait at ${button.weight}% (iteration ${button.iterations}); the canary is now at ${status.canaryWeight}% (iteration ${status.iterations})`
    : undefined;
}
