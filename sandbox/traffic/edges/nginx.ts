/**
 * ingress-nginx: the main Ingress routes `apex` (a backend to the apex Service); an Ingress
 * annotated `nginx.ingress.kubernetes.io/canary: "true"` for the same host is its canary. A request
 * goes to the canary when `canary-by-header` matches (its `-value` exactly, or its `-pattern` as an
 * unanchored regex, or the value `always`), else when the cookie `canary-by-cookie` is `always`,
 * else by `canary-weight` out of `canary-weight-total` (default 100).
 */
import type { KubeObject } from '../../apiserver/index.js';
import type { EdgeTag } from '../edge-counters.js';
import type { SimRequest } from '../matching.js';
import type { AppRouting, SimRoute } from '../routing.js';
import { cookieValue } from './match.js';

const PREFIX = 'nginx.ingress.kubernetes.io';

interface IngressBackend {
  service?: { name?: string; port?: { number?: number } };
}

interface IngressSpec {
  defaultBackend?: IngressBackend;
  rules?: { host?: string; http?: { paths?: { backend?: IngressBackend }[] } }[];
}

function spec(o: KubeObject): IngressSpec {
  return o.spec ?? {};
}

function backends(o: KubeObject): IngressBackend[] {
  const s = spec(o);
  const paths = (s.rules ?? []).flatMap((r) => r.http?.paths ?? []).map((p) => p.backend ?? {});
  return s.defaultBackend ? [s.defaultBackend, ...paths] : paths;
}

function hosts(o: KubeObject): string {
  return (spec(o).rules ?? []).map((r) => r.host ?? '').join(',');
}

function annotation(o: KubeObject, key: string): string | undefined {
  return o.metadata.annotations?.[`${PREFIX}/${key}`];
}

const isCanary = (o: KubeObject) => annotation(o, 'canary') === 'true';

function headerTest(canary: KubeObject): ((req: SimRequest) => boolean) | undefined {
  const header = annotation(canary, 'canary-by-header');
  if (!header) return undefined;
  const value = annotation(canary, 'canary-by-header-value');
  const pattern = annotation(canary, 'canary-by-header-pattern');
  return (req) => {
    const got = req.headers[header.toLowerCase()];
    if (got === undefined) return false;
    if (value !== undefined) return got === value;
    if (pattern !== undefined) return safeSearch(pattern, got);
    return got === 'always';
  };
}

function safeSearch(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern).test(value);
  } catch {
    return false;
  }
}

/** The routing of `apex` through its Ingress and canary Ingress, or undefined. */
export function nginxRouting(
  ingresses: KubeObject[],
  namespace: string,
  apex: string,
): AppRouting | undefined {
  const main = ingresses.find((o) => !isCanary(o) && backends(o).some((b) => b.service?.name === apex));
  if (!main) return undefined;
  const ingress = main.metadata.name ?? '';
  const primary = {
    kind: 'service' as const,
    name: apex,
    edge: { kind: 'nginx', ingress, service: apex, canary: '' } as EdgeTag,
  };
  const canaryIngress = ingresses.find((o) => isCanary(o) && hosts(o) === hosts(main));
  const target = canaryIngress && backends(canaryIngress)[0]?.service;
  if (!canaryIngress || !target?.name)
    return { source: 'nginx', routes: [{ test: () => true, backends: [{ ...primary, weight: 1 }] }] };
  const upstream = `${namespace}-${target.name}-${target.port?.number ?? 80}`;
  const canary = {
    kind: 'service' as const,
    name: target.name,
    edge: { kind: 'nginx', ingress, service: apex, canary: upstream } as EdgeTag,
  };
  const routes: SimRoute[] = [];
  const byHeader = headerTest(canaryIngress);
  if (byHeader) routes.push({ test: byHeader, backends: [{ ...canary, weight: 1 }] });
  const cookie = annotation(canaryIngress, 'canary-by-cookie');
  if (cookie) {
    routes.push({
      test: (req) => cookieValue(req.headers.cookie, cookie) === 'always',
      backends: [{ ...canary, weight: 1 }],
    });
  }
  const weight = Number(annotation(canaryIngress, 'canary-weight') ?? 0) || 0;
  const total = Number(annotation(canaryIngress, 'canary-weight-total') ?? 100) || 100;
  routes.push({
    test: () => true,
    backends: [
      { ...primary, weight: total - weight },
      { ...canary, weight },
    ],
  });
  return { source: 'nginx', routes };
}
