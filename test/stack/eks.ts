/**
 * The EKS side of a cluster for the stack test: an https endpoint in front of a sandbox API server
 * that authenticates bearer tokens the way EKS does — `k8s-aws-v1.` + base64url of a presigned STS
 * GetCallerIdentity URL, signed by a known caller for this cluster (`x-k8s-aws-id`) — and admits
 * only the IAM roles mapped to the cluster (an access entry). Admitted requests go on to the
 * sandbox with its own token.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { request as httpRequest } from 'node:http';
import { generateCertificate } from '../../sandbox/apiserver/certs.js';
import type { Sandbox } from '../../sandbox/apiserver/index.js';
import type { Caller } from './aws.js';
import { presignedBy, verifyPresigned } from './sigv4.js';

export interface EksEndpoint {
  url: string;
  caData: string;
  /** Principals (role ARNs) the endpoint admitted, and tokens it refused with why. */
  admitted: string[];
  refused: string[];
  /** Every admitted request: the role that made it, method, path with query, Accept header. */
  requests: { role: string; method: string; path: string; accept: string }[];
  close(): Promise<void>;
}

/** Role ARN of a principal ARN (an assumed-role session counts as its role). */
function roleOf(arn: string): string {
  const m = /^arn:aws:sts::(\d+):assumed-role\/([^/]+)\//.exec(arn);
  return m ? `arn:aws:iam::${m[1]}:role/${m[2]}` : arn;
}

export async function startEksEndpoint(opts: {
  clusterName: string;
  sandbox: Sandbox;
  callers: Map<string, Caller>;
  /** Role ARNs with an access entry in this cluster. */
  mapped: string[];
}): Promise<EksEndpoint> {
  const { cert, key } = await generateCertificate();
  const admitted: string[] = [];
  const refused: string[] = [];
  const requests: EksEndpoint['requests'] = [];
  const target = new URL(opts.sandbox.httpUrl);
  const server: Server = createServer({ cert, key }, (req, res) => {
    void authenticate(req.headers.authorization ?? '').then((who) => {
      if (typeof who !== 'string' || !opts.mapped.includes(roleOf(who))) {
        refused.push(typeof who === 'string' ? `${who} is not mapped` : who.reason);
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            message: 'Unauthorized',
            reason: 'Unauthorized',
            code: 401,
          }),
        );
        return;
      }
      admitted.push(who);
      requests.push({
        role: roleOf(who),
        method: req.method ?? '',
        path: req.url ?? '',
        accept: String(req.headers.accept ?? ''),
      });
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host, authorization: `Bearer ${opts.sandbox.token}` },
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
  });

  async function authenticate(header: string): Promise<string | { reason: string }> {
    const token = /^Bearer k8s-aws-v1\.(.+)$/.exec(header)?.[1];
    if (!token) return { reason: 'not an EKS token' };
    const url = new URL(Buffer.from(token, 'base64url').toString('utf8'));
    const by = presignedBy(url);
    const caller = by && opts.callers.get(by.accessKeyId);
    if (!by || !caller || by.service !== 'sts')
      return { reason: 'token not signed by a known caller for sts' };
    if (url.searchParams.get('Action') !== 'GetCallerIdentity')
      return { reason: 'token is not GetCallerIdentity' };
    const ok = await verifyPresigned(url, caller.secret, { 'x-k8s-aws-id': opts.clusterName });
    return ok
      ? caller.principal.arn
      : { reason: `token signature does not match for cluster ${opts.clusterName}` };
  }

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    caData: Buffer.from(cert).toString('base64'),
    admitted,
    refused,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
