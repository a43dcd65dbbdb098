/**
 * The requests the CLI makes, typed from the API's contract (functions/api/contract.ts, imported
 * as types only: nothing of the API reaches the bundle). A request names its route as routes.ts
 * does (`GET /canaries/{cluster}/{namespace}/{name}`); `params` fill the template (each
 * URL-encoded), `query` and `json` are the route's, and so is the answer's type. Commands make
 * every request through here (test/unit/cli/api-routes.test.ts reads the routes they name and
 * checks each against the OpenAPI document).
 */
import type { Route, Routes } from '../functions/api/contract.js';
import type { ApiClient } from './client.js';

export type { Route };
export type Answer<R extends Route> = Routes[R]['answer'];

/** The parameter names of a path template: `'a' | 'b'` of `/x/{a}/{b}`. */
type ParamNames<P extends string> = P extends `${string}{${infer N}}${infer Rest}`
  ? N | ParamNames<Rest>
  : never;

type Params<R extends Route> = [ParamNames<R>] extends [never]
  ? { params?: undefined }
  : { params: Readonly<Record<ParamNames<R>, string>> };

type Query<R extends Route> = Routes[R] extends { query: infer Q }
  ? { query: Q }
  : Routes[R] extends { query?: infer Q }
    ? { query?: Q }
    : { query?: undefined };

/**
 * The body: `json`, the route's own shape, sent as JSON; or `text`, a document the user wrote
 * (a file, YAML or JSON), sent as it is for the API to validate.
 */
type Body<R extends Route> = Routes[R] extends { body: infer B }
  ? { json: B; text?: undefined } | { text: string; contentType: string; json?: undefined }
  : { json?: undefined; text?: undefined };

export type Request<R extends Route> = Params<R> &
  Query<R> &
  Body<R> & {
    /** May a 5xx be retried? Default: every method but POST. */
    idempotent?: boolean;
  };

/** `route`'s path with `params` filled in, each URL-encoded. */
export function pathOf(route: Route, params: Readonly<Record<string, string>> = {}): string {
  const template = route.slice(route.indexOf(' ') + 1);
  return template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
}

/** Sends `route` with `request`; the status (201 created vs 200 updated, 204 vs 202) and the typed answer. */
export function send<R extends Route>(
  client: ApiClient,
  route: R,
  ...[request]: Params<R> extends { params: object } ? [Request<R>] : [Request<R>?]
): Promise<{ status: number; body: Answer<R> }> {
  const r = (request ?? {}) as {
    params?: Record<string, string>;
    query?: Record<string, string | undefined>;
    json?: unknown;
    text?: string;
    contentType?: string;
    idempotent?: boolean;
  };
  const method = route.slice(0, route.indexOf(' '));
  const body = r.json !== undefined ? JSON.stringify(r.json) : r.text;
  const contentType = r.json !== undefined ? 'application/json' : r.contentType;
  return client.request<Answer<R>>(method, pathOf(route, r.params), {
    query: r.query,
    body,
    contentType,
    idempotent: r.idempotent,
  });
}

/** Like {@link send}, the answer only. */
export async function call<R extends Route>(
  client: ApiClient,
  route: R,
  ...request: Params<R> extends { params: object } ? [Request<R>] : [Request<R>?]
): Promise<Answer<R>> {
  return (await send(client, route, ...request)).body;
}
