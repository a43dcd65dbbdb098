/**
 * The {@link Workloads} port over the Kubernetes API: reads live objects, builds the desired ones
 * with the pure builders (deployments.ts, services.ts, hpa.ts, configs.ts) and writes only what
 * is missing or different (STYLE.md habit 4).
 *
 * Zero-downtime ordering (Flagger 0.20.4, docs/flagger-compatibility.md#workloads-and-services), which
 * the caller follows:
 * `bootstrap` → `readiness('primary')` until ready → `pointApex('primary')` → `Scaler.scaleToZero`.
 * `bootstrap` never touches the apex Service, so until `pointApex('primary')` clients keep reaching the
 * target's pods; and the target is scaled down only once the apex selects the ready primary.
 */
import { randomUUID } from 'node:crypto';
import type { V1DaemonSet } from '@kubernetes/client-node';
import type { TargetKind } from '../../domain/spec/catalog.js';
import type { Canary } from '../../domain/spec/schema.js';
import {
  canaryReadyThreshold,
  primaryReadyThreshold,
  progressDeadlineSeconds,
  targetKind,
  targetName,
} from '../../domain/spec/accessors.js';
import type {
  ApexTarget,
  Readiness,
  TargetRevision,
  WorkloadRole,
  Workloads,
} from '../../ports/workloads.js';
import type { ClusterClients } from './client.js';
import { readTrackedConfigs, syncPrimaryConfigs } from './config-sync.js';
import { trackedChecksums, trackedNames, type TrackedConfig } from './configs.js';
import { primaryDaemonSet, promotedPrimaryDaemonSet } from './daemonsets.js';
import { primaryDeployment, promotedPrimary, type PrimaryInputs } from './deployments.js';
import { InvalidError } from './errors.js';
import { revisionHash } from './hashing.js';
import { primaryHpa, primaryHpaName, updatedHpa } from './hpa.js';
import { ownerSelector, selectorLabel } from './labels.js';
import { releaseFromFlagger } from './ownership.js';
import { workloadReadiness } from './readiness.js';
import { optional, Resources, type Workload } from './resources.js';
import { withoutScaleToZero } from './scale-to-zero.js';
import { desiredService, servicePatch, type ServiceRole } from './services.js';

/** Dependencies: the cluster's clients and the id source for rollout annotations. */
export interface KubernetesWorkloadsDeps {
  clients: ClusterClients;
  /** Fresh ids for the `flagger-id` annotation; default `crypto.randomUUID`. */
  newId?: () => string;
  /** Selector keys that may carry the app name, first match wins (Flagger's `-selector-labels`). */
  selectorLabels?: readonly string[];
}

/** {@link Workloads} for Deployment and DaemonSet targets (the kind is the Canary's `targetRef.kind`). */
export class KubernetesWorkloads implements Workloads {
  private readonly newId: () => string;

  constructor(private readonly deps: KubernetesWorkloadsDeps) {
    this.newId = deps.newId ?? randomUUID;
  }

  private resources(canary: Canary): Resources {
    return new Resources(this.deps.clients, canary.metadata.namespace);
  }

  /**
   * Services `-canary`/`-primary` (created or corrected), and — only when absent — the `-primary`
   * Deployment with its configs (as Flagger's createPrimaryDeployment: `promote` creates or updates
   * the copies of an existing primary), and the HPA; never the apex. Runs every step, so it must
   * not change what the primary pods run: that is `promote`'s job. One LIST reads the Services we
   * labelled (pointApex's apex among them) into the step's read cache.
   */
  async bootstrap(canary: Canary, signal: AbortSignal): Promise<void> {
    const r = this.resources(canary);
    const kind = targetKind(canary);
    const target = await r.getWorkload(kind, targetName(canary), signal);
    await r.listServices(ownerSelector(canary), signal);
    await this.ensureService(r, canary, target, 'canary', signal);
    await this.ensureService(r, canary, target, 'primary', signal);
    const primary = await optional(r.getWorkload(kind, `${targetName(canary)}-primary`, signal));
    if (!primary) {
      const configs = await readTrackedConfigs(r, target, signal);
      await syncPrimaryConfigs(r, canary, configs, false, signal);
      await r.createWorkload(newPrimary(kind, this.inputs(canary, target, configs)), signal);
    }
    const release = releaseFromFlagger(primary?.metadata);
    if (primary && release)
      await r.patchWorkload(kind, primary.metadata!.name!, { metadata: release }, signal);
    await this.syncHpa(r, canary, false, signal);
  }

  /**
   * The apex Service selects the primary pods (only after the primary is ready), or — for
   * revertOnDeletion, after the target was scaled up — the target's pods again.
   */
  async pointApex(canary: Canary, at: ApexTarget, signal: AbortSignal): Promise<void> {
    const r = this.resources(canary);
    const target = await r.getWorkload(targetKind(canary), targetName(canary), signal);
    if (at === 'primary') return this.ensureService(r, canary, target, 'apex', signal);
    const sel = selectorLabel(canary, target.spec?.selector, this.deps.selectorLabels);
    const desired = desiredService(canary, 'apex', { ...sel, primaryValue: sel.canaryValue });
    const live = await optional(r.getService(desired.metadata!.name!, signal));
    if (!live) return;
    const patch = servicePatch(live, desired);
    if (patch) await r.patchService(desired.metadata!.name!, patch, signal);
  }

