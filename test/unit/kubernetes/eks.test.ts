import { createHash, createHmac } from 'node:crypto';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterInfoError, EksClusterInfo } from '../../../lib/adapters/eks/cluster-info.js';
import { eksToken, EksTokenCache, type AwsCredentials } from '../../../lib/adapters/eks/token.js';

const creds: AwsCredentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const NOW = new Date('2025-01-01T12:34:56Z');

function decode(token: string): URL {
  return new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8'));
}

/** An independent SigV4 presign computation (the botocore algorithm) for the same request. */
function expectedSignature(url: URL, cluster: string, secret: string): string {
  const params = [...url.searchParams.entries()].filter(([k]) => k !== 'X-Amz-Signature');
  const enc = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const query = params
    .map(([k, v]) => [enc(k), enc(v)])
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonical = [
    'GET',
    '/',
    query,
    `host:${url.host}\nx-k8s-aws-id:${cluster}\n`,
    'host;x-k8s-aws-id',
    createHash('sha256').update('').digest('hex'),
  ].join('\n');
  const amzDate = url.searchParams.get('X-Amz-Date')!;
  const scope = url.searchParams.get('X-Amz-Credential')!.split('/').slice(1).join('/');
  const toSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonical).digest('hex'),
  ].join('\n');
  const [day, region, service] = scope.split('/');
  let key: Buffer = createHmac('sha256', `AWS4${secret}`).update(day).digest();
  for (const part of [region, service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(toSign).digest('hex');
}

describe('eksToken', () => {
  it('is k8s-aws-v1. plus an unpadded base64url presigned GetCallerIdentity URL', async () => {
    const token = await eksToken({
      clusterName: 'prod',
      region: 'eu-west-1',
      credentials: () => Promise.resolve(creds),
      now: NOW,
    });
    expect(token.startsWith('k8s-aws-v1.')).toBe(true);
    expect(token.slice(11)).toMatch(/^[A-Za-z0-9_-]+$/);
    const url = decode(token);
    expect(url.protocol).toBe('https:');
    expect(url.host).toBe('sts.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/');
    const q = url.searchParams;
    expect(q.get('Action')).toBe('GetCallerIdentity');
    expect(q.get('Version')).toBe('2011-06-15');
    expect(q.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(q.get('X-Amz-Expires')).toBe('60');
    expect(q.get('X-Amz-SignedHeaders')).toBe('host;x-k8s-aws-id');
    expect(q.get('X-Amz-Credential')).toBe('AKIDEXAMPLE/20250101/eu-west-1/sts/aws4_request');
    expect(q.get('X-Amz-Date')).toBe('20250101T123456Z');
    expect(q.has('X-Amz-Security-Token')).toBe(false);
    expect(q.get('X-Amz-Signature')).toBe(expectedSignature(url, 'prod', creds.secretAccessKey));
  });

  it('is deterministic for fixed credentials and time, and binds the cluster name', async () => {
    const sign = (clusterName: string) =>
      eksToken({ clusterName, region: 'us-east-1', credentials: () => Promise.resolve(creds), now: NOW });
    expect(await sign('a')).toBe(await sign('a'));
    expect(await sign('a')).not.toBe(await sign('b'));
  });

  it('carries X-Amz-Security-Token for session credentials', async () => {
    const token = await eksToken({
      clusterName: 'prod',
      region: 'us-east-1',
      credentials: () => Promise.resolve({ ...creds, sessionToken: 'SESSION/TOKEN+=' }),
      now: NOW,
    });
    const url = decode(token);
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('SESSION/TOKEN+=');
    expect(url.searchParams.get('X-Amz-Signature')).toBe(
      expectedSignature(url, 'prod', creds.secretAccessKey),
    );
  });
});

describe('EksTokenCache', () => {
  it('reuses a token for 45 s and re-signs after that', async () => {
    let now = NOW.getTime();
    let calls = 0;
    const cache = new EksTokenCache({ credentials: () => (calls++, Promise.resolve(creds)), now: () => now });
    const first = await cache.token('prod', 'eu-west-1');
    now += 44_999;
    expect(await cache.token('prod', 'eu-west-1')).toBe(first);
    expect(calls).toBe(1);
    now += 1;
    const second = await cache.token('prod', 'eu-west-1');
    expect(second).not.toBe(first);
    expect(decode(second).searchParams.get('X-Amz-Date')).toBe('20250101T123541Z');
    expect(calls).toBe(2);
  });

  it('keeps tokens per cluster and shares one signing between concurrent callers', async () => {
    let calls = 0;
    const cache = new EksTokenCache({
      credentials: () => (calls++, Promise.resolve(creds)),
      now: () => NOW.getTime(),
    });
    const [a, b] = await Promise.all([cache.token('a', 'eu-west-1'), cache.token('a', 'eu-west-1')]);
    expect(a).toBe(b);
    expect(await cache.token('b', 'eu-west-1')).not.toBe(a);
    expect(calls).toBe(2);
  });

  it('does not cache a failed signing', async () => {
    let fail = true;
    const cache = new EksTokenCache({
      credentials: () => (fail ? Promise.reject(new Error('no credentials')) : Promise.resolve(creds)),
      now: () => NOW.getTime(),
    });
    await expect(cache.token('a', 'eu-west-1')).rejects.toThrow('no credentials');
    fail = false;
    await expect(cache.token('a', 'eu-west-1')).resolves.toMatch(/^k8s-aws-v1\./);
  });
});

describe('EksClusterInfo', () => {
  const eks = mockClient(EKSClient);
  afterEach(() => eks.reset());

  it('reads endpoint and CA from DescribeCluster once per cluster', async () => {
    eks.on(DescribeClusterCommand, { name: 'prod' }).resolves({
      cluster: {
        endpoint: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com',
        certificateAuthority: { data: 'Q0E=' },
      },
    });
    const info = new EksClusterInfo(new EKSClient({ region: 'eu-west-1' }));
    const want = { server: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com', caData: 'Q0E=' };
    expect(await info.endpoint('prod')).toEqual(want);
    expect(await info.endpoint('prod')).toEqual(want);
    expect(eks.commandCalls(DescribeClusterCommand)).toHaveLength(1);
  });

  it('fails with ClusterInfoError for a cluster without endpoint, and retries next time', async () => {
    eks
      .on(DescribeClusterCommand)
      .resolvesOnce({ cluster: { status: 'CREATING' } })
      .resolves({
        cluster: { endpoint: 'https://x', certificateAuthority: { data: 'Q0E=' } },
      });
    const info = new EksClusterInfo(new EKSClient({ region: 'eu-west-1' }));
    await expect(info.endpoint('new')).rejects.toThrow(ClusterInfoError);
    await expect(info.endpoint('new')).resolves.toEqual({ server: 'https://x', caData: 'Q0E=' });
  });

  it('wraps SDK failures', async () => {
    eks.on(DescribeClusterCommand).rejects(new Error('AccessDeniedException'));
    const info = new EksClusterInfo(new EKSClient({ region: 'eu-west-1' }));
    await expect(info.endpoint('prod')).rejects.toThrow(
      /EKS cluster prod describe failed: AccessDeniedException/,
    );
  });
});
