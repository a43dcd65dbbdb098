/**
 * What a served resource is, and the static resource table. Everything the server routes, stores and
 * advertises in discovery is derived from a {@link ResourceType}: the static ones below (adding a kind
 * is one entry in kinds.ts) plus those registered at run time by CustomResourceDefinitions
 * (registry.ts). Several versions of one group share storage (keyed by group and plural), so an
 * Istio VirtualService written as v1beta1 reads back as v1, as with a CRD with `conversion: None`.
 */
import { STATIC_KINDS } from './kinds.js';

/** One additionalPrinterColumn of a CRD version (`kubectl get` columns). */
export interface PrinterColumn {
  readonly name: string;
  /** OpenAPI type: string, integer, number, boolean or date. */
  readonly type: string;
  readonly jsonPath: string;
  /** 0 = always shown; > 0 only with `kubectl get -o wide`. */
  readonly priority?: number;
  readonly description?: string;
  readonly format?: string;
}

/** One served (group, version, plural). */
export interface ResourceType {
  /** API group; '' for the core group (served under /api/v1). */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
  readonly shortNames?: readonly string[];
  /** Built-in Kubernetes kind: accepts strategic merge patch; SSA merges keyed lists. CRDs do neither. */
  readonly builtin: boolean;
  /** Has a /status subresource: writes to the main resource keep status, /status writes keep the rest. */
  readonly status: boolean;
  /** Printer columns of a custom resource (from its CRD); built-in kinds use table.ts. */
  readonly columns?: readonly PrinterColumn[];
  readonly singular?: string;
  readonly categories?: readonly string[];
  /** Name of the CustomResourceDefinition that registered this type; undefined for static kinds. */
  readonly crd?: string;
}

/** Every statically served resource. Within a group, the first version listed is the preferred one. */
export const RESOURCES: readonly ResourceType[] = STATIC_KINDS;

/** `apps/v1`, or `v1` for the core group. */
export function apiVersionOf(rt: ResourceType): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

/** Storage key shared by all versions of one group's plural. */
export function storageKeyOf(rt: ResourceType): string {
  return `${rt.group}/${rt.plural}`;
}

/** The statically served resource at (group, version, plural), if any. */
export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

/** The core Namespace resource (namespace existence checks go through it). */
export const NAMESPACES: ResourceType = RESOURCES[0];

/** apiextensions.k8s.io/v1 CustomResourceDefinition. */
export const CRDS: ResourceType = findResource('apiextensions.k8s.io', 'v1', 'customresourcedefinitions')!;

/**
 * Kubernetes version priority (as `kubectl` and discovery order them): GA before beta before alpha,
 * higher numbers first, anything else last in lexical order. Negative when `a` comes first.
 */
export function compareKubeVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number, string] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [3, 0, 0, v];
    const level = m[2] === undefined ? 0 : m[2] === 'beta' ? 1 : 2;
    return [level, -Number(m[1]), -Number(m[3] ?? 0), v];
  };
  const [la, ma, na, sa] = rank(a);
  const [lb, mb, nb, sb] = rank(b);
  return la - lb || ma - mb || na - nb || sa.localeCompare(sb);
}
