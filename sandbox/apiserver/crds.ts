/**
 * The CustomResourceDefinition controller. Writing an `apiextensions.k8s.io/v1`
 * CustomResourceDefinition validates it (422 Invalid: name = plural.group, group with a dot, kind
 * and plural, scope, at least one version, exactly one storage version, a schema per version),
 * gives it the `customresourcecleanup.apiextensions.k8s.io` finalizer and an Established /
 * NamesAccepted status at once (real clusters take a moment), and registers every served version
 * with the registry: routing, discovery, OpenAPI stubs, its `status` subresource (status only
 * writable through /status, spec writes keep status, generation bumps on spec changes only) and its
 * `additionalPrinterColumns` (table.ts). Objects of all versions share one storage (conversion
 * None). Deletion is lifecycle.ts (objects first, then the CRD); when the CRD leaves the store its
 * types are unregistered. Known differences: schemas are not enforced and unknown fields are never
 * pruned; defaults in schemas are not applied; no conversion webhooks; no /scale subresource.
 */
import { ApiError, invalid } from './errors.js';
import { isObject, type KubeObject } from './json.js';
import { CRD_CLEANUP } from './lifecycle.js';
import type { Registry } from './registry.js';
import { compareKubeVersions, CRDS, type PrinterColumn, type ResourceType } from './resources.js';
import type { Store } from './store.js';
import { now, type StoreHooks, type WriteEvent } from './writes.js';

interface CrdVersion {
  name?: string;
  served?: boolean;
  storage?: boolean;
  schema?: { openAPIV3Schema?: unknown };
  subresources?: { status?: unknown };
  additionalPrinterColumns?: PrinterColumn[];
}

interface CrdSpec {
  group?: string;
  scope?: string;
  names?: {
    plural?: string;
    singular?: string;
    kind?: string;
    listKind?: string;
    shortNames?: string[];
    categories?: string[];
  };
  versions?: CrdVersion[];
}

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime: string;
}

const specOf = (crd: KubeObject): CrdSpec => (isObject(crd.spec) ? crd.spec : {});
const isCrd = (rt: ResourceType) => rt.group === CRDS.group && rt.kind === CRDS.kind;

/** The resource types a CRD serves, preferred version first. */
function typesOfCrd(crd: KubeObject): ResourceType[] {
  const spec = specOf(crd);
  const names = spec.names ?? {};
  return (spec.versions ?? [])
    .filter((v) => v.served !== false)
    .map((v) => ({
      group: spec.group ?? '',
      version: v.name ?? '',
      kind: names.kind ?? '',
      plural: names.plural ?? '',
      namespaced: spec.scope !== 'Cluster',
      shortNames: names.shortNames ?? [],
      builtin: false,
      status: v.subresources?.status !== undefined,
      columns: v.additionalPrinterColumns ?? [],
      singular: names.singular ?? (names.kind ?? '').toLowerCase(),
      categories: names.categories ?? [],
      crd: crd.metadata.name ?? '',
    }))
    .sort((a, b) => compareKubeVersions(a.version, b.version));
}

function validate(crd: KubeObject): void {
  const name = crd.metadata.name ?? '';
  const fail = (field: string, message: string): never => {
    throw invalid(CRDS, name, field, message);
  };
  const spec = specOf(crd);
  const { group = '', scope, names = {}, versions = [] } = spec;
  if (!group.includes('.'))
    fail('spec.group', `Invalid value: "${group}": should be a domain with at least one dot`);
  if (!names.plural) fail('spec.names.plural', 'Required value');
  if (!names.kind) fail('spec.names.kind', 'Required value');
  if (name !== `${names.plural}.${group}`)
    fail('metadata.name', `Invalid value: "${name}": must be spec.names.plural+"."+spec.group`);
  if (scope !== 'Namespaced' && scope !== 'Cluster')
    fail('spec.scope', `Unsupported value: "${String(scope)}": supported values: "Cluster", "Namespaced"`);
  if (versions.length === 0)
    fail('spec.versions', 'Invalid value: must have exactly one version marked as storage version');
  if (versions.filter((v) => v.storage === true).length !== 1)
    fail('spec.versions', 'Invalid value: must have exactly one version marked as storage version');
  versions.forEach((v, i) => {
    if (!v.name) fail(`spec.versions[${i}].name`, 'Required value');
    if (!isObject(v.schema?.openAPIV3Schema))
      fail(`spec.versions[${i}].schema.openAPIV3Schema`, 'Required value: schemas are required');
  });
}

