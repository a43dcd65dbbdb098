/** HTTP plumbing for the API: request shape, JSON answers, error mapping (exposed vs hidden). */
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { redactJson } from '../../lib/domain/redaction.js';

export interface ApiRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: string;
  /** Who is calling: IAM ARN, JWT subject, or the local token's name. */
  actor: string;
  signal: AbortSignal;
}

export type ApiResult = { status: number; body?: unknown; headers?: Record<string, string> };

/** An error whose message is safe to show (4xx). Anything else becomes a 500 without details. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: { path: string; message: string }[],
  ) {
    super(message);
  }
}

/** A JSON answer. Every answer, errors included, passes the redaction rule here (docs/security.md). */
export function json(status: number, body: unknown): APIGatewayProxyResultV2 {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(redactJson(body), null, 2),
  };
}

/** The caller's identity from API Gateway's authorizer context. */
export function actorOf(event: APIGatewayProxyEventV2): string {
  const ctx = event.requestContext as APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: {
      iam?: { userArn?: string };
      jwt?: { claims?: Record<string, unknown> };
      lambda?: { actor?: string };
    };
  };
  const a = ctx.authorizer;
  return a?.iam?.userArn ?? (a?.jwt?.claims?.sub as string | undefined) ?? a?.lambda?.actor ?? 'anonymous';
}

/**
 * Decodes the body (API Gateway base64-encodes non-text types), refusing oversized ones with 413
 * before decoding them.
 */
export function bodyOf(event: APIGatewayProxyEventV2, maxBytes: number): string {
  if (!event.body) return '';
  const tooLarge = () =>
    new HttpError(413, `request body larger than ${maxBytes} bytes`, [
      { path: '', message: `expected a body of at most ${maxBytes} bytes` },
    ]);
  // Each character is at least one byte; base64 takes 4 characters for 3 bytes.
  if (event.body.length > (event.isBase64Encoded ? Math.ceil(maxBytes / 3) * 4 : maxBytes)) throw tooLarge();
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(raw) > maxBytes) throw tooLarge();
  return raw;
}
