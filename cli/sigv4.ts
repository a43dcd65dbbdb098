/**
 * SigV4 signing for the deployed API (API Gateway HTTP API with IAM authorization): service
 * `execute-api`. Imported lazily by the client: the AWS SDK is most of the CLI's start time.
 */
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { defaultProvider } from '@aws-sdk/credential-provider-node';

/** Static credentials or a provider such as the SDK's default chain. */
export type Credentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

export interface UnsignedRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

/** The default AWS credential chain (environment, profile/SSO, web identity, container, instance). */
export function defaultCredentials(): Credentials {
  return defaultProvider();
}

/** Returns `req.headers` plus host, x-amz-date, x-amz-content-sha256, authorization (and the session token). */
export async function signRequest(
  req: UnsignedRequest,
  credentials: Credentials,
  region: string,
  now?: Date,
): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: 'execute-api',
    region,
    credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
  const query: Record<string, string> = {};
  req.url.searchParams.forEach((v, k) => (query[k] = v));
  const request = new HttpRequest({
    method: req.method,
    protocol: req.url.protocol,
    hostname: req.url.hostname,
    port: req.url.port ? Number(req.url.port) : undefined,
    path: req.url.pathname,
    query,
    headers: { ...req.headers, host: req.url.host },
    body: req.body,
  });
  const signed = await signer.sign(request, now ? { signingDate: now } : {});
  return signed.headers;
}
