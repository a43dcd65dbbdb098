/**
 * The status page under `/ui/` (docs/status-page.md): its static assets, the sign-in exchange and
 * `/ui/api/*`, which serves the API's own routes to a signed-in browser with the session's identity
 * as the caller. Outside the API's authorizer: every route here checks the session itself, and a
 * state-changing request also needs the session's CSRF token and a same-origin `Origin`.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import {
  checkCsrf,
  endSession,
  redeemTicket,
  sessionOf,
  SESSION_MS,
  type SignInDeps,
} from '../../lib/app/sign-in.js';
import { ForbiddenError } from '../../lib/ports/errors.js';
import { HttpError, json, type ApiRequest, type ApiResult } from './http.js';

export interface UiDeps extends SignInDeps {
  /** A built asset of the page (ui/dist), or undefined when it is missing. */
  asset: (name: string) => Promise<Buffer | undefined>;
}

const COOKIE = 'fs_session';

/** The page's files (`/ui` is `/ui/`: it refers to the others by absolute path); nothing else is read. */
const assets: Record<string, [file: string, type: string]> = {
  '/ui/': ['index.html', 'text/html; charset=utf-8'],
  '/ui/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/ui/app.css': ['app.css', 'text/css; charset=utf-8'],
};

/** No framing, no third parties, no referrer (the login link's ticket stays out of Referer). */
const pageHeaders = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

export function isUiPath(rawPath: string): boolean {
  return rawPath === '/ui' || rawPath.startsWith('/ui/');
}

/**
 * Serves a `/ui` request. `api` runs an API route for the signed-in caller (the same routes, use
 * cases and answers as with IAM); its result is mapped to JSON here.
 */
export async function serveUi(
  deps: UiDeps,
  event: APIGatewayProxyEventV2,
  req: ApiRequest,
  api: (req: ApiRequest) => Promise<ApiResult>,
): Promise<APIGatewayProxyResultV2> {
  const raw = event.rawPath === '/ui' ? '/ui/' : event.rawPath;
  const file = assets[raw];
  if (file && req.method === 'GET') return asset(deps, ...file);
  if (raw === '/ui/login' && req.method === 'GET') return login(deps, req);
  if (raw === '/ui/session' && req.method === 'GET') {
    const s = await sessionOf(deps, cookieOf(event), req.signal);
    return json(200, { actor: s.actor, csrf: s.csrf, until: new Date(s.until).toISOString() });
  }
  if (raw === '/ui/logout' && req.method === 'POST') {
    const s = await sessionOf(deps, cookieOf(event), req.signal);
    sameOrigin(event, req.method);
    checkCsrf(s, event.headers['x-csrf-token']);
    await endSession(deps, cookieOf(event)!, req.signal);
    return { statusCode: 204, headers: { 'set-cookie': cookie('', 0) } };
  }
  if (raw.startsWith('/ui/api/')) {
    const s = await sessionOf(deps, cookieOf(event), req.signal);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sameOrigin(event, req.method);
      checkCsrf(s, event.headers['x-csrf-token']);
    }
    const path = req.path.slice('/ui/api'.length);
    // A session must not mint the ticket of a next one: its life would have no bound.
    if (path === '/login-links') throw new ForbiddenError('a status page session cannot mint login links');
    const r = await api({ ...req, path, caller: { actor: s.actor, principals: s.principals } });
    return r.body === undefined ? { statusCode: r.status, headers: r.headers } : json(r.status, r.body);
  }
  throw new HttpError(404, `no page at ${raw.slice(0, 120)}`);
}

async function asset(deps: UiDeps, name: string, type: string): Promise<APIGatewayProxyResultV2> {
  const body = await deps.asset(name);
  if (!body) throw new HttpError(404, `status page asset ${name} is not built (node ui/build.mjs)`);
  return { statusCode: 200, headers: { 'content-type': type, ...pageHeaders }, body: body.toString('utf8') };
}

/** Exchanges the ticket for a session cookie, then sends the browser to the page without the ticket. */
async function login(deps: UiDeps, req: ApiRequest): Promise<APIGatewayProxyResultV2> {
  const s = await redeemTicket(deps, req.query.t ?? '', req.signal);
  return {
    statusCode: 303,
    headers: { location: '/ui/', 'set-cookie': cookie(s.session, SESSION_MS / 1000), ...pageHeaders },
  };
}

/** HttpOnly (no script reads it), Secure, SameSite=Strict, only for /ui, of bounded life. */
function cookie(value: string, maxAgeSeconds: number): string {
  return `${COOKIE}=${value}; Path=/ui; HttpOnly; Secure; SameSite=Strict; Max-Age=${maxAgeSeconds}`;
}

/** The session cookie: API Gateway hands cookies over in `cookies`, a plain server in the header. */
function cookieOf(event: APIGatewayProxyEventV2): string | undefined {
  const all = event.cookies ?? event.headers.cookie?.split(';') ?? [];
  for (const c of all) {
    const [name, ...value] = c.trim().split('=');
    if (name === COOKIE) return value.join('=') || undefined;
  }
  return undefined;
}

/**
 * A state-changing request must come from the page's own origin: `Origin` names the host the
 * request was sent to, and the browser's `Sec-Fetch-Site`, when sent, says same-origin.
 */
function sameOrigin(event: APIGatewayProxyEventV2, method: string): void {
  const origin = event.headers.origin;
  const host = event.headers.host ?? event.requestContext.domainName;
  let originHost: string | undefined;
  try {
    originHost = origin ? new URL(origin).host : undefined;
  } catch {
    originHost = undefined;
  }
  const site = event.headers['sec-fetch-site'];
  if (!originHost || originHost !== host || (site !== undefined && site !== 'same-origin'))
    throw new ForbiddenError(`${method} from another origin (${origin ?? 'no Origin header'}) refused`);
}
