/**
 * The zod schemas of the API's answers; those of its request bodies live beside their validators
 * (lib/app/clusters.ts, lib/app/views.ts, lib/domain/authz/grants.ts, lib/domain/spec/schema.ts).
 * The OpenAPI document describes the answers with them (openapi.ts), and the API's contract
 * (contract.ts) gives their types to clients such as the CLI.
 */
import { z } from 'zod';
import { templateBody } from '../../lib/app/views.js';

/** Every 4xx and 5xx answer (functions/api/http.ts). */
export const errorBody = z.object({
  message: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).min(1),
});

/** A stored MetricTemplate as the API shows it (header values hidden). */
export const storedTemplate = templateBody.extend({ name: z.string(), namespace: z.string() });

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
