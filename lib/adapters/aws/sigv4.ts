/**
 * AWS Signature V4 for plain HTTP requests we send ourselves (Amazon Managed Prometheus queries,
 * webhooks to the stack's own IAM-protected load tester): one signer per service and region,
 * credentials from the function's role unless given.
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

/** One request to sign; `url` carries the query. */
interface SignableRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  body?: string;
}

/** Returns the headers to send: the given ones plus `x-amz-date`, `authorization` (and the token). */
export type RequestSigner = (req: SignableRequest) => Promise<Record<string, string>>;

export interface SignerOptions {
  /** Signing name: `aps`, `execute-api`, … */
  service: string;
  region: string;
  /** Default: the SDK's default chain (the function's role), loaded on first use. */
  credentials?: AwsCredentialsProvider;
  /** Signing clock; default `new Date()`. */
  now?: () => Date;
}

/** Builds a signer once, so its credential cache is reused across requests. */
export function sigv4Signer(opts: SignerOptions): RequestSigner {
  const signer = new SignatureV4({
    service: opts.service,
    region: opts.region,
    credentials: opts.credentials ?? lazyDefaultCredentials(),
    sha256: Hash.bind(null, 'sha256'),
  });
  const now = opts.now ?? (() => new Date());
  return async ({ method, url, headers = {}, body }) => {
    const query: Record<string, string> = {};
    url.searchParams.forEach((v, k) => (query[k] = v));
    const request = new HttpRequest({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query,
      // fetch sends exactly url.host, so the signed Host header matches what arrives.
      headers: { ...headers, host: url.host },
      body,
    });
    const signed = await signer.sign(request, { signingDate: now() });
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(signed.headers)) {
      if (name.toLowerCase() !== 'host') out[name.toLowerCase()] = value;
    }
    return out;
  };
}

/** The SDK's default chain, imported only when a request is signed without explicit credentials. */
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

/** The region of an `*.execute-api.<region>.amazonaws.com` URL, else `fallback`. */
export function executeApiRegion(url: URL, fallback: string): string {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(url.hostname)?.[1] ?? fallback;
}
