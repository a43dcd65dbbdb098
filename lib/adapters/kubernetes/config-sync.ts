/**
 * Reading the target's tracked configs and writing their `-primary` copies (I/O over
 * {@link Resources}; the rules are in configs.ts). Missing configs are skipped, as in Flagger: the
 * pod then fails to start, which readiness reports.
 */
import type { Canary } from '../../domain/spec/schema.js';
import {
  configRefs,
  isTracked,
  primaryConfig,
  sameConfig,
  type ConfigKind,
  type TrackedConfig,
} from './configs.js';
import { ownerLabels } from './labels.js';
import { optional, type Resources, type Workload } from './resources.js';

/** The tracked configs referenced by the target's pod spec, read in parallel. */
export async function readTrackedConfigs(
  r: Resources,
  target: Workload,
  signal: AbortSignal,
): Promise<TrackedConfig[]> {
  const refs = configRefs(target.spec?.template?.spec);
  const wanted: [ConfigKind, string][] = [
    ...[...refs.configmap].map((n): [ConfigKind, string] => ['configmap', n]),
    ...[...refs.secret].map((n): [ConfigKind, string] => ['secret', n]),
  ];
  const found = await Promise.all(wanted.map(([kind, name]) => optional(r.getConfig(kind, name, signal))));
  return found.filter((c): c is TrackedConfig => c !== undefined && isTracked(c.kind, c.object));
}

/**
 * Creates the `-primary` copy of each tracked config when absent; with `update` (promotion only)
 * also rewrites copies whose content differs. Bootstrap must not update: the primary pods read
 * these copies, and new config content reaches them only through promotion.
 */
export async function syncPrimaryConfigs(
  r: Resources,
  canary: Canary,
  configs: readonly TrackedConfig[],
  update: boolean,
  signal: AbortSignal,
): Promise<void> {
  await Promise.all(configs.map((c) => syncOne(r, primaryConfig(c, ownerLabels(canary)), update, signal)));
}

async function syncOne(
  r: Resources,
  desired: TrackedConfig,
  update: boolean,
  signal: AbortSignal,
): Promise<void> {
  const name = desired.object.metadata!.name!;
  const live = await optional(r.getConfig(desired.kind, name, signal));
  if (!live) {
    await r.writeConfig(desired, signal);
    return;
  }
  if (!update || sameConfig(live.object, desired.object)) return;
  const meta = { ...desired.object.metadata, resourceVersion: live.object.metadata?.resourceVersion };
  await r.writeConfig({ ...desired, object: { ...desired.object, metadata: meta } }, signal);
}
