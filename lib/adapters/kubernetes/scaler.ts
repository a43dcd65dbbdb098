/**
 * The {@link Scaler} port: scales the target Deployment with a JSON merge patch on
 * `spec.replicas` (RBAC: `deployments` `patch`, no `deployments/scale` needed). A DaemonSet has no
 * replicas: as Flagger, its pod template gets the node selector `flagger.app/scale-to-zero: "true"`
 * to scale to zero and loses it to scale up (scale-to-zero.ts).
 *
 * A target HPA needs no pausing (docs/flagger-compatibility.md#workloads-and-services): Kubernetes' HPA
 * does not act on a Deployment whose replicas are 0, and scaling up hands the target back to it.
 */
import type { Canary } from '../../domain/spec/schema.js';
import { targetKind, targetName } from '../../domain/spec/accessors.js';
import type { Scaler } from '../../ports/workloads.js';
import type { ClusterClients } from './client.js';
import { scaleUpReplicas } from './replicas.js';
import { optional, Resources } from './resources.js';
import { scaleToZeroPatch } from './scale-to-zero.js';

/** {@link Scaler} for Deployment and DaemonSet targets. */
export class KubernetesScaler implements Scaler {
  constructor(private readonly clients: ClusterClients) {}

  /** During initialization, call only after `Workloads.pointApex('primary')`. No write when already 0. */
  async scaleToZero(canary: Canary, signal: AbortSignal): Promise<void> {
    const r = new Resources(this.clients, canary.metadata.namespace);
    if (targetKind(canary) === 'DaemonSet') {
      await this.scaleDaemonSet(r, canary, true, signal);
      return;
    }
    const target = await r.getDeployment(targetName(canary), signal);
    if (target.spec?.replicas === 0) return;
    await r.patchDeployment(targetName(canary), { spec: { replicas: 0 } }, signal);
  }

  async scaleUp(canary: Canary, like: 'canary' | 'primary', signal: AbortSignal): Promise<number> {
    const r = new Resources(this.clients, canary.metadata.namespace);
    if (targetKind(canary) === 'DaemonSet') return this.scaleDaemonSet(r, canary, false, signal);
    const name = targetName(canary);
    const target = await r.getDeployment(name, signal);
    const ref = canary.spec.autoscalerRef;
    const primary =
      like === 'primary' || !ref ? await optional(r.getDeployment(`${name}-primary`, signal)) : undefined;
    const replicas =
      like === 'primary' && primary?.spec?.replicas
        ? primary.spec.replicas
        : scaleUpReplicas({
            targetReplicas: target.spec?.replicas,
            primaryReplicas: ref ? undefined : primary?.spec?.replicas,
            hasAutoscaler: ref !== undefined,
            hpaMinReplicas:
              ref?.kind === 'HorizontalPodAutoscaler'
                ? (await optional(r.getHpa(ref.name, signal)))?.spec?.minReplicas
                : undefined,
          });
    if (target.spec?.replicas !== replicas) await r.patchDeployment(name, { spec: { replicas } }, signal);
    return replicas;
  }

  /**
   * Adds (`zero`) or removes the scale-to-zero node selector; no write when already so. Returns the
   * DaemonSet's desiredNumberScheduled as last observed (its controller recounts after the write).
   */
  private async scaleDaemonSet(
    r: Resources,
    canary: Canary,
    zero: boolean,
    signal: AbortSignal,
  ): Promise<number> {
    const target = await r.getWorkload('DaemonSet', targetName(canary), signal);
    const patch = scaleToZeroPatch(target.spec?.template, zero);
    if (patch) await r.patchWorkload('DaemonSet', targetName(canary), patch, signal);
    return target.status?.desiredNumberScheduled ?? 0;
  }
}
