/** The API's routes: each parses its input, calls one use case and shapes the answer. */
import { parse as parseYaml } from 'yaml';
import { deleteCanary, registerCanary, type RegisterDeps } from '../../lib/app/register-canary.js';
import { publicView, registerCluster, removeCluster, type ClusterDeps } from '../../lib/app/clusters.js';
import { requestAction, toCommand, type OperatorDeps } from '../../lib/app/operator-actions.js';
import { canaryView, parseTemplate, parseAlertProvider } from '../../lib/app/views.js';
import { isSecretName, redactText } from '../../lib/domain/redaction.js';
import type { CanaryStatus } from '../../lib/domain/status.js';
import type { MetricTemplate } from '../../lib/ports/metrics.js';
import type { AlertProvider } from '../../lib/ports/notifier.js';
import type { CanaryKey, CanaryStore, Documents, History } from '../../lib/ports/store.js';
import { HttpError, type ApiRequest, type ApiResult } from './http.js';
import { openapi } from './openapi.js';

export interface ApiDeps extends RegisterDeps, OperatorDeps, ClusterDeps {
  store: CanaryStore<CanaryStatus>;
  history: History;
  templates: Documents<MetricTemplate>;
  alertProviders: Documents<AlertProvider>;
  maxBodyBytes: number;
}

type Handler = (deps: ApiDeps, req: ApiRequest, params: string[]) => Promise<ApiResult>;
const seg = '([a-z0-9][-a-z0-9.]*)';

const routes: [string, RegExp, Handler][] = [
  ['GET', /^\/openapi\.json$/, () => Promise.resolve({ status: 200, body: openapi })],
  ['GET', /^\/clusters$/, listClusters],
  ['POST', /^\/clusters$/, putCluster],
  ['GET', new RegExp(`^/clusters/${seg}$`), getCluster],
  ['DELETE', new RegExp(`^/clusters/${seg}$`), deleteCluster],
  ['GET', /^\/canaries$/, listCanaries],
  ['POST', /^\/canaries$/, applyCanary],
  ['GET', new RegExp(`^/canaries/${seg}/${seg}/${seg}$`), getCanary],
  ['DELETE', new RegExp(`^/canaries/${seg}/${seg}/${seg}$`), removeCanary],
  ['GET', new RegExp(`^/canaries/${seg}/${seg}/${seg}/history$`), history],
  ['POST', new RegExp(`^/canaries/${seg}/${seg}/${seg}/actions/([a-z]+)$`), action],
  ['GET', /^\/templates$/, listTemplates],
  ['GET', new RegExp(`^/templates/${seg}/${seg}$`), getTemplate],
  ['PUT', new RegExp(`^/templates/${seg}/${seg}$`), putTemplate],
  ['DELETE', new RegExp(`^/templates/${seg}/${seg}$`), removeTemplate],
  ['GET', /^\/alert-providers$/, listAlertProviders],
  ['GET', new RegExp(`^/alert-providers/${seg}/${seg}$`), getAlertProvider],
  ['PUT', new RegExp(`^/alert-providers/${seg}/${seg}$`), putAlertProvider],
  ['DELETE', new RegExp(`^/alert-providers/${seg}/${seg}$`), removeAlertProvider],
];

/** Finds the route; 404 for an unknown path, 405 for a known path with another method. */
export async function route(deps: ApiDeps, req: ApiRequest): Promise<ApiResult> {
  const matching = routes.filter(([, re]) => re.test(req.path));
  if (matching.length === 0) throw new HttpError(404, `no route for ${req.method} ${req.path}`);
  const hit = matching.find(([m]) => m === req.method);
  if (!hit)
    throw new HttpError(
      405,
      `${req.method} not allowed on ${req.path}; use ${matching.map(([m]) => m).join(', ')}`,
    );
  return hit[2](deps, req, hit[1].exec(req.path)!.slice(1));
}

function keyOf(p: string[]): CanaryKey {
  return { cluster: p[0], namespace: p[1], name: p[2] };
}

