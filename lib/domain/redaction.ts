/**
 * The one redaction rule (docs/security.md#what-never-leaves). Every text and JSON value that leaves
 * the process — API answers, history records, domain events and the notifications made from them,
 * Kubernetes Events, logs — goes through {@link redactText} or {@link redactJson}. The rule has two
 * parts, applied in this order:
 *
 * 1. **Values.** Each secret the caller has in scope (a webhook URL's password, a template's token,
 *    a cluster's token — see {@link urlSecrets}, {@link addressSecrets}, {@link basicSecrets},
 *    {@link headerSecrets}, {@link webhookSecrets}, {@link canarySecrets}, {@link secretsInText}) is
 *    masked wherever it appears, longest first, also percent-encoded and JSON-escaped. Values
 *    shorter than {@link MIN_SECRET_LENGTH} are left to the patterns: masking them would mangle
 *    ordinary words.
 * 2. **Patterns**, for secrets whose value is not known: userinfo in URLs (`https://user:pass@`),
 *    `Basic` credentials (base64 of `user:pass`) and `Bearer` tokens, and the value of a
 *    secret-named field — query and form parameters (`?token=…`), JSON keys (`"password": …`) and
 *    header lines (`X-Api-Key: …`). A name is secret-named when one of its words (split at `-`,
 *    `_`, `.` and camelCase humps) is in {@link SECRET_WORDS}.
 *
 * Everything masked becomes {@link MASK}. Pure; no I/O.
 */
import { webhooks } from './spec/accessors.js';
import type { Canary } from './spec/schema.js';

/** What a secret is replaced with. */
const MASK = '***';

/** Shorter values are not masked by value (a 5-letter password would mask ordinary words). */
const MIN_SECRET_LENGTH = 6;

/** Words that make a parameter, key or header name secret-named. */
const SECRET_WORDS: ReadonlySet<string> = new Set([
  'apikey',
  'authorization',
  'cookie',
  'credential',
  'credentials',
  'key',
  'pass',
  'passphrase',
  'passwd',
  'password',
  'pwd',
  'secret',
  'session',
  'sig',
  'signature',
  'token',
]);

/** True when a word of `name` (split at `-`, `_`, `.`, spaces and camelCase humps) is a secret word. */
export function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  return words.some((w) => SECRET_WORDS.has(w));
}

/** `scheme://userinfo@` → `scheme://***@`. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>\\]+@/gi;
/** `Bearer <token>` (8+ characters) and `Basic <base64>` (masked when it decodes to `user:pass`). */
const SCHEME_CREDENTIALS = /\b(Bearer|Basic)(\s+)([A-Za-z0-9._~+/-]+=*)/gi;
/** A header line `Name: value` (at the start of a line). */
const LINE_FIELD = /^([ \t]*)([A-Za-z][\w.-]*)([ \t]*:[ \t]*)(\S[^\r\n]*)$/gm;
/**
 * A quoted key and its value: `"name": "value"`, `'name': 'value'`, `"name": 123`; a string value
 * cut short (no closing quote) runs to the end of the text.
 */
