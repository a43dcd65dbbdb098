/** HTTP plumbing for the API: request shape, JSON answers, error mapping (exposed vs hidden). */
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { Caller } from '../../lib/app/access.js';
import { iamPrincipals, jwtPrincipals } from '../../lib/domain/authz/principals.js';
import { redactJson } from '../../lib/domain/redaction.js';

export interface ApiRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: string;
  /** Who is calling: their principals (lib/domain/authz) and the name history shows (IAM ARN, JWT subject, `local-token`). */
  caller: Caller;
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

/**
 * The caller's identity from API Gateway's authorizer context: an IAM caller is `iam:<ARN>` (and
 * its role, for an assumed-role session); a JWT caller `jwt:sub:<sub>` and `jwt:group:<g>` for each
 * group in its `groups` or `cognito:groups` claim; a Lambda authorizer (local mode's token check)
 * names its principal in its context. Anything else has no principal: every action is refused.
 */
export function callerOf(event: APIGatewayProxyEventV2): Caller {
  const ctx = event.requestContext as APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: {
      iam?: { userArn?: string };
      jwt?: { claims?: Record<string, unknown> };
      lambda?: { actor?: string; principal?: string };
    };
  };
  const a = ctx.authorizer;
  if (a?.iam?.userArn) return { actor: a.iam.userArn, principals: iamPrincipals(a.iam.userArn) };
  const claims = a?.jwt?.claims;
  if (claims) {
    const sub = typeof claims.sub === 'string' && claims.sub !== '' ? claims.sub : undefined;
    const groups = [...claimList(claims.groups), ...claimList(claims['cognito:groups'])];
    return { actor: sub ?? 'anonymous', principals: jwtPrincipals(sub, groups) };
  }
  const principal = a?.lambda?.principal;
  return { actor: a?.lambda?.actor ?? principal ?? 'anonymous', principals: principal ? [principal] : [] };
}

/** A list claim: an array, or the `[a b]` string API Gateway makes of one. */
function claimList(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string' && x !== '');
  if (typeof v !== 'string') return [];
  return v
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
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