function condition(prev: Condition[], type: string, reason: string, message: string): Condition {
  const before = prev.find((c) => c.type === type && c.status === 'True');
  return { type, status: 'True', reason, message, lastTransitionTime: before?.lastTransitionTime ?? now() };
}

/** Status as the apiextensions controllers would settle it: names accepted, established. */
function settledStatus(crd: KubeObject): Record<string, unknown> {
  const status = isObject(crd.status) ? crd.status : {};
  const conditions = Array.isArray(status.conditions) ? (status.conditions as Condition[]) : [];
  const spec = specOf(crd);
  const names = spec.names ?? {};
  const storage = (spec.versions ?? []).find((v) => v.storage)?.name ?? '';
  const stored = Array.isArray(status.storedVersions) ? (status.storedVersions as string[]) : [];
  return {
    ...status,
    conditions: [
      condition(conditions, 'NamesAccepted', 'NoConflicts', 'no conflicts found'),
      condition(conditions, 'Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
      ...conditions.filter((c) => c.type !== 'NamesAccepted' && c.type !== 'Established'),
    ],
    acceptedNames: {
      plural: names.plural,
      singular: names.singular ?? (names.kind ?? '').toLowerCase(),
      kind: names.kind,
      listKind: names.listKind ?? `${names.kind}List`,
      ...(names.shortNames ? { shortNames: names.shortNames } : {}),
      ...(names.categories ? { categories: names.categories } : {}),
    },
    storedVersions: stored.includes(storage) ? stored : [...stored, storage],
  };
}

/** Registers CRD-defined types with a registry as CRDs are written; see the module comment. */
export class CrdController {
  constructor(
    private readonly store: Store,
    private readonly registry: Registry,
  ) {}

  /** Hooks to install on the store. */
  hooks(): StoreHooks {
    return {
      beforeCommit: (e) => this.beforeCommit(e),
      afterCommit: ({ rt, next }) => {
        if (isCrd(rt)) this.registry.register(next.metadata.name ?? '', typesOfCrd(next));
      },
      afterDelete: (rt, obj) => {
        if (isCrd(rt)) this.forget(obj);
      },
    };
  }

  /** Registers the types of every stored CRD (after the store was restored from a file). */
  syncAll(): void {
    for (const crd of this.store.list(CRDS)) this.registry.register(crd.metadata.name ?? '', typesOfCrd(crd));
  }

  private beforeCommit({ rt, next, cause }: WriteEvent): void {
    if (rt.crd && cause === 'create' && this.store.get(CRDS, '', rt.crd)?.metadata.deletionTimestamp)
      throw new ApiError(
        405,
        'MethodNotAllowed',
        'create not allowed while custom resource definition is terminating',
      );
    if (!isCrd(rt)) return;
    validate(next);
    if (cause === 'create') {
      const finalizers = (next.metadata.finalizers as string[] | undefined) ?? [];
      if (!finalizers.includes(CRD_CLEANUP)) next.metadata.finalizers = [...finalizers, CRD_CLEANUP];
    }
    next.status = settledStatus(next);
  }

  /** Unregisters a removed CRD's types and drops any object of them still stored. */
  private forget(crd: KubeObject): void {
    const name = crd.metadata.name ?? '';
    const types = this.registry.unregister(name);
    const first = types[0];
    if (!first) return;
    for (const e of this.store.find((_o, rt) => rt.group === first.group && rt.plural === first.plural))
      this.store.removeNow(e.rt, e.obj.metadata.namespace ?? '', e.obj.metadata.name ?? '');
  }
}
