/**
 * Migrating from Flagger: what Flagger created for a canary (the primary Deployment and HPA, the
 * Services, the routing objects) carries owner references to Flagger's Canary object, so deleting
 * that object — or Flagger's CRDs — would garbage-collect the primary and the routes. Adopting
 * such an object releases it: the owner references to a `flagger.app` Canary and Flagger's
 * finalizers go, everything else stays.
 */

interface OwnerReference {
  apiVersion?: string;
  kind?: string;
}

interface Metadata {
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
}

/** The metadata fields to write so that the object no longer belongs to Flagger; undefined when it does not. */
export function releaseFromFlagger<M extends Metadata>(
  meta: M | undefined,
): { ownerReferences: M['ownerReferences'] | null; finalizers?: string[] | null } | undefined {
  const owners = meta?.ownerReferences ?? [];
  const finalizers = meta?.finalizers ?? [];
  const kept = owners.filter(
    (o) => !(o.kind === 'Canary' && (o.apiVersion ?? '').startsWith('flagger.app/')),
  );
  const keptFinalizers = finalizers.filter((f) => !f.includes('flagger.app'));
  if (kept.length === owners.length && keptFinalizers.length === finalizers.length) return undefined;
  return {
    ownerReferences: kept.length > 0 ? kept : null,
    ...(keptFinalizers.length !== finalizers.length
      ? { finalizers: keptFinalizers.length > 0 ? keptFinalizers : null }
      : {}),
  };
}
