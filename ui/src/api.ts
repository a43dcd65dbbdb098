/// <reference lib="dom" />
/**
 * The page's calls: the API's own routes under `/ui/api/`, sent with the session
 * cookie; state-changing ones also carry the session's CSRF token.
 */

export interface SessionInfo {
  actor: string;
  csrf: string;
  until: string;
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let csrf = '';

/** The signed-in caller, or undefined when there is no session (the page then explains sign-in). */
export async function session(): Promise<SessionInfo | undefined> {
  const res = await fetch('/ui/session', { credentials: 'same-origin' });
  if (res.status === 401) return undefined;
  const s = (await answer(res)) as SessionInfo;
  csrf = s.csrf;
  return s;
}

export async function get<T>(path: string): Promise<T> {
  return (await answer(await fetch(`/ui/api${path}`, { credentials: 'same-origin' }))) as T;
}

export async function post<T>(path: string): Promise<T> {
  const res = await fetch(`/ui/api${path}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'x-csrf-token': csrf },
  });
  return (await answer(res)) as T;
}

async function answer(res: Response): Promise<unknown> {
  const body: unknown = res.status === 204 ? undefined : await res.json();
  if (!res.ok)
    throw new ApiError(res.status, (body as { message?: string })?.message ?? `HTTP ${res.status}`);
  return body;
}
