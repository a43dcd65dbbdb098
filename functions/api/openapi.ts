/**
 * The API description served at GET /openapi.json, kept beside the routes it describes: OpenAPI
 * 3.0.3 whose request bodies are the JSON Schemas of the zod schemas that validate them
 * (`z.toJSONSchema`, as input), and whose answers are described by the same schemas as output
 * where one exists. Every path parameter is declared once per path, from the path template, with
 * the rule input.ts applies to it. Built on the first request, then kept (a cold start that serves
 * no /openapi.json does not pay for it).
 */
import { z } from 'zod';
import { clusterRegistration } from '../../lib/app/clusters.js';
import { templateBody } from '../../lib/app/views.js';
import { grantBody } from '../../lib/domain/authz/grants.js';
import { canaryManifest } from '../../lib/domain/spec/schema.js';
import { canarySummary, errorBody, loginLink, storedAlertProvider, storedTemplate } from './schemas.js';

const label = { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 };
const subdomain = {
  type: 'string',
  pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
  maxLength: 253,
};
const ACTIONS = ['promote', 'abort', 'pause', 'resume', 'retry', 'approve'];

/** The schema of each path parameter, by name (input.ts checks the same rules). */
const pathParameters: Record<string, object> = {
  cluster: label,
  namespace: label,
  name: subdomain,
  action: { type: 'string', enum: ACTIONS },
  grant: label,
};

type Io = 'input' | 'output';
const jsonSchema = (schema: z.ZodType, io: Io): object =>
  z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' });

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const list = (item: string) => ({
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: ref(item) } },
});
const answer = (description: string, schema?: object) =>
  schema ? { description, content: json(schema) } : { description };
const err = answer('error: { message, errors: [{ path, message }] } (errors is never empty)', ref('Error'));
const body = (name: string) => ({ required: true, content: json(ref(name)) });
const namespaceQuery = [{ name: 'namespace', in: 'query', schema: label }];
const clusterQuery = (description: string) => ({ name: 'cluster', in: 'query', schema: label, description });
const sourcedQuery = [
  ...namespaceQuery,
  clusterQuery('only what canaries of this cluster use: its sourced ones, then the API ones they leave'),
];
const sourcedOne = [
  clusterQuery('what a canary of this cluster uses: its sourced one first, else the API one (see source)'),
];
const saved = (schema: string) => ({
  201: answer('created', ref(schema)),
  200: answer('updated', ref(schema)),
  400: err,
  413: err,
});

