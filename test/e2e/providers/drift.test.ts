/**
 * Drift on the meshes and ingress controllers, repaired by the per-cluster sweep
 * (docs/architecture.md, "Idle canaries: the sweep"; test/e2e/scenarios/sweep.test.ts is the Istio
 * version): an idle canary's routing objects — Linkerd's TrafficSplit or HTTPRoute, Consul's config
 * entries, Kuma's cluster-scoped TrafficRoute, the NGINX canary Ingress, Contour's HTTPProxy, Gloo's
 * RouteTable and Upstreams, Traefik's TraefikService, the canary ApisixRoute — deleted or edited by
 * hand are back as the router builds them within the next sweep and the step it queues. Every
 * request the controller made on the way is one infra/kubernetes/rbac.yaml grants.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../../support/controlplane.js';
import { initializeCanary, podinfoCanary, podinfoDeployment } from '../../support/release.js';
import { accessOf, rbacGrants } from '../../support/rbac.js';
import { podinfoApisixRoute, podinfoIngress } from '../../unit/routers/ingress-fixtures.js';
import { startSandbox, type Sandbox } from '../../support/sandbox.js';

const MINUTE = 60_000;

type Spec = Record<string, unknown>;
const CONNECT = { 'consul.hashicorp.com/connect-service': 'podinfo' };
const SERVICE_PARENT =
  'service: { port: 9898, gatewayRefs: [{ name: podinfo, namespace: test, group: core, kind: Service, port: 9898 }] }';

let sandbox: Sandbox;
let cp: ControlPlane;

beforeEach(async () => {
  sandbox = await startSandbox({ name: 'sandbox', rolloutDelayMs: 0, namespaces: ['default', 'test'] });
  cp = await startControlPlane();
});

afterEach(async () => {
  await cp.close();
  await sandbox.close();
});

/**
 * Stores the user's `objects` (an Ingress, an ApisixRoute), registers the sandbox, podinfo (with
 * `annotations`) and `manifest`; steps until Initialized.
 */
async function idle(
  manifest: string,
  annotations: Record<string, string> = {},
  objects: readonly object[] = [],
): Promise<void> {
  for (const o of objects) sandbox.store.put(o as never);
  await initializeCanary(cp, sandbox, manifest, podinfoDeployment('podinfo:6.0.0', annotations));
}

/** One minute passes: dispatch runs, and the sweeps and steps it queued are delivered. */
async function minute(): Promise<void> {
  cp.clock.now += MINUTE;
  await cp.dispatch();
  await cp.deliver();
}

