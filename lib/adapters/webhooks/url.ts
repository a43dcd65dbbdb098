/**
 * Webhook URLs may carry secrets (`https://user:token@host/path?key=…`). This module splits a URL
 * into what is sent and what may be shown, and scrubs secrets from any text we print.
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
  /** Secret fragments (userinfo, query string and its values) to scrub from printed text. */
  secrets: string[];
}

/** The hook URL is not an absolute http(s) URL. The message never echoes the URL. */
export class InvalidHookUrlError extends InvalidError {
  override readonly name: string = 'InvalidHookUrlError';
}

/** Minimum length of a query value treated as a secret; shorter ones would mangle unrelated text. */
const MIN_SECRET_LENGTH = 4;

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
  const secrets = collectSecrets(url);
  const authorization = basicAuth(url);
  url.username = '';
  url.password = '';
  return { href: url.href, display: displayUrl(url), authorization, secrets };
}

/** `scheme://host/path` of a URL: no userinfo, query or fragment. */
function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** Replaces every secret fragment in `text` with `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length >= MIN_SECRET_LENGTH || secret.startsWith('?')) out = out.split(secret).join('***');
  }
  return out;
}

function collectSecrets(url: URL): string[] {
  const secrets: string[] = [];
  const add = (s: string): void => {
    if (s && !secrets.includes(s)) secrets.push(s);
  };
  add(url.username);
  add(url.password);
  add(safeDecode(url.username));
  add(safeDecode(url.password));
  add(url.search);
  add(url.search.slice(1));
  for (const value of url.searchParams.values()) add(value);
  for (const raw of url.search.slice(1).split('&')) add(raw.split('=').slice(1).join('='));
  return secrets;
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