const QUOTED_FIELD =
  /(["'])([\w.-]+)\1(\s*:\s*)("(?:[^"\\]|\\.)*(?:"|$)|'(?:[^'\\]|\\.)*(?:'|$)|(?![{[])[^\s,}\]]+)/g;
/**
 * The same in JSON held in JSON strings, one pattern per depth (a webhook echoing a payload that
 * quotes an echo): `\"name\":\"value\"`, `\\\"name\\\":\\\"value\\\"`, … up to four levels.
 */
const ESCAPED_FIELDS = [1, 2, 3, 4].map((depth) => {
  const q = `${'\\\\'.repeat(2 ** depth - 1)}"`;
  const value = `${q}(?:(?!${q})[^\\n])*(?:${q}|$)|(?![{[\\\\])[^\\s,}\\]\\\\]+`;
  return new RegExp(`(${q})([\\w.-]+)${q}(\\s*:\\s*)(${value})`, 'g');
});
/** `name=value` in query strings, form bodies and command lines (not PromQL's `name=~"…"`). */
const NAMED_VALUE = /(?<![\w.])([A-Za-z_][\w.-]*)=(?![~="'])([^&\s#"'<>]+)/g;

/** A function applying the rule with a fixed set of secret values (build once, apply many times). */
export type Redactor = (text: string) => string;

/** The rule with `secrets` as the known values; see the module comment. */
export function redactor(secrets: readonly string[] = []): Redactor {
  const values = variants(secrets);
  return (text) => {
    let out = text;
    for (const v of values) if (out.includes(v)) out = out.split(v).join(MASK);
    return maskPatterns(out);
  };
}

/** `text` with every known secret value and every credential-looking pattern masked. */
export function redactText(text: string, secrets: readonly string[] = []): string {
  return redactor(secrets)(text);
}

/** Deeper values are replaced whole (stored items are at most 32 levels deep). */
const MAX_DEPTH = 64;

/**
 * A copy of a JSON-like value with {@link redactText} applied to every string. Errors become
 * `{name, message, stack}`, objects with `toJSON` are converted first, cycles and values nested
 * deeper than 64 levels are replaced by a marker: the result is always safe to serialise.
 */
export function redactJson<T>(value: T, secrets: readonly string[] = []): T {
  return walk(value, redactor(secrets), 0, new Set()) as T;
}

function walk(v: unknown, redact: Redactor, depth: number, seen: Set<object>): unknown {
  if (typeof v === 'string') return redact(v);
  if (v === null || typeof v !== 'object') return v;
  if (depth > MAX_DEPTH) return '[too deep]';
  if (seen.has(v)) return '[circular]';
  seen.add(v);
  try {
    const next = (x: unknown) => walk(x, redact, depth + 1, seen);
    if (Array.isArray(v)) return v.map(next);
    if (v instanceof Error) {
      const { name, message, stack } = v;
      return { name, message: redact(message), ...(stack === undefined ? {} : { stack: redact(stack) }) };
    }
    const json = (v as { toJSON?: unknown }).toJSON;
    if (typeof json === 'function') return next((json as () => unknown).call(v));
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, next(x)]));
  } finally {
    seen.delete(v);
  }
}

function maskPatterns(text: string): string {
  const field = (all: string, quote: string, name: string, sep: string, value: string) =>
    isSecretName(name) ? `${quote}${name}${quote}${sep}${quoted(value)}` : all;
  let out = text
    .replace(USERINFO, `$1${MASK}@`)
    .replace(SCHEME_CREDENTIALS, (all, scheme: string, space: string, credential: string) =>
      isCredential(scheme, credential) ? `${scheme}${space}${MASK}` : all,
    )
    .replace(LINE_FIELD, (all, indent: string, name: string, sep: string) =>
      isSecretName(name) ? `${indent}${name}${sep}${MASK}` : all,
    )
    .replace(QUOTED_FIELD, field);
  for (const escaped of ESCAPED_FIELDS) if (out.includes('\\"')) out = out.replace(escaped, field);
  return out.replace(NAMED_VALUE, (all, name: string) => (isSecretName(name) ? `${name}=${MASK}` : all));
}

function isCredential(scheme: string, credential: string): boolean {
  if (scheme.toLowerCase() === 'bearer') return credential.length >= 8;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(credential) || credential.length % 4 !== 0) return false;
  return Buffer.from(credential, 'base64').toString('utf8').includes(':');
}

