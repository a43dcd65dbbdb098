/**
 * Webhook URLs may carry secrets (`https://user:token@host/path?key=…`). This module splits a URL
 * into what is sent and what may be shown; what is printed goes through the redaction rule
 * (lib/domain/redaction.ts, `webhookSecrets`).
 */
import { InvalidError } from '../../ports/errors.js';

/** A hook URL ready to call. */
export interface HookTarget {
  /** The URL to request, without userinfo (sent as a Basic `authorization` header instead). */
  href: string;
  /** `scheme://host/path`: the only form that may appear in logs, errors and explanations. */
  display: string;
  /** `Basic …` when the URL carried userinfo, as Go's HTTP client (Flagger) does. */
  authorization?: string;
}

/** The hook URL is not an absolute http(s) URL. The message never echoes the URL. */
export class InvalidHookUrlError extends InvalidError {
  override readonly name: string = 'InvalidHookUrlError';
}

/**
 * Parses a hook URL.
 * @throws {InvalidHookUrlError} when it is not an absolute http(s) URL.
 */
export function parseHookUrl(raw: string): HookTarget {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (err) {
    throw new InvalidHookUrlError('invalid URL (not an absolute URL)', { cause: err });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidHookUrlError(`invalid URL (unsupported scheme ${url.protocol})`);
  }
  const authorization = basicAuth(url);
  url.username = '';
  url.password = '';
  return { href: url.href, display: displayUrl(url), authorization };
}

/** `scheme://host/path` of a URL: no userinfo, query or fragment. */
function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function basicAuth(url: URL): string | undefined {
  if (!url.username && !url.password) return undefined;
  const pair = `${safeDecode(url.username)}:${safeDecode(url.password)}`;
  return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
