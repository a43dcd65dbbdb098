/**
 * GET /openapi.json as the handler serves it: a valid OpenAPI 3 document (checked by a real
 * validator, @readme/openapi-parser), listing exactly the routes of routes.ts with every path
 * parameter declared, its request bodies the JSON Schemas of the zod schemas that validate them.
 */
import { compileErrors, validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openapiDocument } from '../../../functions/api/openapi.js';
import { routeKeys } from '../../../functions/api/routes.js';
import { canarySummary, loginLink, storedTemplate } from '../../../functions/api/schemas.js';
import { clusterRegistration } from '../../../lib/app/clusters.js';
import { startApi, type ApiHarness } from './harness.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

interface Operation {
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
}
type PathItem = Record<string, unknown> & { parameters?: { name: string; in: string }[] };
interface Doc {
  openapi: string;
  paths: Record<string, PathItem>;
  components: { schemas: Record<string, Record<string, unknown>> };
}

let api: ApiHarness;
let served: Doc;

beforeAll(async () => {
  api = await startApi();
  const res = await api.send({ method: 'GET', path: '/openapi.json' });
  expect(res.status).toBe(200);
  served = JSON.parse(res.text) as Doc;
});
afterAll(() => api.close());

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.0 document', async () => {
    const result = await validate(structuredClone(served) as never);
    expect(result.valid ? '' : compileErrors(result)).toBe('');
    expect(served.openapi).toBe('3.0.3');
  });

  it('is the document the code builds, unchanged by the redaction every answer passes', () => {
    expect(served).toEqual(JSON.parse(JSON.stringify(openapiDocument())));
  });

  it('lists exactly the routes of routes.ts', () => {
    const documented = Object.entries(served.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((k) => METHODS.includes(k))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect([...documented].sort()).toEqual([...routeKeys].sort());
  });

  it('declares every path parameter of every operation, once, as required', () => {
    for (const [path, item] of Object.entries(served.paths)) {
      const template = [...path.matchAll(/\{([a-z]+)\}/g)].map((m) => m[1]);
      for (const method of Object.keys(item).filter((k) => METHODS.includes(k))) {
        const op = item[method] as Operation;
        const declared = [...(item.parameters ?? []), ...(op.parameters ?? [])].filter(
          (p) => p.in === 'path',
        );
        expect(
          declared.map((p) => p.name),
          `${method} ${path}`,
        ).toEqual(template);
        expect(declared.every((p) => (p as { required?: boolean }).required === true)).toBe(true);
      }
    }
  });

  it('describes request bodies with the schemas of the validators', () => {
    const schemas = served.components.schemas;
    const bodyOf = (method: string, path: string) =>
      (served.paths[path]![method] as Operation).requestBody?.content['application/json']?.schema.$ref;
    expect(bodyOf('post', '/clusters')).toBe('#/components/schemas/ClusterRegistration');
    expect(bodyOf('post', '/canaries')).toBe('#/components/schemas/Canary');
    expect(bodyOf('put', '/templates/{namespace}/{name}')).toBe('#/components/schemas/MetricTemplateBody');
    // lib/app/clusters.ts: three kinds of registration.
    const kinds = (schemas.ClusterRegistration!.oneOf as { properties: { kind: { enum: string[] } } }[]).map(
      (k) => k.properties.kind.enum,
    );
    expect(kinds).toEqual([['eks'], ['kubeconfig'], ['endpoint']]);
    // lib/app/views.ts: the template providers, Datadog's address defaulted.
    const provider = (schemas.MetricTemplateBody!.properties as Record<string, { oneOf: unknown[] }>)
      .provider!;
    expect(JSON.stringify(provider.oneOf)).toContain('"enum":["datadog"]');
    expect(JSON.stringify(provider.oneOf)).toContain('"default":"https://api.datadoghq.com"');
    // lib/domain/spec/schema.ts: the Canary manifest.
    expect(schemas.Canary!.required).toEqual(
      expect.arrayContaining(['apiVersion', 'kind', 'metadata', 'spec']),
    );
  });

  it('describes every 4xx with the error envelope', () => {
    for (const [path, item] of Object.entries(served.paths)) {
      for (const method of Object.keys(item).filter((k) => METHODS.includes(k))) {
        const responses = (item[method] as { responses: Record<string, { content?: unknown }> }).responses;
        for (const [code, r] of Object.entries(responses).filter(([c]) => c.startsWith('4'))) {
          expect(r.content, `${method} ${path} ${code}`).toEqual({
            'application/json': { schema: { $ref: '#/components/schemas/Error' } },
          });
        }
      }
    }
  });
});

/**
 * The answers the contract (functions/api/contract.ts) types for clients are what the API sends:
 * each parses with the schema the document describes it with.
 */
describe('answers, as the answer schemas describe them', () => {
  const ok = async (method: string, path: string, body?: unknown, query?: Record<string, string>) => {
    const res = await api.send({
      method,
      path,
      query,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.status, `${method} ${path}: ${res.text}`).toBeLessThan(300);
    return JSON.parse(res.text) as unknown;
  };

  it('clusters, canaries, templates and sign-in links', async () => {
    const cluster = { name: 'prod', kind: 'endpoint', server: 'https://k8s.invalid', token: 'abc' };
    clusterRegistration.parse(await ok('POST', '/clusters', cluster));
    clusterRegistration.parse(await ok('GET', '/clusters/prod'));
    const manifest = {
      apiVersion: 'flagger.app/v1beta1',
      kind: 'Canary',
      metadata: { name: 'podinfo', namespace: 'test' },
      spec: {
        targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
        service: { port: 9898 },
        analysis: { interval: '1m', threshold: 5, maxWeight: 50, stepWeight: 10 },
      },
    };
    canarySummary.parse(await ok('POST', '/canaries', manifest, { cluster: 'prod' }));
    const { items } = (await ok('GET', '/canaries')) as { items: unknown[] };
    expect(items).toHaveLength(1);
    canarySummary.strict().parse(items[0]);
    canarySummary.parse(await ok('GET', '/canaries/prod/test/podinfo'));
    const template = { provider: { type: 'prometheus', address: 'http://prom:9090' }, query: 'up' };
    storedTemplate.parse(await ok('PUT', '/templates/test/up', template));
    loginLink.strict().parse(await ok('POST', '/login-links'));
  });
});
