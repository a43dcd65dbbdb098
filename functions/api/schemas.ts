/**
 * The zod schemas of the API's answers; those of its request bodies live beside their validators
 * (lib/app/clusters.ts, lib/app/views.ts, lib/domain/authz/grants.ts, lib/domain/spec/schema.ts).
 * The OpenAPI document describes the answers with them (openapi.ts), and the API's contract
 * (contract.ts) gives their types to clients such as the CLI.
 */
import { z } from 'zod';
import { templateBody } from '../../lib/app/views.js';
import { alertProviderTypes } from '../../lib/ports/notifier.js';

/** Every 4xx and 5xx answer (functions/api/http.ts). */
export const errorBody = z.object({
  message: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).min(1),
});

/** Where a template or alert provider comes from (lib/app/sourced-documents.ts, docs/gitops.md). */
const sourceFields = {
  source: z
    .enum(['api', 'cluster'])
    .describe(
      'api: registered with PUT, serves every cluster; cluster: sourced from `cluster` (gitops.enabled), serves its canaries first',
    ),
  cluster: z.string().optional().describe('the cluster it is sourced from (source: cluster)'),
  generation: z.number().optional().describe('the generation of the cluster object served (source: cluster)'),
  warnings: z
    .array(z.string())
    .optional()
    .describe('PUT: the clusters whose own object of this namespace/name their canaries use instead'),
};

/** A MetricTemplate as the API shows it (header values and address credentials hidden). */
export const storedTemplate = templateBody.extend({
  name: z.string(),
  namespace: z.string(),
  ...sourceFields,
});

/** An AlertProvider as the API shows it: the address (a webhook URL, a secret) is never shown. */
export const storedAlertProvider = z.looseObject({
  name: z.string(),
  namespace: z.string(),
  type: z.enum(alertProviderTypes),
  address: z.literal('(hidden)'),
  channel: z.string().optional(),
  username: z.string().optional(),
  verbose: z.boolean().optional().describe('also post per-step events; default false'),
  buttons: z
    .boolean()
    .optional()
    .describe(
      'Slack: buttons on messages about a pending gate or a release in progress; default true, shown only when the deployment answers clicks (docs/slack.md, "Where buttons appear")',
    ),
  ...sourceFields,
});

/** An operator command waiting for the next step (OperatorCommand in lib/domain/status.ts). */
const pendingCommand = z.looseObject({
  kind: z.string(),
  by: z.string().optional(),
  gate: z.string().optional(),
});

/** What every canary answer has (canaryView in lib/app/views.ts); one canary adds spec and status. */
export const canarySummary = z.looseObject({
  cluster: z.string(),
  namespace: z.string(),
  name: z.string(),
  target: z.string(),
  phase: z.string(),
  canaryWeight: z.number(),
  failedChecks: z.number(),
  iterations: z.number(),
  paused: z.boolean(),
  pendingCommand: pendingCommand.nullable(),
  /** The confirmation gates an `approve` would open now. */
  pendingGates: z.array(z.string()),
  nextRunAt: z.string().nullable(),
  updatedAt: z.string(),
  version: z.number(),
});

/** POST /login-links: the sign-in path under the API's URL, whom it signs in, until when. */
export const loginLink = z.object({ path: z.string(), actor: z.string(), expiresAt: z.string() });
