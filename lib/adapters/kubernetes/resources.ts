/**
 * Thin typed reads and writes of the objects the workload adapters touch. Each goes through
 * {@link ClusterClients.call} (signal, timeout, typed errors) and names its object in errors:
 * `Deployment test/podinfo-primary get failed: not found`. No decisions here.
 */
import {
  PatchStrategy,
  type V1ConfigMap,
  type V1DaemonSet,
  type V1Deployment,
  type V1Secret,
  type V1Service,
  type V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import type { ClusterClients } from './client.js';
import type { ConfigKind, TrackedConfig } from './configs.js';
import type { TargetKind } from '../../domain/spec/catalog.js';
import { NotFoundError } from './errors.js';

/** A target workload or its primary. */
export type Workload = V1Deployment | V1DaemonSet;

/** The object type of a target kind. */
export type WorkloadOf<K extends TargetKind> = K extends 'DaemonSet' ? V1DaemonSet : V1Deployment;

/** True for a DaemonSet (by its `kind`, which every object built or read here carries). */
function isDaemonSet(w: Workload): w is V1DaemonSet {
  return w.kind === 'DaemonSet';
}

function kindOf(w: Workload): TargetKind {
  return isDaemonSet(w) ? 'DaemonSet' : 'Deployment';
}

/** `undefined` instead of NotFoundError. */
export async function optional<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof NotFoundError) return undefined;
    throw e;
  }
}

/** Reads and writes in one namespace of one cluster. */
export class Resources {
  constructor(
    private readonly k: ClusterClients,
    private readonly namespace: string,
  ) {}

  private what(kind: string, name: string, verb: string): string {
    return `${kind} ${this.namespace}/${name} ${verb}`;
  }

  getDeployment(name: string, signal: AbortSignal): Promise<V1Deployment> {
    return this.getWorkload('Deployment', name, signal);
  }

  createDeployment(body: V1Deployment, signal: AbortSignal): Promise<Workload> {
    return this.createWorkload({ ...body, kind: 'Deployment' }, signal);
  }

  replaceDeployment(body: V1Deployment, signal: AbortSignal): Promise<Workload> {
    return this.replaceWorkload({ ...body, kind: 'Deployment' }, signal);
  }

  patchDeployment(name: string, body: object, signal: AbortSignal): Promise<Workload> {
    return this.patchWorkload('Deployment', name, body, signal);
  }

  /** The target kind's workload (`Deployment test/podinfo get`, `DaemonSet test/podinfo get`). */
  getWorkload<K extends TargetKind>(kind: K, name: string, signal: AbortSignal): Promise<WorkloadOf<K>> {
    const namespace = this.namespace;
    return this.k.call(this.what(kind, name, 'get'), signal, (o) =>
      kind === 'DaemonSet'
        ? this.k.apps.readNamespacedDaemonSet({ name, namespace }, o)
        : this.k.apps.readNamespacedDeployment({ name, namespace }, o),
    ) as Promise<WorkloadOf<K>>;
  }

  createWorkload(body: Workload, signal: AbortSignal): Promise<Workload> {
    const namespace = this.namespace;
    return this.k.call(this.what(kindOf(body), body.metadata!.name!, 'create'), signal, (o) =>
      isDaemonSet(body)
        ? this.k.apps.createNamespacedDaemonSet({ namespace, body }, o)
        : this.k.apps.createNamespacedDeployment({ namespace, body }, o),
    );
  }

  /** PUT with the body's resourceVersion: ConflictError when someone wrote in between. */
  replaceWorkload(body: Workload, signal: AbortSignal): Promise<Workload> {
    const namespace = this.namespace;
    const name = body.metadata!.name!;
    return this.k.call(this.what(kindOf(body), name, 'update'), signal, (o) =>
      isDaemonSet(body)
        ? this.k.apps.replaceNamespacedDaemonSet({ name, namespace, body }, o)
        : this.k.apps.replaceNamespacedDeployment({ name, namespace, body }, o),
    );
  }

  /** A JSON merge patch (`null` removes a key). */
  patchWorkload(kind: TargetKind, name: string, body: object, signal: AbortSignal): Promise<Workload> {
    const namespace = this.namespace;
    return this.k.call(
      this.what(kind, name, 'patch'),
      signal,
      (o) =>
        kind === 'DaemonSet'
          ? this.k.apps.patchNamespacedDaemonSet({ name, namespace, body }, o)
          : this.k.apps.patchNamespacedDeployment({ name, namespace, body }, o),
      PatchStrategy.MergePatch,
    );
  }

