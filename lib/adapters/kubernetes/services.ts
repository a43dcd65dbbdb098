/**
 * The three ClusterIP Services (docs/flagger-compatibility.md#workloads-and-services), pure: desired
 * objects and the minimal merge patch that turns a live Service into the desired one (compute, then
 * apply — STYLE.md habit 4).
 */
import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import type { Canary } from '../../domain/spec/schema.js';
import { apexName, canaryName, portName, primaryName, targetPort } from '../../domain/spec/accessors.js';
import { canonicalJson } from './hashing.js';
import type { SelectorLabel } from './labels.js';
import { ownerLabels } from './labels.js';

/** Which of the three Services. */
export type ServiceRole = 'apex' | 'canary' | 'primary';

/** Service name per role: `<apex>`, `<apex>-canary`, `<apex>-primary`. */
function serviceName(canary: Canary, role: ServiceRole): string {
  if (role === 'apex') return apexName(canary);
  return role === 'canary' ? canaryName(canary) : primaryName(canary);
}

/** The single TCP port: `{ name: portName, port, targetPort, appProtocol? }`. */
function servicePort(canary: Canary): V1ServicePort {
  const port: V1ServicePort = {
    name: portName(canary),
    port: canary.spec.service.port,
    targetPort: targetPort(canary),
    protocol: 'TCP',
  };
  if (canary.spec.service.appProtocol) port.appProtocol = canary.spec.service.appProtocol;
  return port;
}

/**
 * The desired Service: apex and primary select primary pods, canary selects the target's pods.
 * The role's `service.<role>` labels and annotations are added (Flagger's; Kuma's tutorial sets
 * `<port>.service.kuma.io/protocol: http` this way); the selector label and ours win a clash.
 */
export function desiredService(canary: Canary, role: ServiceRole, sel: SelectorLabel): V1Service {
  const value = role === 'canary' ? sel.canaryValue : sel.primaryValue;
  const extra = canary.spec.service[role];
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: serviceName(canary, role),
      namespace: canary.metadata.namespace,
      labels: { ...extra?.labels, [sel.key]: value, ...ownerLabels(canary) },
      ...(extra?.annotations ? { annotations: { ...extra.annotations } } : {}),
    },
    spec: { type: 'ClusterIP', selector: { [sel.key]: value }, ports: [servicePort(canary)] },
  };
}

/**
 * A JSON merge patch from `live` to `desired` (selector replaced exactly — stale keys set to null;
 * ports replaced, keeping live nodePorts; our labels and annotations added), or `undefined` when
 * nothing differs.
 */
export function servicePatch(live: V1Service, desired: V1Service): Record<string, unknown> | undefined {
  const selector = exactMap(live.spec?.selector, desired.spec?.selector ?? {});
  const ports = (desired.spec?.ports ?? []).map((p) => keepNodePort(p, live.spec?.ports));
  const labels = missingLabels(live.metadata?.labels, desired.metadata?.labels ?? {});
  const annotations = missingLabels(live.metadata?.annotations, desired.metadata?.annotations ?? {});
  const samePorts =
    canonicalJson(ports.map(comparable)) === canonicalJson((live.spec?.ports ?? []).map(comparable));
  if (!selector && samePorts && !labels && !annotations) return undefined;
  const spec: Record<string, unknown> = {};
  if (selector) spec.selector = selector;
  if (!samePorts) spec.ports = ports;
  const patch: Record<string, unknown> = {};
  if (Object.keys(spec).length > 0) patch.spec = spec;
  if (labels || annotations)
    patch.metadata = { ...(labels && { labels }), ...(annotations && { annotations }) };
  return patch;
}

function exactMap(
  live: Record<string, string> | undefined,
  desired: Record<string, string>,
): Record<string, string | null> | undefined {
  const patch: Record<string, string | null> = {};
  for (const k of Object.keys(live ?? {})) if (!(k in desired)) patch[k] = null;
  for (const [k, v] of Object.entries(desired)) if (live?.[k] !== v) patch[k] = v;
  return Object.keys(patch).length > 0 ? patch : undefined;
}

function missingLabels(
  live: Record<string, string> | undefined,
  desired: Record<string, string>,
): Record<string, string> | undefined {
  const out = Object.fromEntries(Object.entries(desired).filter(([k, v]) => live?.[k] !== v));
  return Object.keys(out).length > 0 ? out : undefined;
}

function keepNodePort(p: V1ServicePort, live: V1ServicePort[] | undefined): V1ServicePort {
  const match = live?.find((l) => l.port === p.port && l.nodePort !== undefined);
  return match ? { ...p, nodePort: match.nodePort } : p;
}

function comparable(p: V1ServicePort): Record<string, unknown> {
  return {
    name: p.name,
    port: p.port,
    targetPort: p.targetPort ?? p.port,
    protocol: p.protocol ?? 'TCP',
    appProtocol: p.appProtocol,
  };
}