  async readiness(canary: Canary, role: WorkloadRole, now: Date, signal: AbortSignal): Promise<Readiness> {
    const name = role === 'primary' ? `${targetName(canary)}-primary` : targetName(canary);
    const kind = targetKind(canary);
    const w = await this.resources(canary).getWorkload(kind, name, signal);
    return workloadReadiness(kind, w, {
      readyThresholdPercent:
        role === 'primary' ? primaryReadyThreshold(canary) : canaryReadyThreshold(canary),
      progressDeadlineSeconds: progressDeadlineSeconds(canary),
      now: now.getTime(),
      isPrimary: role === 'primary',
    });
  }

  async revision(canary: Canary, signal: AbortSignal, opts?: { configs?: boolean }): Promise<TargetRevision> {
    const r = this.resources(canary);
    const target = await r.getWorkload(targetKind(canary), targetName(canary), signal);
    // A DaemonSet scaled to zero runs the same revision: the node selector is Flagger's, not the author's.
    const revision = revisionHash(withoutScaleToZero(target.spec?.template));
    if (opts?.configs === false) return { revision };
    const configs = await readTrackedConfigs(r, target, signal);
    return { revision, trackedConfigs: trackedChecksums(configs) };
  }

  /** Configs first, so the new primary pods start with the new config copies. */
  async promote(canary: Canary, signal: AbortSignal): Promise<void> {
    const r = this.resources(canary);
    const kind = targetKind(canary);
    const target = await r.getWorkload(kind, targetName(canary), signal);
    const configs = await readTrackedConfigs(r, target, signal);
    await syncPrimaryConfigs(r, canary, configs, true, signal);
    const live = await r.getWorkload(kind, `${targetName(canary)}-primary`, signal);
    const copyReplicas = canary.spec.autoscalerRef === undefined;
    const next = promoted(kind, live, this.inputs(canary, target, configs), copyReplicas);
    if (next) await r.replaceWorkload(next, signal);
    await this.syncHpa(r, canary, true, signal);
  }

  private inputs(canary: Canary, target: Workload, configs: readonly TrackedConfig[]): PrimaryInputs {
    return {
      canary,
      target,
      tracked: trackedNames(configs),
      rolloutId: this.newId(),
      selectorLabels: this.deps.selectorLabels,
    };
  }

  private async ensureService(
    r: Resources,
    canary: Canary,
    target: Workload,
    role: ServiceRole,
    signal: AbortSignal,
  ): Promise<void> {
    const desired = desiredService(
      canary,
      role,
      selectorLabel(canary, target.spec?.selector, this.deps.selectorLabels),
    );
    const name = desired.metadata!.name!;
    const live = await optional(r.getService(name, signal));
    if (!live) {
      await r.createService(desired, signal);
      return;
    }
    const patch = servicePatch(live, desired);
    const release = releaseFromFlagger(live.metadata);
    if (patch || release)
      await r.patchService(name, { ...patch, ...(release && { metadata: release }) }, signal);
  }

  /** Creates the primary HPA when absent; with `update`, also corrects a differing one. */
  private async syncHpa(r: Resources, canary: Canary, update: boolean, signal: AbortSignal): Promise<void> {
    const ref = canary.spec.autoscalerRef;
    if (!ref) return;
    if (ref.kind !== 'HorizontalPodAutoscaler') {
      throw new InvalidError(
        `autoscalerRef ${ref.kind} ${canary.metadata.namespace}/${ref.name} is not supported (only HorizontalPodAutoscaler)`,
      );
    }
    const desired = primaryHpa(canary, await r.getHpa(ref.name, signal));
    const live = await optional(r.getHpa(primaryHpaName(canary)!, signal));
    if (!live) {
      await r.writeHpa(desired, signal);
      return;
    }
    const release = releaseFromFlagger(live.metadata);
    const next = update ? updatedHpa(live, desired) : undefined;
    if (next || release) {
      const body = next ?? live;
      await r.writeHpa(
        release ? ({ ...body, metadata: { ...body.metadata, ...release } } as typeof body) : body,
        signal,
      );
    }
  }
}

/** The primary to create for a target of `kind`. */
function newPrimary(kind: TargetKind, i: PrimaryInputs): Workload {
  switch (kind) {
    case 'Deployment':
      return primaryDeployment(i);
    case 'DaemonSet':
      return primaryDaemonSet({ ...i, target: i.target as V1DaemonSet });
    default:
      return kind satisfies never;
  }
}

/** The live primary after promotion, or `undefined` when it already runs the target's template. */
function promoted(
  kind: TargetKind,
  live: Workload,
  i: PrimaryInputs,
  copyReplicas: boolean,
): Workload | undefined {
  switch (kind) {
    case 'Deployment':
      return promotedPrimary(live, i, copyReplicas);
    case 'DaemonSet':
      return promotedPrimaryDaemonSet(live as V1DaemonSet, { ...i, target: i.target as V1DaemonSet });
    default:
      return kind satisfies never;
  }
}
