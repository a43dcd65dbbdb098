/**
 * The CLI's requests against the API's description: every route the CLI's code names (read from
 * its source, where each request is `call(client, 'METHOD /path/{param}', …)` or `send(…)` of
 * cli/api.ts) is an operation of the OpenAPI document; no command goes around cli/api.ts; and
 * the typed requests are built as routes.ts reads them. The types themselves are checked by
 * `npm run typecheck` (the `@ts-expect-error` lines below fail it if the contract stops refusing).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openapiDocument } from '../../../functions/api/openapi.js';
import { call, pathOf, send } from '../../../cli/api.js';
import { ApiClient } from '../../../cli/client.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const cliFiles = sources('cli').map((f) => ({
  file: relative(root, join(root, f)),
  text: readFileSync(join(root, f), 'utf8'),
}));

/** Every `'METHOD /path'` string in the CLI's code, with the files that name it. */
function namedRoutes(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const { file, text } of cliFiles)
    for (const m of text.matchAll(/'((?:GET|PUT|POST|DELETE|PATCH) \/[^'\s]*)'/g))
      found.set(m[1]!, [...(found.get(m[1]!) ?? []), file]);
  return found;
}

const documented = new Set(
  Object.entries(openapiDocument().paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((k) => k !== 'parameters')
      .map((method) => `${method.toUpperCase()} ${path}`),
  ),
);

describe('the routes the CLI names', () => {
  const routes = namedRoutes();

  it('are found in its code: every command that talks to the API', () => {
    // 18 of the API's 23 routes: not DELETE /clusters/{cluster}, PUT/DELETE of one alert provider
    // by hand (apply and delete share the templates' code), GET /openapi.json…
    expect([...routes.keys()].sort()).toEqual([
      'DELETE /alert-providers/{namespace}/{name}',
      'DELETE /canaries/{cluster}/{namespace}/{name}',
      'DELETE /grants/{grant}',
      'DELETE /templates/{namespace}/{name}',
      'GET /alert-providers',
      'GET /alert-providers/{namespace}/{name}',
      'GET /canaries',
      'GET /canaries/{cluster}/{namespace}/{name}',
      'GET /canaries/{cluster}/{namespace}/{name}/history',
      'GET /clusters',
      'GET /clusters/{cluster}',
      'GET /grants',
      'GET /templates',
      'GET /templates/{namespace}/{name}',
      'POST /canaries',
      'POST /canaries/{cluster}/{namespace}/{name}/actions/{action}',
      'POST /clusters',
      'POST /login-links',
      'PUT /alert-providers/{namespace}/{name}',
      'PUT /grants/{grant}',
      'PUT /templates/{namespace}/{name}',
    ]);
  });

  it('are each an operation of the OpenAPI document', () => {
    const missing = [...routes]
      .filter(([r]) => !documented.has(r))
      .map(([r, files]) => `${r} (${files.join(', ')})`);
    expect(missing).toEqual([]);
  });

  it('are the only requests: no command calls the HTTP client around cli/api.ts', () => {
    const raw = cliFiles
      .filter(({ file }) => file !== 'cli/api.ts' && file !== 'cli/client.ts')
      .flatMap(({ file, text }) =>
        [...text.matchAll(/\.(call|request)\s*[<(]/g)].map((m) => `${file}: ${m[0]}`),
      );
    expect(raw).toEqual([]);
  });
});

describe('typed requests', () => {
  /** An ApiClient whose fetch records each request and answers `status` with `body`. */
  function recording(status = 200, body = '{}') {
    const sent: { method: string; url: string; body?: string; type?: string }[] = [];
    const fetch: typeof globalThis.fetch = (url, init) => {
      const headers = init?.headers as Record<string, string>;
      sent.push({
        method: init!.method!,
        url: (url as URL).href,
        body: init?.body as string | undefined,
        type: headers['content-type'],
      });
      return Promise.resolve(new Response(status === 204 ? null : body, { status }));
    };
    return { client: new ApiClient('http://api/', { kind: 'none' }, { fetch }), sent };
  }

  it('fills the path template, each parameter URL-encoded', () => {
    expect(
      pathOf('POST /canaries/{cluster}/{namespace}/{name}/actions/{action}', {
        cluster: 'eu/1',
        namespace: 'a b',
        name: 'c',
        action: 'promote',
      }),
    ).toBe('/canaries/eu%2F1/a%20b/c/actions/promote');
  });

  it('sends the method, path, query and a JSON body, and answers the status with the body', async () => {
    const { client, sent } = recording(201, '{"name":"g"}');
    const r = await send(client, 'PUT /grants/{grant}', {
      params: { grant: 'ops' },
      json: {
        principal: 'arn:aws:iam::123456789012:role/ops',
        actions: ['read'],
        cluster: '*',
        namespace: '*',
      },
    });
    expect(r).toEqual({ status: 201, body: { name: 'g' } });
    expect(sent).toEqual([
      {
        method: 'PUT',
        url: 'http://api/grants/ops',
        type: 'application/json',
        body: '{"principal":"arn:aws:iam::123456789012:role/ops","actions":["read"],"cluster":"*","namespace":"*"}',
      },
    ]);
    await call(client, 'GET /canaries', { query: { cluster: 'eu', namespace: undefined } });
    expect(sent[1]).toMatchObject({ method: 'GET', url: 'http://api/canaries?cluster=eu', body: undefined });
  });

  it('sends a document as written, with its content type', async () => {
    const { client, sent } = recording(200);
    await send(client, 'POST /clusters', { text: 'name: eu\nkind: eks\n', contentType: 'application/yaml' });
    expect(sent).toEqual([
      { method: 'POST', url: 'http://api/clusters', type: 'application/yaml', body: 'name: eu\nkind: eks\n' },
    ]);
  });

  it('refuses, when compiled, what the API contract does not have', () => {
    const { client } = recording(204, '');
    const never = () => {
      // @ts-expect-error: no such route
      void call(client, 'GET /canaries/{cluster}');
      // @ts-expect-error: a route with parameters needs them
      void call(client, 'GET /canaries/{cluster}/{namespace}/{name}');
      // @ts-expect-error: a parameter of another route
      void call(client, 'GET /clusters/{cluster}', { params: { name: 'x' } });
      void send(client, 'PUT /grants/{grant}', {
        params: { grant: 'g' },
        // @ts-expect-error: a grant body without its scope (lib/domain/authz/grants.ts grantBody)
        json: { principal: 'p', actions: ['read'] },
      });
      void call(client, 'POST /canaries/{cluster}/{namespace}/{name}/actions/{action}', {
        params: { cluster: 'c', namespace: 'n', name: 'x', action: 'approve' },
        // @ts-expect-error: not a confirmation gate (lib/domain/status.ts ConfirmGate)
        query: { gate: 'confirm-everything' },
      });
    };
    expect(never).toBeTypeOf('function');
  });
});
