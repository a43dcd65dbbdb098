/**
 * Builds the Datadog provider of a MetricTemplate with `provider.type: datadog`. Its `secretRef`
 * names a secret holding Flagger's keys, `datadog_api_key` and `datadog_application_key` (JSON in
 * Secrets Manager), read when the first query runs and again after a failure, so a rotated secret
 * is picked up. Messages name the secret and the missing key, never a value.
 */
import type { DatadogTemplateProvider, MetricsProvider, MetricTemplate } from '../../ports/metrics.js';
import { DatadogClient, ONLY_INSTANT } from './client.js';

/** Reads one secret's text. */
type SecretText = (name: string) => Promise<string>;

/** Flagger's metric interval when a check names none. */
const DEFAULT_INTERVAL_SECONDS = 60;

/** Flagger's secret keys. */
const API_KEY = 'datadog_api_key';
const APPLICATION_KEY = 'datadog_application_key';

/** The two keys of a Datadog secret; an error naming the secret and what is missing otherwise. */
function datadogKeys(name: string, text: string): { apiKey: string; applicationKey: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error(`secret ${name} is not a JSON object with ${API_KEY} and ${APPLICATION_KEY}`);
  }
  const record = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const missing = [API_KEY, APPLICATION_KEY].filter((k) => typeof record[k] !== 'string' || !record[k]);
  if (missing.length > 0) throw new Error(`secret ${name} has no ${missing.join(' and ')}`);
  return { apiKey: record[API_KEY] as string, applicationKey: record[APPLICATION_KEY] as string };
}

/** What a Datadog template's provider needs besides the template. */
export interface DatadogProviderOptions {
  secret: SecretText;
  /** The check's interval; default 60 s. */
  intervalSeconds?: number;
  now: () => number;
  fetch?: typeof globalThis.fetch;
}

/** A provider for a Datadog template; errors are answers naming the template. */
export function datadogTemplateProvider(
  template: MetricTemplate & { provider: DatadogTemplateProvider },
  options: DatadogProviderOptions,
): MetricsProvider {
  const { address, secretRef } = template.provider;
  const label = `template ${template.namespace}/${template.name}`;
  let client: Promise<DatadogClient> | undefined;
  const get = () =>
    (client ??= options.secret(secretRef.name).then(
      (text) =>
        new DatadogClient({
          address,
          ...datadogKeys(secretRef.name, text),
          intervalSeconds: options.intervalSeconds ?? DEFAULT_INTERVAL_SECONDS,
          now: options.now,
          fetch: options.fetch,
        }),
    ));
  /** The client, or the reason there is none (the secret), as an answer naming the template. */
  const withClient = async <R>(
    signal: AbortSignal,
    call: (c: DatadogClient) => Promise<R>,
  ): Promise<R | { kind: 'error'; message: string }> => {
    let c: DatadogClient;
    try {
      c = await get();
    } catch (e) {
      client = undefined;
      if (signal.aborted) throw e;
      return { kind: 'error', message: `${label}: ${(e as Error).message}` };
    }
    return call(c);
  };
  return {
    query: (q, signal) => withClient(signal, (c) => c.query(q, signal)),
    queryRange: () => Promise.resolve({ kind: 'error', message: `${label}: ${ONLY_INSTANT}` }),
    queryVector: () => Promise.resolve({ kind: 'error', message: `${label}: ${ONLY_INSTANT}` }),
    isOnline: async (signal) => {
      const r = await withClient(signal, (c) => c.isOnline(signal));
      return r === true;
    },
  };
}
