/**
 * EKS bearer tokens without the `aws` binary (ARCHITECTURE.md "EKS access from Lambda"): the token
 * is `k8s-aws-v1.` + base64url (no padding) of a presigned STS `GetCallerIdentity` URL whose
 * signature covers the header `x-k8s-aws-id: <cluster>`. EKS accepts it for 15 minutes after
 * signing regardless of `X-Amz-Expires`, but `aws eks get-token` signs with 60 s and so do we;
 * {@link EksTokenCache} therefore reuses a token for at most 45 s.
 */
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

/** AWS credentials as the SDK's providers return them. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Anything that yields credentials: `fromNodeProviderChain()` / `defaultProvider()` fit. */
export type CredentialsProvider = () => Promise<AwsCredentials>;

/** The prefix every EKS token starts with. */
const TOKEN_PREFIX = 'k8s-aws-v1.';
/** Lifetime of the presigned URL, as `aws eks get-token` signs it. */
const TOKEN_EXPIRES_SECONDS = 60;

/** What one token is for, and how to sign it. */
export interface TokenRequest {
  /** The EKS cluster name (not our cluster record name). */
  clusterName: string;
  region: string;
  credentials: CredentialsProvider;
  /** Signing time; injected for tests. */
  now: Date;
}

/** Signs one token. Pure apart from the credentials provider. */
export async function eksToken(req: TokenRequest): Promise<string> {
  const hostname = `sts.${req.region}.amazonaws.com`;
  const signer = new SignatureV4({
    service: 'sts',
    region: req.region,
    sha256: Hash.bind(null, 'sha256'),
    credentials: req.credentials,
  });
  const request = new HttpRequest({
    method: 'GET',
    protocol: 'https:',
    hostname,
    path: '/',
    headers: { host: hostname, 'x-k8s-aws-id': req.clusterName },
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
  });
  const signed = await signer.presign(request, { expiresIn: TOKEN_EXPIRES_SECONDS, signingDate: req.now });
  const query = Object.entries(signed.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  const url = `https://${hostname}${signed.path}?${query}`;
  return TOKEN_PREFIX + Buffer.from(url).toString('base64url');
}

/** Dependencies of {@link EksTokenCache}. */
export interface EksTokenCacheDeps {
  credentials: CredentialsProvider;
  /** Milliseconds since the epoch; injected for tests. Default `Date.now`. */
  now?: () => number;
  /** How long a token is reused; default 45 s, must stay below {@link TOKEN_EXPIRES_SECONDS}. */
  reuseMs?: number;
}

interface Entry {
  token: Promise<string>;
  signedAt: number;
}

/**
 * Tokens per (cluster, region), reused for `reuseMs` (45 s) and re-signed after that, so a token
 * handed to the API server always has ≥ 15 s of its 60 s left. Concurrent callers share one
 * signing; a failed signing is not cached.
 */
export class EksTokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly reuseMs: number;

  constructor(private readonly deps: EksTokenCacheDeps) {
    this.now = deps.now ?? Date.now;
    this.reuseMs = Math.min(deps.reuseMs ?? 45_000, TOKEN_EXPIRES_SECONDS * 1000 - 1);
  }

  /** A valid token for `clusterName` in `region`. */
  token(clusterName: string, region: string): Promise<string> {
    const key = `${region}/${clusterName}`;
    const at = this.now();
    const cached = this.entries.get(key);
    if (cached && at - cached.signedAt < this.reuseMs) return cached.token;
    const entry: Entry = {
      signedAt: at,
      token: eksToken({ clusterName, region, credentials: this.deps.credentials, now: new Date(at) }),
    };
    entry.token.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    this.entries.set(key, entry);
    return entry.token;
  }
}
