/**
 * The {@link Scaler} port: scales the target Deployment with a JSON merge patch on
 * `spec.replicas` (RBAC: `deployments` `patch`, no `deployments/scale` needed).
 *
 * A target HPA needs no pausing (docs/flagger-compatibility.md#workloads-and-services): Kubernetes' HPA
 * does not act on a Deployment whose replicas are 0, and scaling up hands the target back to it.
 */
import type { Canary } from '../../domain/spec/schema.js';
import { targetName } from '../../domain/spec/accessors.js';
import type { Scaler } from '../../ports/workloads.js';
import type { ClusterClients } from './client.js';
import { scaleUpReplicas } from './replicas.js';
import { optional, Resources } from './resources.js';

/** {@link Scaler} for Deployment targets. */
export class KubernetesScaler implements Scaler {
  constructor(private readonly clients: ClusterClients) {}

  /** During initialization, call only after `Workloads.pointApex('primary')`. No write when already 0. */
  async scaleToZero(canary: Canary, signal: AbortSignal): Promise<void> {
    const r = new Resources(this.clients, canary.metadata.namespace);
    const target = await r.getDeployment(targetName(canary), signal);
    if (target.spec?.replicas === 0) return;
    await r.patchDeployment(targetName(canary), { spec: { replicas: 0 } }, signal);
  }

  async scaleUp(canary: Canary, like: 'canary' | 'primary', signal: AbortSignal): Promise<number> {
    const r = new Resources(this.clients, canary.metadata.namespace);
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
}
