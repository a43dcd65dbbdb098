/**
 * What the ingress controllers' routing objects can express (NGINX, Contour, Gloo Edge, Traefik,
 * APISIX), as field-path findings. One home for these rules: validation (validate.ts) reports them
 * when `spec.provider` names the controller, and each router runs the same function before it
 * writes (the provider may come from the cluster's default), throwing on the first error.
 *
 * A match the controller cannot express is an error, never dropped: dropping a condition would
 * widen who reaches the canary.
 */
import { strategy, type Provider } from './accessors.js';
import { builtinMetricName } from './catalog.js';
import type { RawIssue } from './errors.js';
import type { Canary, HttpMatch, StringMatch } from './schema.js';
import type { Findings } from './validate.js';

type Path = RawIssue['path'];

const MATCH = ['spec', 'analysis', 'match'] as const;
const SERVICE_MATCH = ['spec', 'service', 'match'] as const;

/** The findings of `provider` for `c`; none for the mesh providers (their routers check themselves). */
export function ingressRoutingFindings(c: Canary, provider: Provider): Findings {
  const f: Findings = { errors: [], warnings: [] };
  switch (provider) {
    case 'nginx':
      nginxRules(c, f);
      break;
    case 'contour':
      matchRules(c, f, 'Contour', contourKeys);
      break;
    case 'gloo':
      glooRules(c, f);
      break;
    case 'traefik':
      ignoredServiceMatch(c, f, 'the IngressRoute that references the TraefikService');
      weightOnlyRules(c, f, 'traefik', 'a TraefikService splits by weight only');
      break;
    case 'apisix':
      apisixRules(c, f);
      break;
    case 'alb':
      albRules(c, f);
      break;
    case 'istio':
    case 'gatewayapi':
    case 'appmesh':
    case 'kubernetes':
    case 'linkerd': // the meshes have their own rules (meshes.ts)
    case 'smi':
    case 'consul':
    case 'kuma':
      break;
    default: {
      const never: never = provider;
      throw new Error(`no routing rules for provider "${String(never)}"`);
    }
  }
  return f;
}

function analysisMatches(c: Canary): HttpMatch[] {
  return c.spec.analysis?.match ?? [];
}

function requireRef(
  f: Findings,
  field: 'ingressRef' | 'routeRef',
  ref: { kind: string } | undefined,
  kind: string,
  provider: string,
): void {
  if (!ref) {
    f.errors.push({
      path: ['spec', field],
      message: `required with provider ${provider}; expected a reference to the ${kind} that routes to the apex Service, got nothing`,
    });
  } else if (ref.kind !== kind) {
    f.errors.push({ path: ['spec', field, 'kind'], message: `expected ${kind}, got "${ref.kind}"` });
  }
}

function ignoredServiceMatch(c: Canary, f: Findings, owner: string): void {
  if ((c.spec.service.match?.length ?? 0) > 0) {
    f.warnings.push({
      path: [...SERVICE_MATCH],
      message: `ignored: ${owner} decides which requests reach the app`,
    });
  }
}

/** A value match a controller can turn into exact or (anchored) regex matching. */
function checkValue(f: Findings, at: Path, m: StringMatch): void {
  const set = (['exact', 'prefix', 'suffix', 'regex'] as const).filter((k) => m[k] !== undefined);
  if (set.length !== 1) {
    f.errors.push({
      path: at,
      message: `expected exactly one of exact, prefix, suffix or regex, got ${set.length}`,
    });
  }
}

/** Keys of a match entry other than `allowed` that are set. */
function extraKeys(m: HttpMatch, allowed: readonly string[]): string[] {
  return Object.keys(m).filter((k) => m[k] !== undefined && !allowed.includes(k));
}

/**
 * NGINX: the `<ingress>-canary` Ingress and its annotations. A/B: each match entry is one header
 * (`canary-by-header` with `-value`, or `-pattern` for regex/prefix/suffix) or one cookie
 * (`canary-by-cookie`: the exact cookie name, routed when its value is `always`); one of each at most.
 */
