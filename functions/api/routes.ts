/** The API's routes: each parses its input, calls one use case and shapes the answer. */
import { deleteCanary, registerCanary, type RegisterDeps } from '../../lib/app/register-canary.js';
import { publicView, registerCluster, removeCluster, type ClusterDeps } from '../../lib/app/clusters.js';
import { requestAction, toCommand, type OperatorDeps } from '../../lib/app/operator-actions.js';
import { canaryView, historyView, parseTemplate, parseAlertProvider } from '../../lib/app/views.js';
import { isSecretName, redactText } from '../../lib/domain/redaction.js';
import type { CanaryStatus } from '../../lib/domain/status.js';
import type { MetricTemplate, PrometheusTemplateProvider } from '../../lib/ports/metrics.js';
import type { AlertProvider } from '../../lib/ports/notifier.js';
import type { CanaryKey, CanaryStore, Documents, History } from '../../lib/ports/store.js';
import { HttpError, type ApiRequest, type ApiResult } from './http.js';
import { bodyValue, checkParams, queryInt, queryName } from './input.js';
import { openapi } from './openapi.js';

export interface ApiDeps extends RegisterDeps, OperatorDeps, ClusterDeps {
  store: CanaryStore<CanaryStatus>;
  history: History;
  templates: Documents<MetricTemplate>;
  alertProviders: Documents<AlertProvider>;
  maxBodyBytes: number;
}

type Handler = (deps: ApiDeps, req: ApiRequest, params: string[]) => Promise<ApiResult>;

/** `{x}` is a path parameter: any segment, validated by its name (input.ts) before the handler runs. */
const table: [string, string, Handler][] = [
  ['GET', '/openapi.json', () => Promise.resolve({ status: 200, body: openapi })],
  ['GET', '/clusters', listClusters],
  ['POST', '/clusters', putCluster],
  ['GET', '/clusters/{cluster}', getCluster],
  ['DELETE', '/clusters/{cluster}', deleteCluster],
  ['GET', '/canaries', listCanaries],
  ['POST', '/canaries', applyCanary],
  ['GET', '/canaries/{cluster}/{namespace}/{name}', getCanary],
  ['DELETE', '/canaries/{cluster}/{namespace}/{name}', removeCanary],
  ['GET', '/canaries/{cluster}/{namespace}/{name}/history', history],
  ['POST', '/canaries/{cluster}/{namespace}/{name}/actions/{action}', action],
  ['GET', '/templates', listTemplates],
  ['GET', '/templates/{namespace}/{name}', getTemplate],
  ['PUT', '/templates/{namespace}/{name}', putTemplate],
  ['DELETE', '/templates/{namespace}/{name}', removeTemplate],
  ['GET', '/alert-providers', listAlertProviders],
  ['GET', '/alert-providers/{namespace}/{name}', getAlertProvider],
  ['PUT', '/alert-providers/{namespace}/{name}', putAlertProvider],
  ['DELETE', '/alert-providers/{namespace}/{name}', removeAlertProvider],
];

const routes = table.map(([method, pattern, handler]) => ({
  method,
  re: new RegExp(`^${pattern.replace(/\{[a-z]+\}/g, '([^/]+)').replace(/\./g, '\\.')}$`),
  params: [...pattern.matchAll(/\{([a-z]+)\}/g)].map((m) => m[1]),
  handler,
}));

/** Finds the route; 404 for an unknown path, 405 for a known path with another method. */
export async function route(deps: ApiDeps, req: ApiRequest): Promise<ApiResult> {
  const matching = routes.filter((r) => r.re.test(req.path));
  if (matching.length === 0)
    throw new HttpError(404, `no route for ${req.method} ${shorten(req.path)}`, [
      { path: 'path', message: 'no such route; see GET /openapi.json' },
    ]);
  const hit = matching.find((r) => r.method === req.method);
  if (!hit) {
    const allowed = matching.map((r) => r.method).join(', ');
    throw new HttpError(405, `${req.method} not allowed on ${shorten(req.path)}; use ${allowed}`, [
      { path: 'method', message: `expected ${allowed}, got ${req.method}` },
    ]);
  }
  const values = hit.re.exec(req.path)!.slice(1);
  checkParams(hit.params, values);
  return hit.handler(deps, req, values);
}

function shorten(path: string): string {
  return path.length > 120 ? `${path.slice(0, 117)}...` : path;
}

function keyOf(p: string[]): CanaryKey {
  return { cluster: p[0], namespace: p[1], name: p[2] };
}

async function listClusters(deps: ApiDeps, req: ApiRequest): Promise<ApiResult> {
  const all = await deps.clusters.list(req.signal);
  return { status: 200, body: { items: all.map((c) => publicView(c.doc)) } };
}

async function putCluster(deps: ApiDeps, req: ApiRequest): Promise<ApiResult> {
  const r = await registerCluster(deps, bodyValue(req), req.signal);
  return { status: r.created ? 201 : 200, body: publicView(r.cluster) };
}

async function getCluster(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  const c = await deps.clusters.get(p[0], req.signal);
  if (!c) throw new HttpError(404, `cluster "${p[0]}" not found`);
  return { status: 200, body: publicView(c) };
}

async function deleteCluster(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  await removeCluster(deps, p[0], req.signal);
  return { status: 204 };
}

async function listCanaries(deps: ApiDeps, req: ApiRequest): Promise<ApiResult> {
  const rows = await deps.store.list(
    { cluster: queryName(req, 'cluster'), namespace: queryName(req, 'namespace') },
    req.signal,
  );
  return { status: 200, body: { items: rows.map((r) => canaryView(r, false)) } };
}

