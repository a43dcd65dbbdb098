/** The API's routes: each parses its input, calls one use case and shapes the answer. */
import {
  canaryHistory,
  getCanary as readCanary,
  listCanaries as readCanaries,
} from '../../lib/app/canary-reads.js';
import {
  getCluster as readCluster,
  listClusters as readClusters,
  publicView,
  registerCluster,
  removeCluster,
  type ClusterDeps,
} from '../../lib/app/clusters.js';
import {
  listGrants as readGrants,
  putGrant as writeGrant,
  removeGrant,
  type GrantDeps,
} from '../../lib/app/grants.js';
import { deleteCanary, registerCanary, type RegisterDeps } from '../../lib/app/register-canary.js';
import { requestAction, toCommand, type OperatorDeps } from '../../lib/app/operator-actions.js';
import { mintTicket, type SignInDeps } from '../../lib/app/sign-in.js';
import type { SourcedReadDeps } from '../../lib/app/sourced-documents.js';
import { canaryView, historyView } from '../../lib/app/views.js';
import type { CanaryStatus } from '../../lib/domain/status.js';
import type { MetricTemplate } from '../../lib/ports/metrics.js';
import type { AlertProvider } from '../../lib/ports/notifier.js';
import type { CanaryKey, CanaryStore, Documents, History } from '../../lib/ports/store.js';
import type { Route } from './contract.js';
import {
  accessOf,
  getAlertProvider,
  getTemplate,
  listAlertProviders,
  listTemplates,
  putAlertProvider,
  putTemplate,
  removeAlertProvider,
  removeTemplate,
} from './document-routes.js';
import { HttpError, type ApiRequest, type ApiResult } from './http.js';
import { bodyValue, checkParams, queryInt, queryName } from './input.js';
import { openapiDocument } from './openapi.js';

export interface ApiDeps extends RegisterDeps, OperatorDeps, ClusterDeps, GrantDeps, SignInDeps {
  /** MetricTemplates and AlertProviders sourced from clusters (docs/gitops.md), read only. */
  sourced: SourcedReadDeps['sourced'];
  store: CanaryStore<CanaryStatus>;
  history: History;
  templates: Documents<MetricTemplate>;
  alertProviders: Documents<AlertProvider>;
  maxBodyBytes: number;
}

type Handler = (deps: ApiDeps, req: ApiRequest, params: string[]) => Promise<ApiResult>;

/**
 * Every route of the API's contract (contract.ts) and its handler: a route missing here or not in
 * the contract does not compile. `{x}` is a path parameter: any segment, validated by its name
 * (input.ts) before the handler runs.
 */
const handlers: { [R in Route]: Handler } = {
  'GET /openapi.json': () => Promise.resolve({ status: 200, body: openapiDocument() }),
  'GET /clusters': listClusters,
  'POST /clusters': putCluster,
  'GET /clusters/{cluster}': getCluster,
  'DELETE /clusters/{cluster}': deleteCluster,
  'GET /canaries': listCanaries,
  'POST /canaries': applyCanary,
  'GET /canaries/{cluster}/{namespace}/{name}': getCanary,
  'DELETE /canaries/{cluster}/{namespace}/{name}': removeCanary,
  'GET /canaries/{cluster}/{namespace}/{name}/history': history,
  'POST /canaries/{cluster}/{namespace}/{name}/actions/{action}': action,
  'GET /templates': listTemplates,
  'GET /templates/{namespace}/{name}': getTemplate,
  'PUT /templates/{namespace}/{name}': putTemplate,
  'DELETE /templates/{namespace}/{name}': removeTemplate,
  'GET /alert-providers': listAlertProviders,
  'GET /alert-providers/{namespace}/{name}': getAlertProvider,
  'PUT /alert-providers/{namespace}/{name}': putAlertProvider,
  'DELETE /alert-providers/{namespace}/{name}': removeAlertProvider,
  'GET /grants': listGrants,
  'PUT /grants/{grant}': putGrant,
  'DELETE /grants/{grant}': deleteGrant,
  'POST /login-links': loginLink,
};