  getService(name: string, signal: AbortSignal): Promise<V1Service> {
    const namespace = this.namespace;
    return this.k.call(this.what('Service', name, 'get'), signal, (o) =>
      this.k.core.readNamespacedService({ name, namespace }, o),
    );
  }

  /** The Services matching `labelSelector`, in one request (the step's read cache keeps each). */
  async listServices(labelSelector: string, signal: AbortSignal): Promise<V1Service[]> {
    const namespace = this.namespace;
    const list = await this.k.call(`Service ${namespace}/* list`, signal, (o) =>
      this.k.core.listNamespacedService({ namespace, labelSelector }, o),
    );
    return list.items;
  }

  createService(body: V1Service, signal: AbortSignal): Promise<V1Service> {
    const namespace = this.namespace;
    return this.k.call(this.what('Service', body.metadata!.name!, 'create'), signal, (o) =>
      this.k.core.createNamespacedService({ namespace, body }, o),
    );
  }

  patchService(name: string, body: object, signal: AbortSignal): Promise<V1Service> {
    const namespace = this.namespace;
    return this.k.call(
      this.what('Service', name, 'patch'),
      signal,
      (o) => this.k.core.patchNamespacedService({ name, namespace, body }, o),
      PatchStrategy.MergePatch,
    );
  }

  getConfig(kind: ConfigKind, name: string, signal: AbortSignal): Promise<TrackedConfig> {
    const namespace = this.namespace;
    if (kind === 'configmap') {
      return this.k
        .call(this.what('ConfigMap', name, 'get'), signal, (o) =>
          this.k.core.readNamespacedConfigMap({ name, namespace }, o),
        )
        .then((object) => ({ kind, object }));
    }
    return this.k
      .call(this.what('Secret', name, 'get'), signal, (o) =>
        this.k.core.readNamespacedSecret({ name, namespace }, o),
      )
      .then((object) => ({ kind, object }));
  }

  /** Creates the config, or replaces it when `resourceVersion` is set on its metadata. */
  writeConfig(c: TrackedConfig, signal: AbortSignal): Promise<unknown> {
    const namespace = this.namespace;
    const name = c.object.metadata!.name!;
    const update = c.object.metadata?.resourceVersion !== undefined;
    const verb = update ? 'update' : 'create';
    if (c.kind === 'configmap') {
      const body: V1ConfigMap = c.object;
      return this.k.call(this.what('ConfigMap', name, verb), signal, (o) =>
        update
          ? this.k.core.replaceNamespacedConfigMap({ name, namespace, body }, o)
          : this.k.core.createNamespacedConfigMap({ namespace, body }, o),
      );
    }
    const body: V1Secret = c.object;
    return this.k.call(this.what('Secret', name, verb), signal, (o) =>
      update
        ? this.k.core.replaceNamespacedSecret({ name, namespace, body }, o)
        : this.k.core.createNamespacedSecret({ namespace, body }, o),
    );
  }

  getHpa(name: string, signal: AbortSignal): Promise<V2HorizontalPodAutoscaler> {
    const namespace = this.namespace;
    return this.k.call(this.what('HorizontalPodAutoscaler', name, 'get'), signal, (o) =>
      this.k.autoscaling.readNamespacedHorizontalPodAutoscaler({ name, namespace }, o),
    );
  }

  /** Creates the HPA, or replaces it when `resourceVersion` is set on its metadata. */
  writeHpa(body: V2HorizontalPodAutoscaler, signal: AbortSignal): Promise<V2HorizontalPodAutoscaler> {
    const namespace = this.namespace;
    const name = body.metadata!.name!;
    const update = body.metadata?.resourceVersion !== undefined;
    return this.k.call(
      this.what('HorizontalPodAutoscaler', name, update ? 'update' : 'create'),
      signal,
      (o) =>
        update
          ? this.k.autoscaling.replaceNamespacedHorizontalPodAutoscaler({ name, namespace, body }, o)
          : this.k.autoscaling.createNamespacedHorizontalPodAutoscaler({ namespace, body }, o),
    );
  }
}
