/**
 * How the simulator reads the routing objects of the SMI meshes (Linkerd), Consul and Kuma. Pure:
 * each reader turns the live objects of one apex into simulated routes, the first route whose test
 * passes taking a request, as routing.ts does for Istio, Gateway API and App Mesh.
 *
 * - SMI `TrafficSplit` (any version): one route over the weighted backends (v1alpha1 weights are
 *   quantities such as `"500m"`; weights are relative).
 * - Consul: the `ServiceRouter` routes in order (first match wins), then the `ServiceSplitter`
 *   splits, else the `ServiceResolver`'s default subset, else the whole service. Backends are
 *   Consul service subsets, resolved by resolve.ts.
 * - Kuma `TrafficRoute` (cluster-scoped) whose destination is `<apex>_<ns>_svc_<port>`: its
 *   `conf.http` rules, then `conf.split` (or `conf.destination`); backends are the Services named
 *   by the `kuma.io/service` tags.
 */
import type { KubeObject } from '../apiserver/index.js';
import { fullMatch, stringMatches, type SimRequest } from './matching.js';
import type { Backend, SimRoute } from './routing.js';

const always = (): boolean => true;

const QUANTITY = /^([0-9]+(?:\.[0-9]+)?)(m|k)?$/;

/** An SMI weight (number or quantity string) as a number; 0 when unreadable. */
function smiWeight(w: unknown): number {
  if (typeof w === 'number') return w;
  const m = typeof w === 'string' ? QUANTITY.exec(w.trim()) : null;
  if (!m) return 0;
  return Number(m[1]) * (m[2] === 'm' ? 0.001 : m[2] === 'k' ? 1000 : 1);
}

/** True when a TrafficSplit splits the apex (named after it or with it as root service). */
export function splitsApex(split: KubeObject, apex: string): boolean {
  const root = (split.spec as { service?: string } | undefined)?.service ?? '';
  return split.metadata.name === apex || root.split('.')[0] === apex;
}

/** The routes of an SMI TrafficSplit: one, over its weighted backends. */
export function smiRoutes(split: KubeObject): SimRoute[] {
  const backends = (split.spec as { backends?: { service?: string; weight?: unknown }[] } | undefined)
    ?.backends;
  return [
    {
      test: always,
      backends: (backends ?? []).map((b) => ({
        kind: 'service' as const,
        name: (b.service ?? '').split('.')[0] ?? '',
        weight: smiWeight(b.weight),
      })),
    },
  ];
}

/** The Consul config entries of one service (each may be absent). */
export interface ConsulEntries {
  service: string;
  router?: KubeObject;
  splitter?: KubeObject;
  resolver?: KubeObject;
}

interface ConsulValueMatch {
  name: string;
  present?: boolean;
  exact?: string;
  prefix?: string;
  suffix?: string;
  regex?: string;
  invert?: boolean;
}

interface ConsulHttpMatch {
  pathExact?: string;
  pathPrefix?: string;
  pathRegex?: string;
  header?: ConsulValueMatch[];
  queryParam?: ConsulValueMatch[];
  methods?: string[];
}

function valueMatches(m: ConsulValueMatch, got: string | undefined): boolean {
  const ok = m.present ? got !== undefined : stringMatches(m, got);
  return m.invert ? !ok : ok;
}

/** True when `req` satisfies a Consul ServiceRouter HTTP match (query parameters: none are sent). */
function consulMatches(m: ConsulHttpMatch, req: SimRequest): boolean {
  if (m.pathExact !== undefined && req.path !== m.pathExact) return false;
  if (m.pathPrefix !== undefined && !req.path.startsWith(m.pathPrefix)) return false;
  if (m.pathRegex !== undefined && !fullMatch(m.pathRegex, req.path)) return false;
  if (m.methods?.length && !m.methods.includes(req.method)) return false;
  if ((m.queryParam ?? []).some((q) => !valueMatches(q, undefined))) return false;
  return (m.header ?? []).every((h) => valueMatches(h, req.headers[h.name.toLowerCase()]));
}

function consulBackend(entries: ConsulEntries, subset: string | undefined, service?: string): Backend {
  const name = service || entries.service;
  const fallback = (entries.resolver?.spec as { defaultSubset?: string } | undefined)?.defaultSubset;
  return { kind: 'consul', name, subset: subset || (name === entries.service ? fallback : undefined) };
}