/** Every route as `METHOD /path/{param}` (the OpenAPI document is tested to list exactly these). */
export const routeKeys = Object.keys(handlers) as readonly Route[];

const routes = Object.entries(handlers).map(([route, handler]) => {
  const [method, pattern] = route.split(' ') as [string, string];
  return {
    method,
    re: new RegExp(`^${pattern.replace(/\{[a-z]+\}/g, '([^/]+)').replace(/\./g, '\\.')}$`),
    params: [...pattern.matchAll(/\{([a-z]+)\}/g)].map((m) => m[1]),
    handler,
  };
});

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
  const all = await readClusters(deps, accessOf(deps, req), req.signal);
  return { status: 200, body: { items: all.map(publicView) } };
}

async function putCluster(deps: ApiDeps, req: ApiRequest): Promise<ApiResult> {
  const r = await registerCluster(deps, accessOf(deps, req), bodyValue(req), req.signal);
  return { status: r.created ? 201 : 200, body: publicView(r.cluster) };
}

async function getCluster(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  return { status: 200, body: publicView(await readCluster(deps, accessOf(deps, req), p[0], req.signal)) };
}

async function deleteCluster(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  await removeCluster(deps, accessOf(deps, req), p[0], req.signal);
  return { status: 204 };
}

async function listCanaries(deps: ApiDeps, req: ApiRequest): Promise<ApiResult> {
  const filter = { cluster: queryName(req, 'cluster'), namespace: queryName(req, 'namespace') };
  const rows = await readCanaries(deps, accessOf(deps, req), filter, req.signal);
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
  const r = await registerCanary(deps, accessOf(deps, req), cluster, req.body, req.signal);
  return {
    status: r.created ? 201 : 200,
    body: canaryView(r.record, true, { unchanged: r.unchanged, warnings: r.warnings }),
  };
}

async function getCanary(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  const { record, last } = await readCanary(deps, accessOf(deps, req), keyOf(p), req.signal);
  const [lastStep] = historyView(last, record);
  return { status: 200, body: canaryView(record, true, { lastStep: lastStep ?? null }) };
}

async function removeCanary(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  const r = await deleteCanary(deps, accessOf(deps, req), keyOf(p), req.signal);
  return r.deleted ? { status: 204 } : { status: 202, body: { message: r.why } };
}

async function history(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  const limit = queryInt(req, 'limit', { min: 1, max: 1000 }, 100);
  const before = queryInt(req, 'before', { min: 0, max: Number.MAX_SAFE_INTEGER });
  const page = { limit: limit!, before };
  const { records, row } = await canaryHistory(deps, accessOf(deps, req), keyOf(p), page, req.signal);
  return { status: 200, body: { items: historyView(records, row) } };
}

async function action(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  const command = toCommand(p[3], req.caller.actor, req.query.gate);
  const r = await requestAction(deps, accessOf(deps, req), keyOf(p), command, req.signal);
  return { status: 202, body: { accepted: command, canary: canaryView(r, false) } };
}

async function listGrants(deps: ApiDeps, req: ApiRequest): Promise<ApiResult> {
  const r = await readGrants(deps, accessOf(deps, req), req.signal);
  return {
    status: 200,
    body: { items: r.grants, ...(r.bootstrapAdmins ? { bootstrapAdmins: r.bootstrapAdmins } : {}) },
  };
}

async function putGrant(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  const r = await writeGrant(deps, accessOf(deps, req), p[0], bodyValue(req), req.signal);
  return { status: r.created ? 201 : 200, body: r.grant };
}

async function deleteGrant(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  await removeGrant(deps, accessOf(deps, req), p[0], req.signal);
  return { status: 204 };
}

/**
 * A single-use sign-in link to the status page for the caller (docs/status-page.md): the path to
 * open under the API's URL, valid for a few minutes. Only the caller sees it.
 */
async function loginLink(deps: ApiDeps, req: ApiRequest): Promise<ApiResult> {
  const { ticket, until } = await mintTicket(deps, req.caller, req.signal);
  return {
    status: 201,
    body: {
      path: `/ui/login?t=${ticket}`,
      actor: req.caller.actor,
      expiresAt: new Date(until).toISOString(),
    },
  };
}