async function kubectl(method: 'DELETE' | 'PUT', path: string, body?: unknown): Promise<void> {
  // Tagged as the test's own, as apply() tags its writes: not the controller's (expectGrantedByRbac).
  const res = await fetch(`${sandbox.httpUrl}${path}?fieldManager=e2e`, {
    method,
    headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `${method} ${path}`).toBeLessThan(300);
}

/** One routing object: its apiVersion, kind, namespace ('' when cluster-scoped), name and URL path. */
interface Obj {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  path: string;
}

const obj = (group: string, version: string, kind: string, plural: string, name = 'podinfo'): Obj => ({
  apiVersion: `${group}/${version}`,
  kind,
  namespace: 'test',
  name,
  path: `/apis/${group}/${version}/namespaces/test/${plural}/${name}`,
});

const TRAFFIC_SPLIT = obj('split.smi-spec.io', 'v1alpha1', 'TrafficSplit', 'trafficsplits');
const HTTP_ROUTE = obj('gateway.networking.k8s.io', 'v1beta1', 'HTTPRoute', 'httproutes');
const SPLITTER = obj('consul.hashicorp.com', 'v1alpha1', 'ServiceSplitter', 'servicesplitters');
const RESOLVER = obj('consul.hashicorp.com', 'v1alpha1', 'ServiceResolver', 'serviceresolvers');
const TRAFFIC_ROUTE: Obj = {
  apiVersion: 'kuma.io/v1alpha1',
  kind: 'TrafficRoute',
  namespace: '',
  name: 'podinfo',
  path: '/apis/kuma.io/v1alpha1/trafficroutes/podinfo',
};
const CANARY_INGRESS = obj('networking.k8s.io', 'v1', 'Ingress', 'ingresses', 'podinfo-canary');
const HTTP_PROXY = obj('projectcontour.io', 'v1', 'HTTPProxy', 'httpproxies');
const ROUTE_TABLE = obj('gateway.solo.io', 'v1', 'RouteTable', 'routetables');
const UPSTREAM = (side: string) =>
  obj('gloo.solo.io', 'v1', 'Upstream', 'upstreams', `test-podinfo-${side}upstream-9898`);
const TRAEFIK_SERVICE = obj('traefik.io', 'v1alpha1', 'TraefikService', 'traefikservices');
const CANARY_ROUTE = obj('apisix.apache.org', 'v2', 'ApisixRoute', 'apisixroutes', 'podinfo-podinfo-canary');

const live = (o: Obj) => sandbox.store.get(o.apiVersion, o.kind, o.namespace, o.name);
const specOf = (o: Obj) => (live(o) as { spec?: unknown } | undefined)?.spec;

const ANALYSIS = 'threshold: 2\nstepWeight: 50';
const canaryOf = (provider: string, extraSpec?: string) => podinfoCanary(ANALYSIS, { provider, extraSpec });
/** A route list with every backend port moved to 80. */
const port80 = <T extends Spec>(routes: T[], key: string, field: string): T[] =>
  routes.map((r) => ({ ...r, [key]: (r[key] as Spec[]).map((b) => ({ ...b, [field]: 80 })) }));

describe.each([
  {
    mesh: 'Linkerd (TrafficSplit)',
    manifest: podinfoCanary('threshold: 2\nstepWeight: 50', { provider: 'linkerd' }),
    annotations: {},
    objects: [TRAFFIC_SPLIT],
    edited: TRAFFIC_SPLIT,
    drift: (spec: Spec) => ({ ...spec, service: 'podinfo-elsewhere' }),
  },
  {
    mesh: 'Linkerd (HTTPRoute)',
    manifest: podinfoCanary('threshold: 2\nstepWeight: 50', { provider: 'linkerd' }).replace(
      'service: { port: 9898 }',
      SERVICE_PARENT,
    ),
    annotations: {},
    objects: [HTTP_ROUTE],
    edited: HTTP_ROUTE,
    drift: (spec: Spec) => ({
      ...spec,
      parentRefs: [{ group: 'core', kind: 'Service', name: 'frontend', port: 80 }],
    }),
  },
  {
    mesh: 'Consul',
    manifest: podinfoCanary('threshold: 2\nstepWeight: 50', { provider: 'consul' }),
    annotations: CONNECT,
    objects: [SPLITTER, RESOLVER],
    edited: RESOLVER,
    // Every request without a split would reach the canary subset.
    drift: (spec: Spec) => ({ ...spec, defaultSubset: 'canary' }),
  },
  {
    mesh: 'Kuma',
    manifest: canaryOf('kuma'),
    objects: [TRAFFIC_ROUTE],
    edited: TRAFFIC_ROUTE,
    drift: (spec: Spec) => ({ ...spec, sources: [{ match: { 'kuma.io/service': 'frontend' } }] }),
  },
  {
    mesh: 'NGINX',
    manifest: canaryOf(
      'nginx',
      '  ingressRef: { apiVersion: networking.k8s.io/v1, kind: Ingress, name: podinfo }\n',
    ),
    user: [podinfoIngress()],
    objects: [CANARY_INGRESS],
    edited: CANARY_INGRESS,
    drift: (spec: Spec) => ({ ...spec, rules: [{ host: 'elsewhere.example.com' }] }),
  },
  {
    mesh: 'Contour',
    manifest: canaryOf('contour'),
    objects: [HTTP_PROXY],
    edited: HTTP_PROXY,
    drift: (spec: Spec) => ({ ...spec, routes: port80(spec.routes as Spec[], 'services', 'port') }),
  },
  {
    mesh: 'Gloo Edge',
    manifest: canaryOf('gloo'),
    objects: [ROUTE_TABLE, UPSTREAM('primary'), UPSTREAM('canary')],
    edited: UPSTREAM('canary'),
    drift: (spec: Spec) => ({ ...spec, kube: { ...(spec.kube as Spec), serviceName: 'podinfo-primary' } }),
  },
  {
    mesh: 'Traefik',
    manifest: canaryOf('traefik'),
    objects: [TRAEFIK_SERVICE],
    edited: TRAEFIK_SERVICE,
    drift: (spec: Spec) => ({
      weighted: { services: port80([spec.weighted as Spec], 'services', 'port')[0].services },
    }),
  },
  {
    mesh: 'APISIX',
    manifest: canaryOf(
      'apisix',
      '  routeRef: { apiVersion: apisix.apache.org/v2, kind: ApisixRoute, name: podinfo }\n',
    ),
    user: [podinfoApisixRoute()],
    objects: [CANARY_ROUTE],
    edited: CANARY_ROUTE,
    drift: (spec: Spec) => ({ ...spec, http: [] }),
  },
])('drift on $mesh', ({ manifest, annotations, user, objects, edited, drift }) => {
  it('repairs deleted routing objects within the next sweep and its step', async () => {
    await idle(manifest, annotations, user);
    const built = objects.map(specOf);
    expect(built.every((s) => s !== undefined)).toBe(true);
    for (const o of objects) await kubectl('DELETE', o.path);
    expect(objects.map(specOf)).toEqual(objects.map(() => undefined));
    await minute();
    expect(objects.map(specOf)).toEqual(built);
    expectGrantedByRbac();
  });

  // Weights are not drift: reconcile keeps the live ones (docs/routing.md), as Flagger's routers do.
  it('repairs a routing object edited by hand', async () => {
    await idle(manifest, annotations, user);
    const built = specOf(edited) as Spec;
    await kubectl('PUT', edited.path, { ...(live(edited) as unknown as Spec), spec: drift(built) });
    expect(specOf(edited)).not.toEqual(built);
    await minute();
    expect(specOf(edited)).toEqual(built);
    expectGrantedByRbac();
  });
});

// ALB: the router adopts the user's Ingress (it cannot recreate a deleted one: the Ingress is
// the user's, and reconcile says it is missing); a backend edited back by hand is repaired.
describe('drift on the AWS Load Balancer Controller (alb)', () => {
  it('repairs the adopted Ingress edited by hand within the next sweep and its step', async () => {
    sandbox.store.put(podinfoIngress());
    const extraSpec = '  ingressRef: { apiVersion: networking.k8s.io/v1, kind: Ingress, name: podinfo }\n';
    await idle(podinfoCanary('threshold: 2\nstepWeight: 50', { provider: 'alb', extraSpec }));
    const ingress = obj('networking.k8s.io', 'v1', 'Ingress', 'ingresses');
    const built = specOf(ingress) as Spec;
    expect(JSON.stringify(built)).toContain('podinfo-weighted');
    const live = sandbox.store.get(ingress.apiVersion, ingress.kind, 'test', 'podinfo') as unknown as Spec;
    await kubectl('PUT', ingress.path, { ...live, spec: podinfoIngress().spec });
    expect(specOf(ingress)).not.toEqual(built);
    await minute();
    expect(specOf(ingress)).toEqual(built);
    expectGrantedByRbac();
  });
});

/**
 * Every Kubernetes API request the controller made (not the test's own writes, tagged
 * `fieldManager=e2e`) is granted by infra/kubernetes/rbac.yaml: the sweep's metadata-only lists
 * by its ClusterRole, everything else by the step's.
 */
function expectGrantedByRbac(): void {
  const step = rbacGrants('flagger-serverless');
  const sweep = rbacGrants('flagger-serverless-sweep');
  const requests = sandbox
    .selectRequests({ proxied: false })
    .filter((r) => /^\/apis?\//.test(r.path) && !r.query.includes('fieldManager=e2e'));
  const denied = requests
    .map((r) => ({ sweep: r.accept.includes('PartialObjectMetadata'), ...accessOf(r) }))
    .filter((a) => !(a.sweep ? sweep : step)(a));
  expect(denied).toEqual([]);
}