/** The operations of each path; parameters of the path template are added by {@link withPathParameters}. */
function operations(): Record<string, Record<string, object>> {
  return {
    '/clusters': {
      get: {
        summary: 'List registered clusters (secrets hidden)',
        responses: { 200: answer('{ items }', list('Cluster')) },
      },
      post: {
        summary: 'Register or update a cluster (eks, kubeconfig or endpoint)',
        requestBody: body('ClusterRegistration'),
        responses: saved('Cluster'),
      },
    },
    '/clusters/{cluster}': {
      get: { summary: 'One cluster', responses: { 200: answer('cluster', ref('Cluster')), 404: err } },
      delete: {
        summary: 'Delete an unused cluster',
        responses: { 204: answer('deleted'), 404: err, 409: err },
      },
    },
    '/canaries': {
      get: {
        summary: 'List canaries',
        parameters: [{ name: 'cluster', in: 'query', schema: label }, ...namespaceQuery],
        responses: { 200: answer('{ items }', list('CanarySummary')), 400: err },
      },
      post: {
        summary: 'Apply a Flagger Canary manifest (YAML or JSON, v1beta1 or v1alpha3) like kubectl apply',
        parameters: [{ name: 'cluster', in: 'query', required: true, schema: label }],
        requestBody: {
          required: true,
          content: {
            'application/yaml': { schema: ref('Canary') },
            'application/json': { schema: ref('Canary') },
          },
        },
        responses: saved('CanarySummary'),
      },
    },
    '/canaries/{cluster}/{namespace}/{name}': {
      get: {
        summary: 'Spec, status, explanation of the last step',
        responses: { 200: answer('canary', ref('CanarySummary')), 404: err },
      },
      delete: {
        summary:
          'Delete (202 when a step acts first: revertOnDeletion, or traffic routed back to the primary)',
        responses: { 204: answer('deleted'), 202: answer('reverting'), 404: err },
      },
    },
    '/canaries/{cluster}/{namespace}/{name}/history': {
      get: {
        summary: 'Step and operator history, newest first',
        parameters: [
          {
            name: 'limit',
            in: 'query',
            schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
          { name: 'before', in: 'query', schema: { type: 'integer', minimum: 0 } },
        ],
        responses: {
          200: answer(
            '{ items }, newest first. A step that changed nothing writes no record: it is counted on the record it repeats, as `count` (steps that ended that way, ≥ 2) and `lastAt` (epoch ms of the latest)',
            {
              type: 'object',
              required: ['items'],
              properties: { items: { type: 'array', items: { type: 'object' } } },
            },
          ),
          400: err,
          404: err,
        },
      },
    },
    '/canaries/{cluster}/{namespace}/{name}/actions/{action}': {
      post: {
        summary:
          'Operator action: promote | abort | pause | resume | retry | approve (?gate=confirm-rollout|confirm-traffic-increase|confirm-promotion)',
        parameters: [
          {
            name: 'gate',
            in: 'query',
            schema: {
              type: 'string',
              enum: ['confirm-rollout', 'confirm-traffic-increase', 'confirm-promotion'],
            },
          },
        ],
        responses: { 202: answer('accepted; applied by the next step'), 400: err, 404: err, 409: err },
      },
    },
    '/templates': {
      get: {
        summary:
          'List metric templates, API-registered and sourced from clusters (header values and address credentials hidden)',
        parameters: sourcedQuery,
        responses: { 200: answer('{ items }', list('MetricTemplate')), 400: err },
      },
    },
    '/templates/{namespace}/{name}': {
      get: {
        summary: 'A metric template: the API-registered one, or with ?cluster= the one that cluster uses',
        parameters: sourcedOne,
        responses: { 200: answer('template', ref('MetricTemplate')), 400: err, 403: err, 404: err },
      },
      put: {
        summary:
          'Store a metric template (prometheus or datadog): {provider, query} or a Flagger MetricTemplate (spec)',
        requestBody: body('MetricTemplateBody'),
        responses: saved('MetricTemplate'),
      },
      delete: { summary: 'Delete a metric template', responses: { 204: answer('deleted'), 404: err } },
    },
    '/alert-providers': {
      get: {
        summary: 'List alert providers, API-registered and sourced from clusters (addresses hidden)',
        parameters: sourcedQuery,
        responses: { 200: answer('{ items }', list('AlertProvider')), 400: err },
      },
    },
    '/alert-providers/{namespace}/{name}': {
      get: {
        summary:
          'An alert provider (address hidden): the API-registered one, or with ?cluster= the one that cluster uses',
        parameters: sourcedOne,
        responses: { 200: answer('provider', ref('AlertProvider')), 400: err, 403: err, 404: err },
      },
      put: {
        summary:
          'Store an alert provider ({type: slack|msteams|discord|generic, address, channel?} or a Flagger AlertProvider)',
        requestBody: { required: true, content: json({ type: 'object' }) },
        responses: saved('AlertProvider'),
      },
      delete: { summary: 'Delete an alert provider', responses: { 204: answer('deleted'), 404: err } },
    },
    '/grants': {
      get: {
        summary:
          'List the grants within your admin scope (docs/security.md); admins of everything also see bootstrapAdmins (ADMIN_PRINCIPALS)',
        responses: { 200: answer('{ items, bootstrapAdmins? }'), 403: err },
      },
    },
    '/grants/{grant}': {
      put: {
        summary:
          'Put a grant: {principal, actions: [read|register|approve|operate|admin], cluster: NAME|*, namespace: NAME|*} (admin of its scope)',
        requestBody: body('Grant'),
        responses: { 201: answer('created'), 200: answer('replaced'), 400: err, 403: err },
      },
      delete: {
        summary: 'Delete a grant (admin of its scope)',
        responses: { 204: answer('deleted'), 403: err, 404: err },
      },
    },
    '/login-links': {
      post: {
        summary:
          'A single-use sign-in link to the status page (/ui/) for the caller, valid 5 minutes (docs/status-page.md)',
        responses: { 201: answer('{ path: "/ui/login?t=…", actor, expiresAt }', ref('LoginLink')) },
      },
    },
    '/openapi.json': {
      get: {
        summary: 'This document',
        security: [],
        responses: { 200: answer('OpenAPI 3.0', { type: 'object' }) },
      },
    },
  };
}

/** `path` with its template's parameters (`{cluster}`…) declared at the path level, for every operation. */
function withPathParameters(path: string, ops: Record<string, object>): Record<string, unknown> {
  const names = [...path.matchAll(/\{([a-z]+)\}/g)].map((m) => m[1]);
  if (names.length === 0) return ops;
  const parameters = names.map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: pathParameters[name],
  }));
  return { parameters, ...ops };
}

function build(): Record<string, unknown> {
  const paths = Object.fromEntries(
    Object.entries(operations()).map(([path, ops]) => [path, withPathParameters(path, ops)]),
  );
  return {
    openapi: '3.0.3',
    info: {
      title: 'Flagger Serverless API',
      version: '0.1.0',
      description:
        'Register clusters and Flagger Canary manifests; watch and steer releases. Every request is authorized by grants (GET /grants, docs/security.md): lists show only what the caller may read, anything else not granted is a 403 naming the action and scope. Limits: bodies up to MAX_BODY_BYTES (256 KiB, else 413); nesting up to 64 levels in the text and 31 in anything stored; YAML up to 10,000 tokens and 16 aliases; numbers finite and within ±2^53−1; names and namespaces as Kubernetes validates them (DNS-1123). Every 4xx names the field: a body path, path.<param>, query.<param>, or "" for the whole request.',
    },
    components: {
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description: 'AWS SigV4 (IAM authorization, the default)',
        },
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'JWT authorizer (auth=jwt) or the local-mode token',
        },
      },
      schemas: {
        Error: jsonSchema(errorBody, 'output'),
        Canary: jsonSchema(canaryManifest, 'input'),
        CanarySummary: jsonSchema(canarySummary, 'output'),
        ClusterRegistration: jsonSchema(clusterRegistration, 'input'),
        Cluster: jsonSchema(clusterRegistration, 'output'),
        MetricTemplateBody: jsonSchema(templateBody, 'input'),
        MetricTemplate: jsonSchema(storedTemplate, 'output'),
        AlertProvider: jsonSchema(storedAlertProvider, 'output'),
        Grant: jsonSchema(grantBody, 'input'),
        LoginLink: jsonSchema(loginLink, 'output'),
      },
    },
    security: [{ sigv4: [] }, { bearer: [] }],
    paths,
  };
}

let document: Record<string, unknown> | undefined;

/** The OpenAPI document (built once). */
export function openapiDocument(): Record<string, unknown> {
  return (document ??= build());
}
