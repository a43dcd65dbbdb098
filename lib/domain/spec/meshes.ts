/**
 * What the service meshes routed by SMI TrafficSplits (linkerd, smi), Consul config entries and
 * Kuma TrafficRoutes can express, checked before a Canary is accepted: a strategy or match the mesh
 * cannot route is an error at its field path, a field the mesh has no use for a warning. Pure.
 */
import type { Provider } from './accessors.js';
import type { RawIssue } from './errors.js';
import type { Canary, HttpMatch, StringMatch } from './schema.js';

type Findings = { errors: RawIssue[]; warnings: RawIssue[] };
type Kind = keyof Pick<StringMatch, 'exact' | 'prefix' | 'suffix' | 'regex'>;

/** Which match fields, and which string-match kinds per field, a provider's A/B route can carry. */
interface MatchSupport {
  /** How the provider routes, for messages. */
  via: string;
  fields: Partial<Record<'uri' | 'headers' | 'queryParams' | 'method', readonly Kind[]>>;
}

const ALL: readonly Kind[] = ['exact', 'prefix', 'suffix', 'regex'];

// Kinds a mesh lacks are written as regexes (lib/adapters/routers/engine/string-match.ts); the
// Gateway API translation has no regex fallback for paths.
const GATEWAY: MatchSupport = {
  via: 'an HTTPRoute',
  fields: { uri: ['exact', 'prefix', 'regex'], headers: ALL, queryParams: ALL, method: ['exact'] },
};

const CONSUL: MatchSupport = {
  via: 'a Consul ServiceRouter',
  fields: { uri: ALL, headers: ALL, queryParams: ALL, method: ['exact'] },
};

const KUMA: MatchSupport = {
  via: 'a Kuma TrafficRoute',
  fields: { uri: ALL, headers: ALL, method: ['exact'] },
};

/** True when the linkerd provider routes with an HTTPRoute (Flagger v1.44's Linkerd path). */
export function linkerdUsesGatewayApi(c: Canary): boolean {
  return (c.spec.service.gatewayRefs?.length ?? 0) > 0;
}

/** Undefined for providers routed by a TrafficSplit (weights only) or not covered here. */
function matchSupport(c: Canary, p: Provider): MatchSupport | undefined {
  if (p === 'consul') return CONSUL;
  if (p === 'kuma') return KUMA;
  if (p === 'linkerd' && linkerdUsesGatewayApi(c)) return GATEWAY;
  return undefined;
}

/** True when `p` routes `c` with an SMI TrafficSplit. */
function splitsOnly(c: Canary, p: Provider): boolean {
  return p === 'smi' || (p === 'linkerd' && !linkerdUsesGatewayApi(c));
}

const A = ['spec', 'analysis'] as const;
const S = ['spec', 'service'] as const;

/**
 * The mesh rules for `c` routed by provider `p` (undefined: the cluster default, unknown here).
 * Only linkerd, smi, consul and kuma have rules in this file.
 */
export function checkMeshRouting(c: Canary, p: Provider | undefined, f: Findings): void {
  if (p === undefined) return;
  const raw = c.spec.provider ?? p;
  const a = c.spec.analysis;
  const ab = (a?.match?.length ?? 0) > 0 && (a?.iterations ?? 0) > 0;
  if (splitsOnly(c, p)) {
    if (ab) {
      const hint =
        p === 'linkerd' ? '; list service.gatewayRefs to route with an HTTPRoute (Linkerd ≥ 2.14)' : '';
      f.errors.push({
        path: [...A, 'match'],
        message: `provider "${raw}" routes with an SMI TrafficSplit, which splits by weight only and cannot match requests${hint}`,
      });
    }
    if (c.spec.service.match !== undefined) {
      f.warnings.push({
        path: [...S, 'match'],
        message: `ignored: provider "${raw}" splits every request of the service with a TrafficSplit`,
      });
    }
    return;
  }
  const support = matchSupport(c, p);
  if (!support) return;
  if (ab) checkMatches(c, raw, support, f);
  // An HTTPRoute rule's matches narrow what it routes; Consul and Kuma send unmatched requests on.
  if (!ab && p !== 'linkerd' && c.spec.service.match !== undefined) {
    f.warnings.push({
      path: [...S, 'match'],
      message: `ignored outside A/B testing: with ${support.via}, requests that match nothing still reach the service's default split`,
    });
  }
}

function checkMatches(c: Canary, raw: string, support: MatchSupport, f: Findings): void {
  c.spec.analysis?.match?.forEach((m, i) => checkMatch(m, [...A, 'match', i], raw, support, f));
  c.spec.service.match?.forEach((m, i) => checkMatch(m, [...S, 'match', i], raw, support, f));
}

function checkMatch(
  m: HttpMatch,
  at: readonly (string | number)[],
  raw: string,
  support: MatchSupport,
  f: Findings,
): void {
  for (const [key, value] of Object.entries(m)) {
    if (value === undefined || key === 'name') continue;
    const kinds = support.fields[key as keyof MatchSupport['fields']];
    if (!kinds) {
      f.errors.push({
        path: [...at, key],
        message: `provider "${raw}" routes A/B tests with ${support.via}, which cannot match on ${key}`,
      });
      continue;
    }
    const matches: [string[], StringMatch][] =
      key === 'uri' || key === 'method'
        ? [[[], value as StringMatch]]
        : Object.entries(value as Record<string, StringMatch>).map(([n, sm]) => [[n], sm]);
    for (const [sub, sm] of matches) checkKinds(sm, kinds, [...at, key, ...sub], raw, support, f);
  }
}

function checkKinds(
  sm: StringMatch,
  kinds: readonly Kind[],
  at: readonly (string | number)[],
  raw: string,
  support: MatchSupport,
  f: Findings,
): void {
  for (const kind of ['exact', 'prefix', 'suffix', 'regex'] as const) {
    if (sm[kind] !== undefined && !kinds.includes(kind)) {
      f.errors.push({
        path: [...at, kind],
        message: `provider "${raw}" routes A/B tests with ${support.via}, which matches ${at[at.length - 1]} by ${kinds.join(', ')} only`,
      });
    }
  }
}