/** The mask in the quoting (`"`, `'`, `\"`, …) of the value it replaces. */
function quoted(value: string): string {
  const q = /^\\*["']/.exec(value)?.[0];
  return q ? `${q}${MASK}${q}` : MASK;
}

/** Each secret long enough, as written and percent-encoded and JSON-escaped; longest first. */
function variants(secrets: readonly string[]): string[] {
  const out = new Set<string>();
  for (const s of secrets) {
    if (s.length < MIN_SECRET_LENGTH) continue;
    out.add(s);
    out.add(encodeURIComponent(s));
    out.add(JSON.stringify(s).slice(1, -1));
  }
  return [...out].sort((a, b) => b.length - a.length);
}

// ---- where secret values come from ----

/**
 * The secrets of HTTP basic credentials: the password, the `user:pass` pair and its base64 (what
 * an `Authorization: Basic` header carries). The username is a secret only without a password
 * (a token passed as the username, `https://TOKEN@host`).
 */
export function basicSecrets(username: string, password: string): string[] {
  const pair = `${username}:${password}`;
  const out = [password, pair, Buffer.from(pair, 'utf8').toString('base64')];
  return password ? out : [username, ...out];
}

/**
 * The secrets a URL carries: its userinfo (as written and decoded, see {@link basicSecrets}) and
 * the values of its secret-named query parameters (as written and decoded). [] for a non-URL.
 */
export function urlSecrets(raw: string): string[] {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return [];
  }
  const out: string[] = [];
  if (url.username || url.password) {
    out.push(url.password ? url.password : url.username);
    out.push(...basicSecrets(decode(url.username), decode(url.password)));
  }
  for (const pair of url.search.slice(1).split('&')) {
    const [name, ...rest] = pair.split('=');
    const value = rest.join('=');
    if (value && isSecretName(decode(name))) out.push(value, decode(value.replace(/\+/g, ' ')));
  }
  return unique(out);
}

/**
 * The secrets of a webhook address whose path is its credential (Slack, Teams, Discord): the
 * address, its path with and without the query, the query, and {@link urlSecrets}.
 */
export function addressSecrets(address: string): string[] {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return [address];
  }
  const path = url.pathname === '/' ? '' : url.pathname;
  return unique([address, `${path}${url.search}`, path, url.search.slice(1), ...urlSecrets(address)]);
}

/**
 * The secrets of HTTP header values (a MetricTemplate's `headers`): each whole value and, for
 * `Scheme credentials`, the credentials alone (decoded too when Basic).
 */
export function headerSecrets(headers: Readonly<Record<string, string | readonly string[]>>): string[] {
  const out: string[] = [];
  for (const value of Object.values(headers).flatMap((v) => (typeof v === 'string' ? [v] : v))) {
    out.push(value);
    const m = /^(\S+)\s+(\S+)$/.exec(value.trim());
    if (!m) continue;
    out.push(m[2]);
    if (m[1].toLowerCase() === 'basic') {
      const [user, ...pass] = Buffer.from(m[2], 'base64').toString('utf8').split(':');
      if (pass.length > 0) out.push(...basicSecrets(user, pass.join(':')));
    }
  }
  return unique(out);
}

/**
 * The values the patterns would mask in a document such as a kubeconfig (`token: …`,
 * `client-key-data: …`, `"password": "…"`), so they are also masked where they appear alone.
 */
export function secretsInText(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(LINE_FIELD)) if (isSecretName(m[2])) out.push(unquote(m[4].trim()));
  for (const m of text.matchAll(QUOTED_FIELD)) if (isSecretName(m[2])) out.push(unquote(m[4]));
  return unique(out);
}

/** The secrets of one webhook: its URL's ({@link urlSecrets}) and its secret-named metadata values. */
export function webhookSecrets(hook: { url: string; metadata?: Readonly<Record<string, string>> }): string[] {
  const named = Object.entries(hook.metadata ?? {}).filter(([name]) => isSecretName(name));
  return unique([...urlSecrets(hook.url), ...named.map(([, value]) => value)]);
}

/** The secrets of a canary's spec: those of each of its webhooks. */
export function canarySecrets(canary: Canary): string[] {
  return unique(webhooks(canary).flatMap(webhookSecrets));
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values.filter(Boolean))];
}
