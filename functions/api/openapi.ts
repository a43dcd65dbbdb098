/** The API description served at GET /openapi.json (kept beside the routes it describes). */
const label = { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 };
const subdomain = {
  type: 'string',
  pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
  maxLength: 253,
};
const canaryPath = { name: 'cluster', in: 'path', required: true, schema: label };
const params = [
  canaryPath,
  { ...canaryPath, name: 'namespace' },
  { ...canaryPath, name: 'name', schema: subdomain },
];
const docParams = params.slice(1);
const namespaceQuery = [{ name: 'namespace', in: 'query', schema: label }];
const err = { description: 'error: { message, errors: [{ path, message }] } (errors is never empty)' };

export const openapi = {
  openapi: '3.0.3',
  info: {
    title: 'Flagger Serverless API',
    version: '0.1.0',
    description:
      'Register clusters and Flagger Canary manifests; watch and steer releases. Limits: bodies up to MAX_BODY_BYTES (256 KiB, else 413); nesting up to 64 levels in the text and 31 in anything stored; YAML up to 10,000 tokens and 16 aliases; numbers finite and within ±2^53−1; names and namespaces as Kubernetes validates them (DNS-1123). Every 4xx names the field: a body path, path.<param>, query.<param>, or "" for the whole request.',
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
  },
  security: [{ sigv4: [] }, { bearer: [] }],
  paths: {
    '/clusters': {
      get: {
        summary: 'List registered clusters (secrets hidden)',
        responses: { 200: { description: '{ items }' } },
      },
      post: {
        summary:
          'Register or update a cluster: {name, kind: eks, eksClusterName, region} | {name, kind: kubeconfig, kubeconfigSecret|kubeconfigParameter|kubeconfig} | {name, kind: endpoint, server, caData?, token?|tokenSecret?}',
        responses: { 201: { description: 'created' }, 200: { description: 'updated' }, 400: err, 413: err },
      },
    },
    '/clusters/{cluster}': {
      get: {
        summary: 'One cluster',
        parameters: [canaryPath],
        responses: { 200: { description: 'cluster' }, 404: err },
      },
      delete: {
        summary: 'Delete an unused cluster',
        parameters: [canaryPath],
        responses: { 204: { description: 'deleted' }, 409: err },
      },
    },
    '/canaries': {
      get: {
        summary: 'List canaries',
        parameters: [
          { name: 'cluster', in: 'query', schema: label },
          { name: 'namespace', in: 'query', schema: label },
        ],
        responses: { 200: { description: '{ items }' } },
      },
      post: {
        summary: 'Apply a Flagger Canary manifest (YAML or JSON, v1beta1 or v1alpha3) like kubectl apply',
        parameters: [{ name: 'cluster', in: 'query', required: true, schema: label }],
        requestBody: { content: { 'application/yaml': {}, 'application/json': {} } },
        responses: { 201: { description: 'created' }, 200: { description: 'updated' }, 400: err, 413: err },
      },
    },
    '/canaries/{cluster}/{namespace}/{name}': {
      get: {
        summary: 'Spec, status, explanation of the last step',
        parameters: params,
        responses: { 200: { description: 'canary' }, 404: err },
      },
      delete: {
        summary:
          'Delete (202 when a step acts first: revertOnDeletion, or traffic routed back to the primary)',
        parameters: params,
        responses: { 204: { description: 'deleted' }, 202: { description: 'reverting' }, 404: err },
      },
    },
    '/canaries/{cluster}/{namespace}/{name}/history': {
      get: {
        summary: 'Step and operator history, newest first',
        parameters: [
          ...params,
          {
            name: 'limit',
            in: 'query',
            schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
          { name: 'before', in: 'query', schema: { type: 'integer', minimum: 0 } },
        ],
        responses: {
          200: {
            description:
              '{ items }, newest first. A step that changed nothing writes no record: it is counted on the record it repeats, as `count` (steps that ended that way, ≥ 2) and `lastAt` (epoch ms of the latest)',
          },
          400: err,
        },
      },
    },
    '/canaries/{cluster}/{namespace}/{name}/actions/{action}': {
      post: {
        summary:
          'Operator action: promote | abort | pause | resume | retry | approve (?gate=confirm-rollout|confirm-traffic-increase|confirm-promotion)',
        parameters: [
          ...params,
          {
            name: 'action',
            in: 'path',
            required: true,
            schema: { type: 'string', enum: ['promote', 'abort', 'pause', 'resume', 'retry', 'approve'] },
          },
        ],
        responses: { 202: { description: 'accepted; applied by the next step' }, 404: err, 409: err },
      },
    },
    '/templates': {
      get: {
        summary: 'List metric templates (header values and address credentials hidden)',
        parameters: namespaceQuery,
        responses: { 200: { description: '{ items }' } },
      },
    },
    '/templates/{namespace}/{name}': {
      get: { summary: 'A metric template', responses: { 200: { description: 'template' }, 404: err } },
      put: {
        summary:
          'Store a metric template ({provider:{type:prometheus,address}, query} or a Flagger MetricTemplate)',
        responses: { 201: { description: 'created' }, 200: { description: 'updated' }, 400: err, 413: err },
      },
      delete: {
        summary: 'Delete a metric template',
        parameters: docParams,
        responses: { 204: { description: 'deleted' }, 404: err },
      },
    },
    '/alert-providers': {
      get: {
        summary: 'List alert providers (addresses hidden)',
        parameters: namespaceQuery,
        responses: { 200: { description: '{ items }' } },
      },
    },
    '/alert-providers/{namespace}/{name}': {
      get: {
        summary: 'An alert provider (address hidden)',
        responses: { 200: { description: 'provider' }, 404: err },
      },
      put: {
        summary:
          'Store an alert provider ({type: slack|msteams|discord|generic, address, channel?} or a Flagger AlertProvider)',
        responses: { 201: { description: 'created' }, 200: { description: 'updated' }, 400: err, 413: err },
      },
      delete: {
        summary: 'Delete an alert provider',
        parameters: docParams,
        responses: { 204: { description: 'deleted' }, 404: err },
      },
    },
    '/login-links': {
      post: {
        summary:
          'A single-use sign-in link to the status page (/ui/) for the caller, valid 5 minutes (docs/status-page.md)',
        responses: { 201: { description: '{ path: "/ui/login?t=…", actor, expiresAt }' } },
      },
    },
    '/openapi.json': {
      get: { summary: 'This document', security: [], responses: { 200: { description: 'OpenAPI 3' } } },
    },
  },
} as const;