/** The routes of a Consul service: router routes, then the splitter (or the resolver's default). */
export function consulRoutes(entries: ConsulEntries): SimRoute[] {
  type Route = {
    match?: { http?: ConsulHttpMatch };
    destination?: { service?: string; serviceSubset?: string };
  };
  const routes = (entries.router?.spec as { routes?: Route[] } | undefined)?.routes ?? [];
  const out: SimRoute[] = routes.map((r) => ({
    test: (req: SimRequest) => consulMatches(r.match?.http ?? {}, req),
    backends: [
      { ...consulBackend(entries, r.destination?.serviceSubset, r.destination?.service), weight: 1 },
    ],
  }));
  type Split = { weight?: number; service?: string; serviceSubset?: string };
  const splits = (entries.splitter?.spec as { splits?: Split[] } | undefined)?.splits;
  out.push({
    test: always,
    backends: splits
      ? splits.map((s) => ({ ...consulBackend(entries, s.serviceSubset, s.service), weight: s.weight ?? 0 }))
      : [{ ...consulBackend(entries, undefined), weight: 1 }],
  });
  return out;
}

/** `Service.ID matches "<regex>"`, the only subset filter form the simulator evaluates. */
const ID_FILTER = /^\s*Service\.ID\s+matches\s+"((?:[^"\\]|\\.)*)"\s*$/;

/** Whether a Consul instance ID passes a subset filter; an empty filter passes all, others none. */
export function consulFilterPasses(filter: string | undefined, serviceId: string): boolean {
  if (!filter?.trim()) return true;
  const m = ID_FILTER.exec(filter);
  if (!m) return false;
  try {
    return new RegExp(m[1].replace(/\\(.)/g, '$1')).test(serviceId);
  } catch {
    return false;
  }
}

type KumaTags = Record<string, string>;
type KumaString = { exact?: string; prefix?: string; regex?: string };
interface KumaRule {
  match?: { method?: KumaString; path?: KumaString; headers?: Record<string, KumaString> };
  split?: { weight?: number; destination?: KumaTags }[];
  destination?: KumaTags;
}

/** `podinfo-canary_test_svc_9898` → `podinfo-canary` (the Service of a Kuma service tag). */
function kumaServiceName(tag: string | undefined): string {
  return (tag ?? '').replace(/_[^_]+_svc_[0-9]+$/, '');
}

/** True when a TrafficRoute's destinations name the apex Service of `namespace`. */
export function routesKumaApex(route: KubeObject, apex: string, namespace: string): boolean {
  const dests = (route.spec as { destinations?: { match?: KumaTags }[] } | undefined)?.destinations ?? [];
  const prefix = `${apex}_${namespace}_svc_`;
  return dests.some((d) => (d.match?.['kuma.io/service'] ?? '').startsWith(prefix));
}

function kumaBackends(rule: KumaRule): SimRoute['backends'] {
  const splits = rule.split ?? (rule.destination ? [{ weight: 1, destination: rule.destination }] : []);
  return splits.map((s) => ({
    kind: 'service' as const,
    name: kumaServiceName(s.destination?.['kuma.io/service']),
    weight: s.weight ?? 0,
  }));
}

function kumaMatches(m: KumaRule['match'], req: SimRequest): boolean {
  if (!m) return true;
  if (!stringMatches(m.method, req.method) || !stringMatches(m.path, req.path)) return false;
  return Object.entries(m.headers ?? {}).every(([n, sm]) => stringMatches(sm, req.headers[n.toLowerCase()]));
}

/** The routes of a Kuma TrafficRoute: its L7 rules in order, then the default split. */
export function kumaRoutes(route: KubeObject): SimRoute[] {
  const conf = (route.spec as { conf?: KumaRule & { http?: KumaRule[] } } | undefined)?.conf ?? {};
  const rules = (conf.http ?? []).map((r) => ({
    test: (req: SimRequest) => kumaMatches(r.match, req),
    backends: kumaBackends(r),
  }));
  return [...rules, { test: always, backends: kumaBackends(conf) }];
}