function nginxRules(c: Canary, f: Findings): void {
  requireRef(f, 'ingressRef', c.spec.ingressRef, 'Ingress', 'nginx');
  ignoredServiceMatch(c, f, 'the Ingress named by ingressRef');
  const matches = analysisMatches(c);
  const kinds = matches.map((m, i) => nginxEntry(f, m, [...MATCH, i]));
  const headers = kinds.filter((k) => k === 'header').length;
  const cookies = kinds.filter((k) => k === 'cookie').length;
  if (headers > 1 || cookies > 1) {
    f.errors.push({
      path: [...MATCH],
      message: `NGINX supports one canary-by-header and one canary-by-cookie, got ${headers} header and ${cookies} cookie matches`,
    });
  }
  if (matches.length > 0 && c.spec.analysis?.stepWeightPromotion !== undefined) {
    f.errors.push({
      path: ['spec', 'analysis', 'stepWeightPromotion'],
      message: 'NGINX A/B routes matched requests all or nothing; promotion cannot be stepped',
    });
  }
}

/** Checks one NGINX match entry; which annotation it becomes, if it is valid enough to count. */
function nginxEntry(f: Findings, m: HttpMatch, at: Path): 'header' | 'cookie' | undefined {
  for (const k of extraKeys(m, ['headers'])) {
    f.errors.push({ path: [...at, k], message: 'NGINX canary annotations match one header or cookie only' });
  }
  const entries = Object.entries(m.headers ?? {});
  if (entries.length !== 1) {
    f.errors.push({
      path: [...at, 'headers'],
      message: `expected one header or cookie per match entry (NGINX cannot combine conditions), got ${entries.length}`,
    });
    return undefined;
  }
  const [name, value] = entries[0];
  if (name.toLowerCase() !== 'cookie') {
    checkValue(f, [...at, 'headers', name], value);
    return 'header';
  }
  if (value.exact === undefined || Object.keys(value).length !== 1) {
    f.errors.push({
      path: [...at, 'headers', name],
      message: 'expected exact: <cookie name> (NGINX routes requests whose cookie of that name is "always")',
    });
  }
  return 'cookie';
}

/**
 * AWS Load Balancer Controller: the `ingressRef` Ingress's actions and conditions annotations.
 * A/B: one match entry (ALB ANDs the conditions of one rule; several entries would need several
 * rules in an order the Canary does not state), headers only, each an exact value, prefix or
 * suffix without ALB's wildcards `*` and `?` in it. ALB compares header values case-insensitively.
 */
function albRules(c: Canary, f: Findings): void {
  requireRef(f, 'ingressRef', c.spec.ingressRef, 'Ingress', 'alb');
  ignoredServiceMatch(c, f, 'the Ingress named by ingressRef');
  const matches = analysisMatches(c);
  if (matches.length > 1) {
    f.errors.push({
      path: [...MATCH],
      message: `ALB conditions express one match entry (its headers are ANDed), got ${matches.length}`,
    });
  }
  matches.forEach((m, i) => {
    const at = [...MATCH, i];
    for (const k of extraKeys(m, ['headers'])) {
      f.errors.push({
        path: [...at, k],
        message: 'the alb provider matches headers only (http-header conditions)',
      });
    }
    const headers = Object.entries(m.headers ?? {});
    if (headers.length === 0)
      f.errors.push({ path: [...at, 'headers'], message: 'expected at least one header' });
    for (const [name, value] of headers) albHeader(f, [...at, 'headers', name], value);
  });
  if (matches.length > 0) {
    f.warnings.push({ path: [...MATCH], message: 'ALB compares header values case-insensitively' });
  }
}

