import { ForbiddenError } from '../ports/errors.js';
import { gateKey, type GateCaller, type GateGuard, type GateKind, type GateStore } from '../ports/gates.js';
import type { WebhookPayload } from './payload.js';

/** A response of the load tester. */
export interface LoadtesterResponse {
  status: number;
  body: string;
}

/** The stateful gate endpoints of Flagger's load tester (docs/flagger-compatibility.md#load-tester). */
export const GATE_ROUTES: Readonly<Record<string, { kind: GateKind; action: 'check' | 'open' | 'close' }>> =
  Object.freeze({
    '/gate/check': { kind: 'gate', action: 'check' },
    '/gate/open': { kind: 'gate', action: 'open' },
    '/gate/close': { kind: 'gate', action: 'close' },
    '/rollback/check': { kind: 'rollback', action: 'check' },
    '/rollback/open': { kind: 'rollback', action: 'open' },
    '/rollback/close': { kind: 'rollback', action: 'close' },
  });

/**
 * Serves one gate endpoint with Flagger's answers: check → 200 `Approved` when open, 403
 * `Forbidden` when closed (the default); open/close → 202. A `/rollback/check` answering 200 makes a
 * `rollback` hook roll the canary back.
 *
 * Clusters: our webhooks carry `metadata.cluster`, so a check reads the gate of that cluster.
 * An open or close that names a cluster changes only that cluster's gate; Flagger's body without
 * one (`{"name","namespace"}`) changes the gate of that canary in every cluster that has not had
 * its own gate set (a cluster's own state wins).
 *
 * Who may: with a `guard`, an open or close it refuses is a 403 with its reason, before the store
 * is touched; checks are never asked (the step role calls them, whatever the grants). Without one,
 * whoever reaches the load tester may change any gate, as with Flagger's.
 */
export async function serveGate(
  route: (typeof GATE_ROUTES)[string],
  payload: WebhookPayload,
  deps: { gates: GateStore; guard?: GateGuard },
  signal: AbortSignal,
  caller?: GateCaller,
): Promise<LoadtesterResponse> {
  const { gates, guard } = deps;
  const key = gateKey(route.kind, {
    name: payload.name,
    namespace: payload.namespace,
    cluster: payload.metadata.cluster,
  });
  if (route.action === 'check') {
    const own = await gates.get(key, signal);
    const shared =
      own === undefined && payload.metadata.cluster
        ? await gates.get(gateKey(route.kind, { name: payload.name, namespace: payload.namespace }), signal)
        : undefined;
    return (own ?? shared) ? { status: 200, body: 'Approved' } : { status: 403, body: 'Forbidden' };
  }
  const open = route.action === 'open';
  if (guard) {
    const change = {
      kind: route.kind,
      open,
      namespace: payload.namespace,
      cluster: payload.metadata.cluster,
    };
    try {
      await guard.allow(caller ?? { actor: 'anonymous', principals: [] }, change, signal);
    } catch (err) {
      if (err instanceof ForbiddenError) return { status: 403, body: err.message };
      throw err;
    }
  }
  await gates.set(key, { open, by: caller?.actor }, signal);
  return { status: 202, body: `${route.kind} ${open ? 'opened' : 'closed'} for ${key}` };
}