function bodyJson(req: ApiRequest): unknown {
  if (req.body.trim() === '') throw new HttpError(400, 'request body is empty; expected JSON or YAML');
  try {
    return parseYaml(req.body) as unknown;
  } catch (e) {
    throw new HttpError(
      400,
      `request body is not valid JSON or YAML: ${(e as Error).message.split('\n')[0]}`,
    );
  }
}

async function listClusters(deps: ApiDeps, req: ApiRequest): Promise<ApiResult> {
  const all = await deps.clusters.list(req.signal);
  return { status: 200, body: { items: all.map((c) => publicView(c.doc)) } };
}

async function putCluster(deps: ApiDeps, req: ApiRequest): Promise<ApiResult> {
  const r = await registerCluster(deps, bodyJson(req), req.signal);
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
    { cluster: req.query.cluster, namespace: req.query.namespace },
    req.signal,
  );
  return { status: 200, body: { items: rows.map((r) => canaryView(r, false)) } };
}

async function applyCanary(deps: ApiDeps, req: ApiRequest): Promise<ApiResult> {
  const cluster = req.query.cluster;
  if (!cluster)
    throw new HttpError(400, 'query parameter "cluster" is required', [
      { path: 'cluster', message: 'expected ?cluster=NAME of a registered cluster' },
    ]);
  if (req.body.trim() === '')
    throw new HttpError(400, 'request body is empty; expected a Canary manifest (YAML or JSON)');
  const r = await registerCanary(deps, cluster, req.body, req.actor, req.signal);
  return {
    status: r.created ? 201 : 200,
    body: canaryView(r.record, true, { unchanged: r.unchanged, warnings: r.warnings }),
  };
}

async function getCanary(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  const r = await deps.store.get(keyOf(p), req.signal);
  if (!r) throw new HttpError(404, `canary ${p.join('/')} not found`);
  const [last] = await deps.history.list(r.key, { limit: 1 }, req.signal);
  return { status: 200, body: canaryView(r, true, { lastStep: last ?? null }) };
}

async function removeCanary(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  const r = await deleteCanary(deps, keyOf(p), req.actor, req.signal);
  return r.deleted
    ? { status: 204 }
    : { status: 202, body: { message: 'revertOnDeletion: reverting the target, then deleting' } };
}

async function history(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  const limit = Math.min(Number(req.query.limit ?? 100) || 100, 1000);
  const before = req.query.before ? Number(req.query.before) : undefined;
  const items = await deps.history.list(keyOf(p), { limit, before }, req.signal);
  return { status: 200, body: { items } };
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
  const hide = ([k, v]: [string, unknown]) => [k, isSecretName(k) && typeof v === 'string' ? '(hidden)' : v];
  const provider = Object.fromEntries(Object.entries(t.provider).map(hide)) as MetricTemplate['provider'];
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
  const items = all.filter((t) => inNamespace(t.name, req.query.namespace)).map((t) => templateView(t.doc));
  return { status: 200, body: { items } };
}

async function getTemplate(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  const t = await deps.templates.get(`${p[0]}/${p[1]}`, req.signal);
  if (!t) throw new HttpError(404, `metric template ${p[0]}/${p[1]} not found`);
  return { status: 200, body: templateView(t) };
}

async function putTemplate(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  const t = parseTemplate(bodyJson(req), p[0], p[1]);
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
  const items = all
    .filter((a) => inNamespace(a.name, req.query.namespace))
    .map((a) => alertProviderView(a.doc));
  return { status: 200, body: { items } };
}

async function getAlertProvider(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  const a = await deps.alertProviders.get(`${p[0]}/${p[1]}`, req.signal);
  if (!a) throw new HttpError(404, `alert provider ${p[0]}/${p[1]} not found`);
  return { status: 200, body: alertProviderView(a) };
}

async function putAlertProvider(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  const a = parseAlertProvider(bodyJson(req), p[0], p[1]);
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
