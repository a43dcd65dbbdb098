/**
 * Synthetic requests and the match rules of the three meshes, evaluated against them. Pure.
 * Regexes are RE2 full matches in Istio, Gateway API (Envoy) and App Mesh; JavaScript's engine
 * stands in for RE2 (patterns it cannot compile never match).
 */

/** One simulated request. Header names are lower case. */
export interface SimRequest {
  path: string;
  method: string;
  headers: Readonly<Record<string, string>>;
}

/** Istio's `StringMatch` (also App Mesh's header `match`, which adds `suffix`). */
export interface StringMatch {
  exact?: string;
  prefix?: string;
  suffix?: string;
  regex?: string;
}

const compiled = new Map<string, RegExp | null>();

/** Full-match regex test; an invalid pattern never matches. */
export function fullMatch(pattern: string, value: string): boolean {
  let re = compiled.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${pattern})$`);
    } catch {
      re = null;
    }
    if (compiled.size < 1000) compiled.set(pattern, re);
  }
  return re !== null && re.test(value);
}

/** Whether `value` satisfies a string match; `undefined` value (header absent) never does. */
export function stringMatches(m: StringMatch | undefined, value: string | undefined): boolean {
  if (!m) return true;
  if (value === undefined) return false;
  if (m.exact !== undefined && value !== m.exact) return false;
  if (m.prefix !== undefined && !value.startsWith(m.prefix)) return false;
  if (m.suffix !== undefined && !value.endsWith(m.suffix)) return false;
  if (m.regex !== undefined && !fullMatch(m.regex, value)) return false;
  return true;
}

/** Istio `HTTPMatchRequest`: uri, method and headers (others are ignored, i.e. match). */
export interface IstioMatch {
  uri?: StringMatch;
  method?: StringMatch;
  headers?: Record<string, StringMatch>;
}

/** True when `req` satisfies every condition of `m`. */
export function istioMatches(m: IstioMatch, req: SimRequest): boolean {
  if (!stringMatches(m.uri, req.path) || !stringMatches(m.method, req.method)) return false;
  return Object.entries(m.headers ?? {}).every(([name, sm]) =>
    stringMatches(sm, req.headers[name.toLowerCase()]),
  );
}

/** Gateway API `HTTPRouteMatch`. */
export interface GatewayMatch {
  path?: { type?: string; value?: string };
  method?: string;
  headers?: { type?: string; name: string; value: string }[];
}

/** True when `req` satisfies a Gateway API match (path default: prefix `/`). */
export function gatewayMatches(m: GatewayMatch, req: SimRequest): boolean {
  const p = m.path ?? {};
  const value = p.value ?? '/';
  const pathOk =
    p.type === 'Exact'
      ? req.path === value
      : p.type === 'RegularExpression'
        ? fullMatch(value, req.path)
        : value === '/' || req.path === value || req.path.startsWith(`${value.replace(/\/$/, '')}/`);
  if (!pathOk || (m.method !== undefined && m.method !== req.method)) return false;
  return (m.headers ?? []).every((h) => {
    const got = req.headers[h.name.toLowerCase()];
    if (got === undefined) return false;
    return h.type === 'RegularExpression' ? fullMatch(h.value, got) : got === h.value;
  });
}

/** App Mesh `HttpRouteMatch` (v1beta2). */
export interface MeshMatch {
  prefix?: string;
  method?: string;
  headers?: { name: string; invert?: boolean; match?: StringMatch }[];
}

/** True when `req` satisfies an App Mesh route match. */
export function meshMatches(m: MeshMatch, req: SimRequest): boolean {
  if (m.prefix !== undefined && !req.path.startsWith(m.prefix)) return false;
  if (m.method !== undefined && m.method !== req.method) return false;
  return (m.headers ?? []).every((h) => {
    const got = req.headers[h.name.toLowerCase()];
    const ok = h.match ? stringMatches(h.match, got) : got !== undefined;
    return h.invert ? !ok : ok;
  });
}
