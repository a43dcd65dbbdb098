/**
 * Istio-shaped match conditions (the Canary's `service.match` / `analysis.match`) translated to
 * Gateway API `HTTPRouteMatch`es. Fields Gateway API cannot express are rejected with
 * `UnsupportedRoutingError` rather than dropped, since dropping one would widen who reaches the
 * canary. Defaults the API server would fill in (`PathPrefix /`, `Exact`) are written explicitly
 * so the live object diffs clean.
 */
import type { HttpMatch, StringMatch } from '../../../domain/spec/schema.js';
import { UnsupportedRoutingError } from '../engine/errors.js';

/** A Gateway API path match. */
interface PathMatch {
  type: 'Exact' | 'PathPrefix' | 'RegularExpression';
  value: string;
}

/** A Gateway API header or query-parameter match. */
interface ValueMatch {
  type: 'Exact' | 'RegularExpression';
  name: string;
  value: string;
}

/** A Gateway API `HTTPRouteMatch`. */
export interface GatewayMatch {
  path: PathMatch;
  headers?: ValueMatch[];
  queryParams?: ValueMatch[];
  method?: string;
}

/** The match of a rule without conditions, as the API server defaults it. */
const MATCH_ALL: GatewayMatch = { path: { type: 'PathPrefix', value: '/' } };

const SUPPORTED = new Set(['name', 'uri', 'headers', 'queryParams', 'method']);

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function path(m: StringMatch | undefined, where: string): PathMatch {
  if (!m) return MATCH_ALL.path;
  if (m.exact !== undefined) return { type: 'Exact', value: m.exact };
  if (m.prefix !== undefined) return { type: 'PathPrefix', value: m.prefix };
  if (m.regex !== undefined) return { type: 'RegularExpression', value: m.regex };
  throw new UnsupportedRoutingError(`${where}: Gateway API matches a URI by exact, prefix or regex only`);
}

function value(name: string, m: StringMatch, where: string): ValueMatch {
  if (m.exact !== undefined) return { type: 'Exact', name, value: m.exact };
  if (m.regex !== undefined) return { type: 'RegularExpression', name, value: m.regex };
  if (m.prefix !== undefined)
    return { type: 'RegularExpression', name, value: `^${escapeRegex(m.prefix)}.*` };
  if (m.suffix !== undefined)
    return { type: 'RegularExpression', name, value: `.*${escapeRegex(m.suffix)}$` };
  throw new UnsupportedRoutingError(`${where}: empty string match for "${name}"`);
}

/** Header names are case-insensitive; `cookie` is written in its canonical form `Cookie`. */
function headerName(name: string): string {
  return name.toLowerCase() === 'cookie' ? 'Cookie' : name;
}

function values(map: Record<string, StringMatch> | undefined, where: string, rename = (n: string) => n) {
  if (!map) return undefined;
  return Object.entries(map).map(([n, m]) => value(rename(n), m, where));
}

/** One Istio match as a Gateway API match; `where` names the Canary field in errors. */
export function toGatewayMatch(m: HttpMatch, where: string): GatewayMatch {
  const unsupported = Object.keys(m).filter((k) => !SUPPORTED.has(k) && m[k] !== undefined);
  if (unsupported.length > 0) {
    throw new UnsupportedRoutingError(`${where}: Gateway API cannot match on ${unsupported.join(', ')}`);
  }
  const method = m.method?.exact;
  if (m.method && method === undefined)
    throw new UnsupportedRoutingError(`${where}: method must be an exact match`);
  return {
    path: path(m.uri, where),
    headers: values(m.headers, where, headerName),
    queryParams: values(m.queryParams, where),
    method: method?.toUpperCase(),
  };
}

/** A list of Istio matches as Gateway API matches; none means "everything" ({@link MATCH_ALL}). */
export function toGatewayMatches(ms: readonly HttpMatch[], where: string): GatewayMatch[] {
  return ms.length === 0 ? [MATCH_ALL] : ms.map((m, i) => toGatewayMatch(m, `${where}[${i}]`));
}
