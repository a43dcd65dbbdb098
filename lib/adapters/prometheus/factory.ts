/**
 * Builds the metrics provider for a check: the deployment's default Prometheus or the server a
 * MetricTemplate names. Amazon Managed Service for Prometheus addresses are signed with SigV4
 * (service `aps`) automatically; a template's `secretRef` names a secret holding Flagger's keys
 * (`token`, or `username` + `password`), read once per provider when the first query runs.
 */
import type {
  MetricsProvider,
  MetricTemplate,
  PrometheusTemplateProvider,
  QueryRange,
  QueryResult,
  RangeResult,
  VectorResult,
} from '../../ports/metrics.js';
import type { AwsCredentialsProvider, PrometheusAuth } from './auth.js';
import { PrometheusClient } from './client.js';

/** Reads one secret's text (JSON with token / username / password). */
export type SecretText = (name: string) => Promise<string>;

const ampHost = /^aps-workspaces\.([a-z0-9-]+)\.amazonaws\.com$/;

/** SigV4 for an AMP workspace address (as `credentials`, default the function's role), else undefined. */
export function ampAuth(address: string, credentials?: AwsCredentialsProvider): PrometheusAuth | undefined {
  const host = new URL(address).hostname;
  const m = ampHost.exec(host);
  return m ? { type: 'sigv4', region: m[1], credentials } : undefined;
}

/** Flagger's secret keys → auth; unknown shapes are an error naming the secret. */
export function secretAuth(name: string, text: string): PrometheusAuth {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { type: 'bearer', token: text.trim() };
  }
  if (typeof data.token === 'string') return { type: 'bearer', token: data.token };
  if (typeof data.username === 'string' && typeof data.password === 'string') {
    return { type: 'basic', username: data.username, password: data.password };
  }
  throw new Error(`secret ${name} has neither "token" nor "username" and "password"`);
}

/** A metrics server: its address, the secret holding its credentials, extra headers. */
export interface MetricsServer {
  address: string;
  /** Secret name (Flagger's `token`, or `username` + `password`); none: AMP → SigV4, else no auth. */
  secret?: string;
  headers?: Readonly<Record<string, readonly string[]>>;
  /** Names the server in errors (`template ns/name`, `cluster prod`). */
  label: string;
}

/**
 * A provider for `server`; its secret is read when the first query runs (and again after a
 * failure, so a rotated secret is picked up). Errors are answers that name the server.
 */
export function serverProvider(
  server: MetricsServer,
  secret: SecretText,
  fetch?: typeof globalThis.fetch,
  credentials?: AwsCredentialsProvider,
): MetricsProvider {
  const { address, headers } = server;
  let client: Promise<PrometheusClient> | undefined;
  const get = () =>
    (client ??= (async () => {
      const auth = server.secret
        ? secretAuth(server.secret, await secret(server.secret))
        : ampAuth(address, credentials);
      const flat = headers
        ? Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.join(', ')]))
        : undefined;
      return new PrometheusClient({ address, auth, headers: flat, fetch });
    })());
  /** Runs one call on the client; a failure to build it (the secret) is an answer naming the server. */
  const run = async <R>(
    signal: AbortSignal,
    call: (c: PrometheusClient) => Promise<R>,
  ): Promise<R | { kind: 'error'; message: string }> => {
    try {
      return await call(await get());
    } catch (e) {
      client = undefined;
      if (signal.aborted) throw e;
      return { kind: 'error', message: `${server.label}: ${(e as Error).message}` };
    }
  };
  return {
    queryRange: (q: string, range: QueryRange, signal: AbortSignal): Promise<RangeResult> =>
      run(signal, (c) => c.queryRange(q, range, signal)),
    query: (q: string, signal: AbortSignal): Promise<QueryResult> => run(signal, (c) => c.query(q, signal)),
    queryVector: (q: string, signal: AbortSignal): Promise<VectorResult> =>
      run(signal, (c) => c.queryVector(q, signal)),
    async isOnline(signal: AbortSignal): Promise<boolean> {
      return (await get()).isOnline(signal);
    },
  };
}

/** A provider for a template's server. */
export function templateProvider(
  template: Omit<MetricTemplate, 'provider'> & { provider: PrometheusTemplateProvider },
  secret: SecretText,
  fetch?: typeof globalThis.fetch,
  credentials?: AwsCredentialsProvider,
): MetricsProvider {
  const { address, secretRef, headers } = template.provider;
  const label = `template ${template.namespace}/${template.name}`;
  return serverProvider({ address, secret: secretRef?.name, headers, label }, secret, fetch, credentials);
}
