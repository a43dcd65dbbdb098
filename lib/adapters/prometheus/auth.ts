/**
 * Request authentication for Prometheus-compatible servers: a bearer token, basic auth, or AWS
 * Signature V4 for Amazon Managed Service for Prometheus (signing service `aps`).
 */
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

/** AWS credentials as the SDK's providers return them. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Resolves (and may refresh) AWS credentials. */
export type AwsCredentialsProvider = () => Promise<AwsCredentials>;

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
  const credentials = auth.credentials ?? lazyDefaultCredentials();
  const signer = new SignatureV4({
    service: auth.service ?? 'aps',
    region: auth.region,
    credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
  const now = auth.now ?? (() => new Date());
  return async (url, query) => {
    const request = new HttpRequest({
      method: 'GET',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query: { ...query },
      // fetch sends exactly url.host, so the signed Host header matches what arrives.
      headers: { host: url.host },
    });
    const signed = await signer.sign(request, { signingDate: now() });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(signed.headers)) {
      if (name.toLowerCase() !== 'host') headers[name.toLowerCase()] = value;
    }
    return headers;
  };
}

/** The SDK's default chain, imported only when SigV4 is used without explicit credentials. */
function lazyDefaultCredentials(): AwsCredentialsProvider {
  let provider: AwsCredentialsProvider | undefined;
  return async () => {
    if (!provider) {
      const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
      provider = defaultProvider();
    }
    return provider();
  };
}

/** RFC 3986 escaping, the form SigV4 canonicalises to (URLSearchParams would write `+` for space). */
export function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
