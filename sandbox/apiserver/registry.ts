/**
 * The resource types one sandbox serves: the static table plus the types CustomResourceDefinitions
 * register at run time (crds.ts). A CRD-registered (group, plural) hides a static one with the same
 * group and plural while the CRD exists (so applying, say, Istio's own CRDs replaces the built-in
 * definition); deleting the CRD brings the static type back. Groups list their versions in
 * Kubernetes priority order for CRD groups (v1 > v1beta1 > v1alpha1), table order for static ones.
 */
import {
  apiVersionOf,
  compareKubeVersions,
  RESOURCES,
  storageKeyOf,
  type ResourceType,
} from './resources.js';

/** A group with its served versions, preferred first. */
export interface ApiGroupVersions {
  name: string;
  versions: string[];
}

/** Served resource types of one sandbox. */
export class Registry {
  private readonly dynamic = new Map<string, readonly ResourceType[]>();

  /** Every served type: dynamic ones first, then static ones not hidden by a CRD. */
  all(): ResourceType[] {
    const dynamic = [...this.dynamic.values()].flat();
    const hidden = new Set(dynamic.map(storageKeyOf));
    return [...dynamic, ...RESOURCES.filter((r) => !hidden.has(storageKeyOf(r)))];
  }

  /** The type served at (group, version, plural), if any. */
  find(group: string, version: string, plural: string): ResourceType | undefined {
    return this.all().find((r) => r.group === group && r.version === version && r.plural === plural);
  }

  /** The type for an object's apiVersion and kind, if served. */
  forKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.all().find((r) => apiVersionOf(r) === apiVersion && r.kind === kind);
  }

  /** Every served version of the storage that `rt` belongs to. */
  versionsOf(rt: ResourceType): ResourceType[] {
    return this.all().filter((r) => storageKeyOf(r) === storageKeyOf(rt));
  }

  /** One served type per storage key (the first listed version), e.g. to scan all stored objects. */
  storages(): ResourceType[] {
    const seen = new Map<string, ResourceType>();
    for (const r of this.all()) if (!seen.has(storageKeyOf(r))) seen.set(storageKeyOf(r), r);
    return [...seen.values()];
  }

  /** Registers (or replaces) the types of one CRD. */
  register(crd: string, types: readonly ResourceType[]): void {
    this.dynamic.set(crd, types);
  }

  /** Forgets the types of one CRD; returns them. */
  unregister(crd: string): readonly ResourceType[] {
    const types = this.dynamic.get(crd) ?? [];
    this.dynamic.delete(crd);
    return types;
  }

  /** Groups (excluding core) with their versions, preferred first. */
  groups(): ApiGroupVersions[] {
    const groups = new Map<string, { versions: string[]; dynamic: boolean }>();
    for (const r of this.all()) {
      if (!r.group) continue;
      const entry = groups.get(r.group) ?? { versions: [], dynamic: false };
      if (!entry.versions.includes(r.version)) entry.versions.push(r.version);
      entry.dynamic ||= r.crd !== undefined;
      groups.set(r.group, entry);
    }
    return [...groups]
      .map(([name, g]) => ({
        name,
        versions: g.dynamic ? [...g.versions].sort(compareKubeVersions) : g.versions,
      }))
      .sort((a, b) => this.groupOrder(a.name) - this.groupOrder(b.name));
  }

  /** Static groups in table order, then CRD groups in registration order. */
  private groupOrder(name: string): number {
    const index = RESOURCES.findIndex((r) => r.group === name);
    if (index >= 0) return index;
    const dynamicIndex = [...this.dynamic.values()].findIndex((types) => types[0]?.group === name);
    return RESOURCES.length + dynamicIndex;
  }

  /** Types served in one group-version. */
  in(group: string, version: string): ResourceType[] {
    return this.all().filter((r) => r.group === group && r.version === version);
  }
}
