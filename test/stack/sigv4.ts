/**
 * Checks AWS Signature V4 the way AWS does: the caller is named by the access key of the
 * credential scope, and the signature is recomputed over the signed headers with that key's
 * secret. Used for requests to the local AWS endpoint and the local HTTP API, and for EKS tokens
 * (presigned STS URLs).
 */
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

/** What the Authorization header (or a presigned URL) says. */
export interface SignedBy {
  accessKeyId: string;
  region: string;
  /** The signing name, e.g. `dynamodb`, `execute-api`, `monitoring`. */
  service: string;
}

/** A request as received. */
export interface Received {
  method: string;
  /** Host header value (host[:port]). */
  host: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: string;
}

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/;

/** Parses the Authorization header, or undefined when the request is not SigV4-signed. */
export function signedBy(headers: Record<string, string>): SignedBy | undefined {
  const m = AUTH.exec(headers.authorization ?? '');
  return m ? { accessKeyId: m[1]!, region: m[3]!, service: m[4]! } : undefined;
}

/** Recomputes the header signature with `secret`; true when it matches. */
export async function verifySigned(req: Received, secret: string): Promise<boolean> {
  const m = AUTH.exec(req.headers.authorization ?? '');
  if (!m) return false;
  const [, akid, , region, service, signedHeaders, signature] = m;
  const amzDate = req.headers['x-amz-date'];
  if (!amzDate) return false;
  const headers: Record<string, string> = {};
  for (const h of signedHeaders!.split(';')) headers[h] = h === 'host' ? req.host : (req.headers[h] ?? '');
  const [hostname, port] = req.host.split(':');
  const request = new HttpRequest({
    method: req.method,
    protocol: 'http:',
    hostname,
    port: port ? Number(port) : undefined,
    path: req.path,
    query: Object.fromEntries(req.query),
    headers,
    body: req.body,
  });
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: akid!,
      secretAccessKey: secret,
      sessionToken: req.headers['x-amz-security-token'],
    },
    region: region!,
    service: service!,
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: service !== 's3',
  });
  const signed = await signer.sign(request, {
    signingDate: parseAmzDate(amzDate),
    unsignableHeaders: new Set(),
    signableHeaders: new Set(Object.keys(headers)),
  });
  const got = /Signature=([0-9a-f]+)/.exec(signed.headers.authorization ?? '')?.[1];
  return got === signature;
}

/** The access key and scope of a presigned URL (an EKS token's STS URL). */
export function presignedBy(url: URL): SignedBy | undefined {
  const cred = url.searchParams.get('X-Amz-Credential');
  const m = cred ? /^([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request$/.exec(cred) : null;
  return m ? { accessKeyId: m[1]!, region: m[2]!, service: m[3]! } : undefined;
}

/** Recomputes a presigned URL's signature (headers named in X-Amz-SignedHeaders given by the caller). */
export async function verifyPresigned(
  url: URL,
  secret: string,
  headers: Record<string, string>,
): Promise<boolean> {
  const by = presignedBy(url);
  const date = url.searchParams.get('X-Amz-Date');
  const signature = url.searchParams.get('X-Amz-Signature');
  const expires = Number(url.searchParams.get('X-Amz-Expires') ?? '0');
  if (!by || !date || !signature) return false;
  const added = [
    'Algorithm',
    'Credential',
    'Date',
    'Expires',
    'SignedHeaders',
    'Signature',
    'Security-Token',
  ];
  const query = Object.fromEntries(
    [...url.searchParams].filter(([k]) => !added.some((a) => k === `X-Amz-${a}`)),
  );
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: by.accessKeyId,
      secretAccessKey: secret,
      sessionToken: url.searchParams.get('X-Amz-Security-Token') ?? undefined,
    },
    region: by.region,
    service: by.service,
    sha256: Hash.bind(null, 'sha256'),
  });
  const presigned = await signer.presign(
    new HttpRequest({
      method: 'GET',
      protocol: url.protocol,
      hostname: url.hostname,
      path: url.pathname,
      query,
      headers: { host: url.host, ...headers },
    }),
    { signingDate: parseAmzDate(date), expiresIn: expires },
  );
  return presigned.query?.['X-Amz-Signature'] === signature;
}

function parseAmzDate(s: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) throw new Error(`bad X-Amz-Date ${s}`);
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}
