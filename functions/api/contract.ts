/**
 * The API's contract in types, for its clients: each route of routes.ts (the table is checked
 * against this list when it compiles) with its query, its JSON request body and its answer.
 * Bodies are the inputs of the zod schemas that validate them; answers the outputs of the schemas
 * the OpenAPI document describes them with (schemas.ts), or, where the document has none, the
 * types the API builds them from. Types only: the CLI imports this module with `import type`,
 * so nothing of the API (zod included) reaches its bundle, yet a schema change it does not follow
 * fails `npm run typecheck`.
 */
import type { z } from 'zod';
import type { clusterRegistration } from '../../lib/app/clusters.js';
import type { Grant } from '../../lib/domain/authz/authorize.js';
import type { grantBody } from '../../lib/domain/authz/grants.js';
import type { CheckResult } from '../../lib/domain/check.js';
import type { HookOutcome } from '../../lib/domain/observations.js';
import type { Canary, canaryManifest } from '../../lib/domain/spec/schema.js';
import type { CanaryStatus, ConfirmGate } from '../../lib/domain/status.js';
import type { HistoryRecord } from '../../lib/ports/store.js';
import type { templateBody } from '../../lib/app/views.js';
import type { canarySummary, errorBody, loginLink, storedAlertProvider, storedTemplate } from './schemas.js';

/** Every 4xx and 5xx answer. */
export type ErrorBody = z.output<typeof errorBody>;
/** A cluster registration as sent (POST /clusters). */
type ClusterRegistrationBody = z.input<typeof clusterRegistration>;
/** A registered cluster as shown (secrets replaced by `(hidden)`). */
export type ClusterView = z.output<typeof clusterRegistration>;
/** A Canary manifest as sent (POST /canaries). */
type CanaryManifestBody = z.input<typeof canaryManifest>;
/** A canary as listed. */
export type CanarySummary = z.output<typeof canarySummary>;
/** One canary: the summary, its spec and status, and the explanation of its last step. */
export type CanaryDetail = CanarySummary & {
  apiVersion: string;
  spec: Canary['spec'];
  /** The status, the judge's working memory aside (views.ts statusView). */
  status: Omit<CanaryStatus, 'judge'> & { judge?: Record<string, unknown> };
  lastStep: HistoryView | null;
};
/** A history record as shown (the key is the path's). */
export type HistoryView = Omit<HistoryRecord, 'key' | 'checks'> & { checks?: StoredCheck[] };
/** A metric's CheckResult (`verdict`) or a webhook's HookOutcome (`ok`, with its `type`), as a step recorded it. */
export type StoredCheck = CheckResult | (HookOutcome & { type: string });
/** A MetricTemplate as sent: ours, or Flagger's document (`kind: MetricTemplate`, `spec`). */
type TemplateBody = z.input<typeof templateBody> | { kind: 'MetricTemplate'; spec: unknown };
/** A stored MetricTemplate as shown (header values and address credentials hidden). */
export type TemplateView = z.output<typeof storedTemplate>;
/** A stored alert provider as shown (address hidden). */
export type AlertProviderView = z.output<typeof storedAlertProvider>;
/** A grant as sent (PUT /grants/{grant}). */
export type GrantBody = z.input<typeof grantBody>;
type LoginLink = z.output<typeof loginLink>;
/** A grant as shown. */
export type GrantView = Grant;

type Namespaced = { query?: { namespace?: string; cluster?: string } };
/** `?cluster=`: what that cluster's canaries use (its own object first, docs/gitops.md). */
type InCluster = { query?: { cluster?: string } };
type Saved<B, A> = { body: B; answer: A };
/** 204 No Content. */
type Gone = { answer: undefined };

/** Route (`METHOD /path/{param}`, as in routes.ts) → its query, JSON body and answer. */
export interface Routes {
  'GET /openapi.json': { answer: Record<string, unknown> };
  'GET /clusters': { answer: { items: ClusterView[] } };
  'POST /clusters': Saved<ClusterRegistrationBody, ClusterView>;
  'GET /clusters/{cluster}': { answer: ClusterView };
  'DELETE /clusters/{cluster}': Gone;
  'GET /canaries': { query?: { cluster?: string; namespace?: string }; answer: { items: CanarySummary[] } };
  'POST /canaries': {
    query: { cluster: string };
    body: CanaryManifestBody;
    answer: Omit<CanaryDetail, 'lastStep'> & { unchanged: boolean; warnings: string[] };
  };
  'GET /canaries/{cluster}/{namespace}/{name}': { answer: CanaryDetail };
  /** 204 gone, or 202 with why a step acts first. */
  'DELETE /canaries/{cluster}/{namespace}/{name}': { answer: { message: string } | undefined };
  'GET /canaries/{cluster}/{namespace}/{name}/history': {
    query?: { limit?: string; before?: string };
    answer: { items: HistoryView[] };
  };
  'POST /canaries/{cluster}/{namespace}/{name}/actions/{action}': {
    query?: { gate?: ConfirmGate };
    answer: { accepted: unknown; canary: CanarySummary };
  };
  'GET /templates': Namespaced & { answer: { items: TemplateView[] } };
  'GET /templates/{namespace}/{name}': InCluster & { answer: TemplateView };
  'PUT /templates/{namespace}/{name}': Saved<TemplateBody, TemplateView>;
  'DELETE /templates/{namespace}/{name}': Gone;
  'GET /alert-providers': Namespaced & { answer: { items: AlertProviderView[] } };
  'GET /alert-providers/{namespace}/{name}': InCluster & { answer: AlertProviderView };
  'PUT /alert-providers/{namespace}/{name}': Saved<Record<string, unknown>, AlertProviderView>;
  'DELETE /alert-providers/{namespace}/{name}': Gone;
  'GET /grants': { answer: { items: GrantView[]; bootstrapAdmins?: string[] } };
  'PUT /grants/{grant}': Saved<GrantBody, GrantView>;
  'DELETE /grants/{grant}': Gone;
  'POST /login-links': { answer: LoginLink };
}

export type Route = keyof Routes;