function albHeader(f: Findings, at: Path, m: StringMatch): void {
  checkValue(f, at, m);
  if (m.regex !== undefined) {
    f.errors.push({
      path: [...at, 'regex'],
      message: 'ALB http-header conditions have no regular expressions (use exact, prefix or suffix)',
    });
  }
  for (const k of ['exact', 'prefix', 'suffix'] as const) {
    if (m[k] !== undefined && /[*?]/.test(m[k])) {
      f.errors.push({
        path: [...at, k],
        message: 'ALB reads * and ? as wildcards; the value must not contain them',
      });
    }
  }
}

const contourKeys = ['name', 'uri', 'headers', 'queryParams'] as const;
const glooKeys = ['name', 'headers', 'queryParams', 'method'] as const;

/** Contour and Gloo: merged matches become route conditions / matchers. */
function matchRules(c: Canary, f: Findings, who: string, allowed: readonly string[]): void {
  const lists = [
    [SERVICE_MATCH, c.spec.service.match ?? []],
    [MATCH, analysisMatches(c)],
  ] as const;
  for (const [base, list] of lists) {
    list.forEach((m, i) => {
      const at = [...base, i] as const;
      for (const k of extraKeys(m, allowed)) {
        f.errors.push({ path: [...at, k], message: `${who} cannot match on ${k}` });
      }
      if (m.uri && allowed.includes('uri') && (m.uri.prefix === undefined || Object.keys(m.uri).length > 1)) {
        f.errors.push({ path: [...at, 'uri'], message: `${who} matches a path by prefix only` });
      }
      if (m.method && m.method.exact === undefined) {
        f.errors.push({ path: [...at, 'method'], message: 'expected an exact method' });
      }
      for (const [name, v] of Object.entries(m.headers ?? {})) checkValue(f, [...at, 'headers', name], v);
      for (const [name, v] of Object.entries(m.queryParams ?? {}))
        checkValue(f, [...at, 'queryParams', name], v);
    });
  }
}

function glooRules(c: Canary, f: Findings): void {
  matchRules(
    c,
    f,
    'Gloo (the path comes from the VirtualService that delegates to the RouteTable)',
    glooKeys,
  );
  const ref = c.spec.upstreamRef;
  if (ref && ref.kind !== 'Upstream') {
    f.errors.push({ path: ['spec', 'upstreamRef', 'kind'], message: `expected Upstream, got "${ref.kind}"` });
  }
}

function weightOnlyRules(c: Canary, f: Findings, provider: string, why: string): void {
  if (analysisMatches(c).length > 0) {
    f.errors.push({
      path: [...MATCH],
      message: `A/B testing is not supported with provider ${provider}: ${why}; use stepWeight (canary) or iterations (blue/green)`,
    });
  }
}

function apisixRules(c: Canary, f: Findings): void {
  requireRef(f, 'routeRef', c.spec.routeRef, 'ApisixRoute', 'apisix');
  ignoredServiceMatch(c, f, 'the ApisixRoute named by routeRef');
  weightOnlyRules(c, f, 'apisix', 'the canary ApisixRoute splits by backend weight only');
}

const EDGES: readonly Provider[] = ['nginx', 'contour', 'gloo', 'traefik', 'apisix', 'alb'];

/**
 * Blue/green behind an ingress controller (the ALB's target groups too): its metrics count only
 * the requests it forwards, and
 * during the iterations it forwards none to the canary, so a builtin check would read no data at
 * every step and roll back. An error at each builtin metric (validation only: a router does not
 * read metrics).
 */
export function edgeBlueGreenFindings(c: Canary, provider: Provider): RawIssue[] {
  if (!EDGES.includes(provider) || strategy(c, provider) !== 'blue-green') return [];
  return (c.spec.analysis?.metrics ?? []).flatMap((m, i) =>
    builtinMetricName(m.name) && m.templateRef === undefined && m.query === undefined
      ? [
          {
            path: ['spec', 'analysis', 'metrics', i, 'name'],
            message: `builtin "${m.name}" reads provider ${provider}'s metrics, which count only the requests it forwards: blue/green sends the canary none until the switch, so every check would read no data; use a MetricTemplate over the app's own metrics, or stepWeight (canary)`,
          },
        ]
      : [],
  );
}
