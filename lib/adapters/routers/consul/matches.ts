/**
 * Istio-shaped match conditions (`analysis.match` merged with `service.match`) as Consul
 * `ServiceRouter` HTTP matches (consul.hashicorp.com/v1alpha1). Consul matches paths exactly, by
 * prefix or by regex, headers by every kind, query parameters exactly or by regex (prefix and
 * suffix become regexes), methods exactly. Fields Consul cannot match on are rejected, never
 * dropped: dropping one would widen who reaches the canary.
 */
import type { HttpMatch, StringMatch } from '../../../domain/spec/schema.js';
import { UnsupportedRoutingError } from '../engine/errors.js';
import { matcherOf, within } from '../engine/string-match.js';

/** A header or query-parameter match. */
interface ConsulValueMatch {
  name: string;
  exact?: string;
  prefix?: string;
  suffix?: string;
  regex?: string;
}

/** `ServiceRouteHTTPMatch`. */
export interface ConsulHttpMatch {
  pathExact?: string;
  pathPrefix?: string;
  pathRegex?: string;
  header?: ConsulValueMatch[];
  queryParam?: ConsulValueMatch[];
  methods?: string[];
}

const SUPPORTED = new Set(['name', 'uri', 'headers', 'queryParams', 'method']);

function path(m: StringMatch | undefined, where: string): Partial<ConsulHttpMatch> {
  if (!m) return {};
  const p = within(matcherOf(m, `${where}.uri`), ['exact', 'prefix', 'regex']);
  if (p.kind === 'exact') return { pathExact: p.value };
  if (p.kind === 'prefix') return { pathPrefix: p.value };
  return { pathRegex: p.value };
}

function values(
  map: Record<string, StringMatch> | undefined,
  kinds: readonly ('exact' | 'prefix' | 'suffix' | 'regex')[],
  where: string,
): ConsulValueMatch[] | undefined {
  if (!map) return undefined;
  return Object.entries(map).map(([name, sm]) => {
    const m = within(matcherOf(sm, `${where}.${name}`), kinds);
    return { name, [m.kind]: m.value };
  });
}

/** One match as a Consul HTTP match; `where` names the Canary field in errors. */
export function toConsulMatch(m: HttpMatch, where: string): ConsulHttpMatch {
  const unsupported = Object.keys(m).filter((k) => !SUPPORTED.has(k) && m[k] !== undefined);
  if (unsupported.length > 0) {
    throw new UnsupportedRoutingError(`${where}: Consul cannot match on ${unsupported.join(', ')}`);
  }
  const method = m.method?.exact;
  if (m.method && method === undefined)
    throw new UnsupportedRoutingError(`${where}: method must be an exact match`);
  return {
    ...path(m.uri, where),
    header: values(m.headers, ['exact', 'prefix', 'suffix', 'regex'], `${where}.headers`),
    queryParam: values(m.queryParams, ['exact', 'regex'], `${where}.queryParams`),
    methods: method === undefined ? undefined : [method.toUpperCase()],
  };
}
