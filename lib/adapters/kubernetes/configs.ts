/**
 * ConfigMap/Secret tracking (docs/flagger-compatibility.md#change-detection), pure: which configs a pod
 * spec references, which of them are tracked, their checksums, their `-primary` copies and the pod spec
 * rewritten to use the copies. Init containers are scanned too (Flagger does since 1.x); missing or
 * untracked configs keep their original references.
 */
import type { V1ConfigMap, V1Container, V1PodSpec, V1Secret, V1Volume } from '@kubernetes/client-node';
import { configChecksum } from './hashing.js';
import { CONFIG_TRACKING_ANNOTATION } from './labels.js';

export type ConfigKind = 'configmap' | 'secret';

/** Config names referenced by a pod spec, per kind. */
export interface ConfigRefs {
  configmap: Set<string>;
  secret: Set<string>;
}

/** Secret types whose content is application config (image-pull secrets and tokens are not). */
const TRACKED_SECRET_TYPES: readonly string[] = [
  'Opaque',
  'kubernetes.io/basic-auth',
  'kubernetes.io/ssh-auth',
  'kubernetes.io/tls',
];

/** Every ConfigMap/Secret referenced by volumes, projected volumes, env and envFrom. */
export function configRefs(spec: V1PodSpec | undefined): ConfigRefs {
  const refs: ConfigRefs = { configmap: new Set(), secret: new Set() };
  for (const v of spec?.volumes ?? []) volumeRefs(v, refs);
  for (const c of containers(spec)) containerRefs(c, refs);
  return refs;
}

function containers(spec: V1PodSpec | undefined): V1Container[] {
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
}

function volumeRefs(v: V1Volume, refs: ConfigRefs): void {
  if (v.configMap?.name) refs.configmap.add(v.configMap.name);
  if (v.secret?.secretName) refs.secret.add(v.secret.secretName);
  for (const s of v.projected?.sources ?? []) {
    if (s.configMap?.name) refs.configmap.add(s.configMap.name);
    if (s.secret?.name) refs.secret.add(s.secret.name);
  }
}

function containerRefs(c: V1Container, refs: ConfigRefs): void {
  for (const e of c.env ?? []) {
    if (e.valueFrom?.configMapKeyRef?.name) refs.configmap.add(e.valueFrom.configMapKeyRef.name);
    if (e.valueFrom?.secretKeyRef?.name) refs.secret.add(e.valueFrom.secretKeyRef.name);
  }
  for (const e of c.envFrom ?? []) {
    if (e.configMapRef?.name) refs.configmap.add(e.configMapRef.name);
    if (e.secretRef?.name) refs.secret.add(e.secretRef.name);
  }
}

/** Whether a config takes part in tracking: not opted out, and for Secrets of a tracked type. */
export function isTracked(kind: ConfigKind, obj: V1ConfigMap | V1Secret): boolean {
  if (obj.metadata?.annotations?.[CONFIG_TRACKING_ANNOTATION] === 'disabled') return false;
  if (kind === 'configmap') return true;
  return TRACKED_SECRET_TYPES.includes((obj as V1Secret).type ?? 'Opaque');
}

/** A tracked config as read from the cluster. */
export type TrackedConfig = { kind: 'configmap'; object: V1ConfigMap } | { kind: 'secret'; object: V1Secret };

/** Tracking key as Flagger writes it in `status.trackedConfigs`: `configmap/<name>`. */
function trackingKey(kind: ConfigKind, name: string): string {
  return `${kind}/${name}`;
}

/** `{ "configmap/<name>": checksum }` for every tracked config. */
export function trackedChecksums(configs: readonly TrackedConfig[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of configs)
    out[trackingKey(c.kind, c.object.metadata?.name ?? '')] = configChecksum(c.object.data);
  return out;
}

/** Names that are tracked, per kind (what the rewrite renames). */
export function trackedNames(configs: readonly TrackedConfig[]): ConfigRefs {
  const refs: ConfigRefs = { configmap: new Set(), secret: new Set() };
  for (const c of configs) refs[c.kind].add(c.object.metadata?.name ?? '');
  return refs;
}

/** The `-primary` copy of a tracked config: same data (and Secret type), labels plus `labels`. */
export function primaryConfig(c: TrackedConfig, labels: Record<string, string>): TrackedConfig {
  const meta = c.object.metadata ?? {};
  const metadata = {
    name: `${meta.name}-primary`,
    namespace: meta.namespace,
    labels: { ...(meta.labels ?? {}), ...labels },
  };
  if (c.kind === 'configmap') {
    return {
      kind: 'configmap',
      object: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata,
        data: c.object.data,
        binaryData: c.object.binaryData,
      },
    };
  }
  return {
    kind: 'secret',
    object: { apiVersion: 'v1', kind: 'Secret', metadata, type: c.object.type, data: c.object.data },
  };
}

/** Whether a live `-primary` copy already holds the desired content (no write needed). */
export function sameConfig(live: TrackedConfig['object'], desired: TrackedConfig['object']): boolean {
  return (
    configChecksum(live.data) === configChecksum(desired.data) &&
    JSON.stringify(sortedEntries(live.metadata?.labels)) ===
      JSON.stringify(sortedEntries(desired.metadata?.labels))
  );
}

function sortedEntries(m: Record<string, string> | undefined): [string, string][] {
  return Object.entries(m ?? {}).sort(([a], [b]) => a.localeCompare(b));
}

/** A deep copy of `spec` whose references to `tracked` configs point at their `-primary` copies. */
export function rewriteConfigRefs(spec: V1PodSpec, tracked: ConfigRefs): V1PodSpec {
  const out = structuredClone(spec);
  const cm = (n: string | undefined) => (n !== undefined && tracked.configmap.has(n) ? `${n}-primary` : n);
  const sec = (n: string | undefined) => (n !== undefined && tracked.secret.has(n) ? `${n}-primary` : n);
  for (const v of out.volumes ?? []) {
    if (v.configMap) v.configMap.name = cm(v.configMap.name);
    if (v.secret) v.secret.secretName = sec(v.secret.secretName);
    for (const s of v.projected?.sources ?? []) {
      if (s.configMap) s.configMap.name = cm(s.configMap.name);
      if (s.secret) s.secret.name = sec(s.secret.name);
    }
  }
  for (const c of containers(out)) {
    for (const e of c.env ?? []) {
      if (e.valueFrom?.configMapKeyRef)
        e.valueFrom.configMapKeyRef.name = cm(e.valueFrom.configMapKeyRef.name)!;
      if (e.valueFrom?.secretKeyRef) e.valueFrom.secretKeyRef.name = sec(e.valueFrom.secretKeyRef.name)!;
    }
    for (const e of c.envFrom ?? []) {
      if (e.configMapRef) e.configMapRef.name = cm(e.configMapRef.name);
      if (e.secretRef) e.secretRef.name = sec(e.secretRef.name);
    }
  }
  return out;
}
