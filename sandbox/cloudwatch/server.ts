/**
 * A local CloudWatch endpoint: GetMetricData over HTTP in the AwsJson1_0 protocol
 * (`X-Amz-Target: GraniteServiceVersion20100801.GetMetricData`, `application/x-amz-json-1.0`),
 * with errors as the SDK reads them for this awsQuery-compatible service (`__type` in the body and
 * `x-amzn-query-error: <Code>;Sender`). CloudWatch has no local server of AWS's own; this one is
 * the sandbox's, answering from a {@link MetricSource}. Signatures are not checked (the stack
 * test's endpoint checks them and the caller's IAM policy).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudWatchFault, getMetricData, type MetricSource } from './get-metric-data.js';

const TARGET = 'GraniteServiceVersion20100801.GetMetricData';

/** A running local CloudWatch. */
export interface LocalCloudWatch {
  url: string;
  /** Requests answered, in order (their bodies), for tests that count calls. */
  readonly requests: Record<string, unknown>[];
  /** The next `n` requests are refused with this fault (throttling, access denied). */
  failNext(n: number, fault: CloudWatchFault): void;
  close(): Promise<void>;
}

/** The answer to one request: status, headers and body in the JSON 1.0 protocol. */
export function answerCloudWatch(
  target: string | undefined,
  body: Record<string, unknown>,
  source: MetricSource,
): { status: number; headers: Record<string, string>; body: string } {
  try {
    if (target !== TARGET)
      throw new CloudWatchFault('InvalidAction', `unsupported operation ${target ?? '(none)'}`);
    return {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.0' },
      body: JSON.stringify(getMetricData(body, source)),
    };
  } catch (e) {
    if (!(e instanceof CloudWatchFault)) throw e;
    return faultAnswer(e);
  }
}

function faultAnswer(e: CloudWatchFault): { status: number; headers: Record<string, string>; body: string } {
  return {
    status: e.status,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-query-error': `${e.code};Sender`,
    },
    body: JSON.stringify({ __type: `com.amazonaws.cloudwatch#${e.code}`, message: e.message }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts a local CloudWatch on loopback answering from `source`. */
export async function startCloudWatch(source: MetricSource): Promise<LocalCloudWatch> {
  const requests: Record<string, unknown>[] = [];
  const faults: CloudWatchFault[] = [];
  const server: Server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      requests.push(body);
      const fault = faults.shift();
      const target = req.headers['x-amz-target'] as string | undefined;
      const a = fault ? faultAnswer(fault) : answerCloudWatch(target, body, source);
      res.writeHead(a.status, a.headers).end(a.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext: (n, fault) => faults.push(...Array.from({ length: n }, () => fault)),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