async function applyCanary(deps: ApiDeps, req: ApiRequest): Promise<ApiResult> {
  const cluster = queryName(req, 'cluster');
  if (!cluster)
    throw new HttpError(400, 'query parameter "cluster" is required', [
      { path: 'query.cluster', message: 'expected ?cluster=NAME of a registered cluster' },
    ]);
  if (req.body.trim() === '')
    throw new HttpError(400, 'request body is empty; expected a Canary manifest (YAML or JSON)', [
      { path: '', message: 'expected a Canary manifest (YAML or JSON), got an empty body' },
    ]);
  const r = await registerCanary(deps, cluster, req.body, req.actor, req.signal);
  return {
    status: r.created ? 201 : 200,
    body: canaryView(r.record, true, { unchanged: r.unchanged, warnings: r.warnings }),
  };
}

async function getCanary(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  const r = await deps.store.get(keyOf(p), req.signal);
  if (!r) throw new HttpError(404, `canary ${p.join('/')} not found`);
  const [last] = historyView(await deps.history.list(r.key, { limit: 1 }, req.signal), r);
  return { status: 200, body: canaryView(r, true, { lastStep: last ?? null }) };
}

async function removeCanary(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  const r = await deleteCanary(deps, keyOf(p), req.actor, req.signal);
  return r.deleted ? { status: 204 } : { status: 202, body: { message: r.why } };
}

async function history(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  const limit = queryInt(req, 'limit', { min: 1, max: 1000 }, 100);
  const before = queryInt(req, 'before', { min: 0, max: Number.MAX_SAFE_INTEGER });
  const [records, row] = await Promise.all([
    deps.history.list(keyOf(p), { limit: limit!, before }, req.signal),
    deps.store.get(keyOf(p), req.signal),
  ]);
  return { status: 200, body: { items: historyView(records, row) } };
}

async function action(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  const command = toCommand(p[3], req.actor, req.query.gate);
  const r = await requestAction(deps, keyOf(p), command, req.signal);
  return { status: 202, body: { accepted: command, canary: canaryView(r, false) } };
}

/** Stored documents are keyed `namespace/name`; `?namespace=` keeps one namespace. */
function inNamespace(key: string, namespace: string | undefined): boolean {
  return namespace === undefined || key.startsWith(`${namespace}/`);
}

/**
 * A template without its secrets: header values and secret-named provider fields (`password`,
 * `bearerToken`, …) are hidden, the address redacted (userinfo, secret-named query values).
 */
function templateView(t: MetricTemplate): MetricTemplate {
  if (t.provider.type === 'cloudwatch') return t;
  const hide = ([k, v]: [string, unknown]) => [k, isSecretName(k) && typeof v === 'string' ? '(hidden)' : v];
  const provider = Object.fromEntries(Object.entries(t.provider).map(hide)) as PrometheusTemplateProvider;
  const headers = t.provider.headers
    ? Object.fromEntries(Object.keys(t.provider.headers).map((h) => [h, ['(hidden)']]))
    : undefined;
  return { ...t, provider: { ...provider, address: redactText(t.provider.address), headers } };
}

function alertProviderView(a: AlertProvider): Record<string, unknown> {
  return { ...a, address: '(hidden)' };
}

async function listTemplates(deps: ApiDeps, req: ApiRequest): Promise<ApiResult> {
  const all = await deps.templates.list(req.signal);
  const namespace = queryName(req, 'namespace');
  const items = all.filter((t) => inNamespace(t.name, namespace)).map((t) => templateView(t.doc));
  return { status: 200, body: { items } };
}

async function getTemplate(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  const t = await deps.templates.get(`${p[0]}/${p[1]}`, req.signal);
  if (!t) throw new HttpError(404, `metric template ${p[0]}/${p[1]} not found`);
  return { status: 200, body: templateView(t) };
}

async function putTemplate(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  const t = parseTemplate(bodyValue(req), p[0], p[1]);
  const existed = (await deps.templates.get(`${p[0]}/${p[1]}`, req.signal)) !== undefined;
  await deps.templates.put(`${p[0]}/${p[1]}`, t, req.signal);
  return { status: existed ? 200 : 201, body: templateView(t) };
}

async function removeTemplate(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  if (!(await deps.templates.get(`${p[0]}/${p[1]}`, req.signal)))
    throw new HttpError(404, `metric template ${p[0]}/${p[1]} not found`);
  await deps.templates.delete(`${p[0]}/${p[1]}`, req.signal);
  return { status: 204 };
}

async function listAlertProviders(deps: ApiDeps, req: ApiRequest): Promise<ApiResult> {
  const all = await deps.alertProviders.list(req.signal);
  const namespace = queryName(req, 'namespace');
  const items = all.filter((a) => inNamespace(a.name, namespace)).map((a) => alertProviderView(a.doc));
  return { status: 200, body: { items } };
}

async function getAlertProvider(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  const a = await deps.alertProviders.get(`${p[0]}/${p[1]}`, req.signal);
  if (!a) throw new HttpError(404, `alert provider ${p[0]}/${p[1]} not found`);
  return { status: 200, body: alertProviderView(a) };
}

async function putAlertProvider(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  const a = parseAlertProvider(bodyValue(req), p[0], p[1]);
  const existed = (await deps.alertProviders.get(`${p[0]}/${p[1]}`, req.signal)) !== undefined;
  await deps.alertProviders.put(`${p[0]}/${p[1]}`, a, req.signal);
  return { status: existed ? 200 : 201, body: alertProviderView(a) };
}

async function removeAlertProvider(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  if (!(await deps.alertProviders.get(`${p[0]}/${p[1]}`, req.signal)))
    throw new HttpError(404, `alert provider ${p[0]}/${p[1]} not found`);
  await deps.alertProviders.delete(`${p[0]}/${p[1]}`, req.signal);
  return { status: 204 };
}
