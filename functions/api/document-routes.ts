/**
 * The routes of metric templates and alert providers: the API-registered documents, which PUT and
 * DELETE change, and in the reads those sourced from clusters (lib/app/sourced-documents.ts,
 * docs/gitops.md), each with its source. Secrets are hidden in every answer.
 */
import { Access } from '../../lib/app/access.js';
import {
  putNamespaced,
  removeNamespaced,
  type NamespacedDocuments,
} from '../../lib/app/namespaced-documents.js';
import { getSourced, listSourced, precedingClusters, type Sourced } from '../../lib/app/sourced-documents.js';
import { parseAlertProvider, parseTemplate } from '../../lib/app/views.js';
import { isSecretName, redactText } from '../../lib/domain/redaction.js';
import type { MetricTemplate } from '../../lib/ports/metrics.js';
import type { AlertProvider } from '../../lib/ports/notifier.js';
import type { SourcedKind } from '../../lib/ports/sourced.js';
import type { ApiRequest, ApiResult } from './http.js';
import { bodyValue, queryName } from './input.js';
import type { ApiDeps } from './routes.js';

/** The request's authorization (lib/app/access.ts): every use case the API calls asks it. */
export function accessOf(deps: ApiDeps, req: ApiRequest): Access {
  return new Access(deps, req.caller, req.signal);
}

const templatesOf = (deps: ApiDeps): NamespacedDocuments<MetricTemplate> => ({
  docs: deps.templates,
  what: 'metric template',
});
const alertProvidersOf = (deps: ApiDeps): NamespacedDocuments<AlertProvider> => ({
  docs: deps.alertProviders,
  what: 'alert provider',
});

/**
 * A template without its secrets: header values and secret-named provider fields (`password`,
 * `bearerToken`, …) are hidden, the address redacted (userinfo, secret-named query values).
 */
function templateView(t: MetricTemplate): MetricTemplate {
  if (t.provider.type === 'cloudwatch') return t;
  const hide = ([k, v]: [string, unknown]) => [k, isSecretName(k) && typeof v === 'string' ? '(hidden)' : v];
  const provider = Object.fromEntries(Object.entries(t.provider).map(hide)) as MetricTemplate['provider'];
  const headers =
    'headers' in t.provider && t.provider.headers
      ? Object.fromEntries(Object.keys(t.provider.headers).map((h) => [h, ['(hidden)']]))
      : undefined;
  const address = redactText(t.provider.address);
  return { ...t, provider: { ...provider, address, headers } as MetricTemplate['provider'] };
}

function alertProviderView(a: AlertProvider): Record<string, unknown> {
  return { ...a, address: '(hidden)' };
}

/** An item as listed: the document's view and where it comes from (`source`, and `cluster`, `generation`). */
function sourcedView<T>(s: Sourced<T>, view: (doc: T) => object): Record<string, unknown> {
  const from =
    s.source === 'api'
      ? { source: 'api' }
      : { source: 'cluster', cluster: s.cluster, generation: s.generation };
  return { ...view(s.doc), ...from };
}

/** `?namespace=` and `?cluster=` of the reads. */
const sourcedFilter = (req: ApiRequest) => ({
  namespace: queryName(req, 'namespace'),
  cluster: queryName(req, 'cluster'),
});

/**
 * The answer to a PUT: the stored document (`source: api`) and, when clusters the caller may read
 * source their own object of that `namespace/name`, a warning naming each: there, theirs is used.
 */
async function putAnswer(
  deps: ApiDeps,
  req: ApiRequest,
  kind: SourcedKind,
  at: { namespace: string; name: string; what: string },
  body: object,
): Promise<Record<string, unknown>> {
  const clusters = await precedingClusters(kind, deps, accessOf(deps, req), at, req.signal);
  const warnings = clusters.map(
    (c) => `cluster ${c} sources its own ${at.what} ${at.namespace}/${at.name}: its canaries use that one`,
  );
  return { ...body, source: 'api', ...(warnings.length > 0 && { warnings }) };
}

export async function listTemplates(deps: ApiDeps, req: ApiRequest): Promise<ApiResult> {
  const filter = sourcedFilter(req);
  const all = await listSourced('template', templatesOf(deps), deps, accessOf(deps, req), filter, req.signal);
  return { status: 200, body: { items: all.map((t) => sourcedView(t, templateView)) } };
}

export async function getTemplate(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  const at = { namespace: p[0], name: p[1], cluster: queryName(req, 'cluster') };
  const t = await getSourced('template', templatesOf(deps), deps, accessOf(deps, req), at, req.signal);
  return { status: 200, body: sourcedView(t, templateView) };
}

export async function putTemplate(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  const t = parseTemplate(bodyValue(req), p[0], p[1]);
  const r = await putNamespaced(templatesOf(deps), accessOf(deps, req), p[0], p[1], t, req.signal);
  const at = { namespace: p[0], name: p[1], what: 'MetricTemplate' };
  return { status: r.created ? 201 : 200, body: await putAnswer(deps, req, 'template', at, templateView(t)) };
}

export async function removeTemplate(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  await removeNamespaced(templatesOf(deps), accessOf(deps, req), p[0], p[1], req.signal);
  return { status: 204 };
}

export async function listAlertProviders(deps: ApiDeps, req: ApiRequest): Promise<ApiResult> {
  const filter = sourcedFilter(req);
  const d = alertProvidersOf(deps);
  const all = await listSourced('alert-provider', d, deps, accessOf(deps, req), filter, req.signal);
  return { status: 200, body: { items: all.map((a) => sourcedView(a, alertProviderView)) } };
}

export async function getAlertProvider(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  const at = { namespace: p[0], name: p[1], cluster: queryName(req, 'cluster') };
  const d = alertProvidersOf(deps);
  const a = await getSourced('alert-provider', d, deps, accessOf(deps, req), at, req.signal);
  return { status: 200, body: sourcedView(a, alertProviderView) };
}

export async function putAlertProvider(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  const a = parseAlertProvider(bodyValue(req), p[0], p[1]);
  const r = await putNamespaced(alertProvidersOf(deps), accessOf(deps, req), p[0], p[1], a, req.signal);
  const at = { namespace: p[0], name: p[1], what: 'AlertProvider' };
  return {
    status: r.created ? 201 : 200,
    body: await putAnswer(deps, req, 'alert-provider', at, alertProviderView(a)),
  };
}

export async function removeAlertProvider(deps: ApiDeps, req: ApiRequest, p: string[]): Promise<ApiResult> {
  await removeNamespaced(alertProvidersOf(deps), accessOf(deps, req), p[0], p[1], req.signal);
  return { status: 204 };
}
