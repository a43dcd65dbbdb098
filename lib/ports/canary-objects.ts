/**
 * Flagger's Canary objects (`canaries.flagger.app`) in one cluster, as GitOps sourcing reads and
 * marks them (docs/gitops.md): the sweep lists them by metadata, reads one in full only when its
 * generation moved, and the steps write Flagger's status fields back.
 */

/**
 * Set to "true" on a Canary object to have it sourced while Flagger runs in the cluster (a gradual
 * migration: Flagger must not watch the object's namespace; docs/gitops.md).
 */
export const CLAIM_ANNOTATION = 'flagger-serverless.app/claim';
/** Set on an object we registered, with the generation registered (or refused). */
export const GENERATION_ANNOTATION = 'flagger-serverless.app/generation';
/** Why the object at that generation could not be registered. */
export const ERROR_ANNOTATION = 'flagger-serverless.app/error';
/** Held by a registered object until its canary is gone (revertOnDeletion: until reverted). */
export const FINALIZER = 'flagger-serverless.app/finalizer';

/** A Canary object as a metadata-only list shows it. */
export interface CanaryObjectMeta {
  namespace: string;
  name: string;
  generation: number;
  annotations: Readonly<Record<string, string>>;
  finalizers: readonly string[];
  /** `kubectl delete` was asked: the object stays until its finalizers are removed. */
  deleting: boolean;
}

/** What the sweep records on an object it sourced. */
export interface CanaryObjectMark {
  /** The generation registered (or refused: then `error` says why). */
  generation: number;
  /** Why the object could not be registered; absent clears an earlier one. */
  error?: string;
  /** Add our finalizer (a registered object) or remove it (its canary is gone). */
  finalizer: 'add' | 'remove';
}

/** Flagger's status fields (the status subresource of a Canary object). */
export type FlaggerStatus = Readonly<Record<string, unknown>>;

export interface CanaryObjects {
  /** Every Canary object of the cluster (one LIST); empty when the CRD is not installed. */
  list(signal: AbortSignal): Promise<CanaryObjectMeta[]>;
  /** `namespace/name` of a running Flagger Deployment (docs/gitops.md), or undefined. */
  flagger(signal: AbortSignal): Promise<string | undefined>;
  /** The whole object, or undefined when it is gone. */
  read(namespace: string, name: string, signal: AbortSignal): Promise<object | undefined>;
  mark(namespace: string, name: string, mark: CanaryObjectMark, signal: AbortSignal): Promise<void>;
  /**
   * Replaces the status subresource's Flagger fields; false when the object does not exist, or
   * (given `ifVersion`, a `metadata.resourceVersion` read before) when it changed since.
   */
  writeStatus(
    namespace: string,
    name: string,
    status: FlaggerStatus,
    signal: AbortSignal,
    ifVersion?: string,
  ): Promise<boolean>;
}
