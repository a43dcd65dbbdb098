/**
 * Request authentication for Prometheus-compatible servers: a bearer token, basic auth, or AWS
 * Signature V4 for Amazon Managed Service for Prometheus (signing service `aps`).
 */
import { sigv4Signer, type AwsCredentialsProvider } from '../aws/sigv4.js';

export type { AwsCredentialsProvider } from '../aws/sigv4.js';

/** How to authenticate each request. */
export type PrometheusAuth =
  | { type: 'bearer'; token: string }
  | { type: 'basic'; username: string; password: string }
  | {
      type: 'sigv4';
      region: string;
      /** Signing service; default `aps`. */
      service?: string;
      /** Default: `defaultProvider()` of `@aws-sdk/credential-provider-node`, loaded on first use. */
      credentials?: AwsCredentialsProvider;
      /** Signing clock; default `new Date()`. */
      now?: () => Date;
    };

/** Computes the headers that authenticate a GET of `url` with the query parameters `query`. */
export type Authorizer = (
  url: URL,
  query: Readonly<Record<string, string>>,
) => Promise<Record<string, string>>;

/** Builds the authorizer once, so the signer and credential cache are reused across requests. */
export function makeAuthorizer(auth: PrometheusAuth | undefined): Authorizer {
  if (!auth) return () => Promise.resolve({});
  switch (auth.type) {
    case 'bearer': {
      const headers = { authorization: `Bearer ${auth.token}` };
      return () => Promise.resolve({ ...headers });
    }
    case 'basic': {
      const encoded = Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64');
      return () => Promise.resolve({ authorization: `Basic ${encoded}` });
    }
    case 'sigv4':
      return sigv4Authorizer(auth);
    default: {
      const never: never = auth;
      throw new Error(`unknown Prometheus auth type ${JSON.stringify(never)}`);
    }
  }
}

function sigv4Authorizer(auth: Extract<PrometheusAuth, { type: 'sigv4' }>): Authorizer {
  const sign = sigv4Signer({
    service: auth.service ?? 'aps',
    region: auth.region,
    credentials: auth.credentials,
    now: auth.now,
  });
  return (url, query) => {
    const signed = new URL(url.href);
    signed.search = '';
    for (const [k, v] of Object.entries(query)) signed.searchParams.append(k, v);
    return sign({ method: 'GET', url: signed });
  };
}

/** RFC 3986 escaping, the form SigV4 canonicalises to (URLSearchParams would write `+` for space). */
export function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
