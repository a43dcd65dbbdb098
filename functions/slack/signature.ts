/**
 * Slack's request signing (https://api.slack.com/authentication/verifying-requests-from-slack):
 * `x-slack-signature` is `v0=` + hex HMAC-SHA256, keyed with the app's signing secret, of
 * `v0:<x-slack-request-timestamp>:<raw body>`. Compared in constant time over the raw bytes, and
 * only for a timestamp within five minutes of now either way (a captured request cannot be
 * replayed later). Pure: the clock is a parameter.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a request's timestamp may be from now, either way (Slack's recommendation). */
const MAX_SKEW_SECONDS = 300;

/** Why a request is not Slack's, or `valid`. */
export type SignatureVerdict = 'valid' | 'unsigned' | 'expired' | 'mismatch';

/** The signature Slack sends for `body` at `timestamp` (seconds, as text). */
export function slackSignature(secret: string, timestamp: string, body: Buffer | string): string {
  const mac = createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body);
  return `v0=${mac.digest('hex')}`;
}

/** Checks the signature headers (lower-case names) of a request against its raw body. */
export function verifySlackRequest(
  headers: Readonly<Record<string, string | undefined>>,
  body: Buffer,
  secret: string,
  nowMs: number,
): SignatureVerdict {
  const timestamp = headers['x-slack-request-timestamp'];
  const signature = headers['x-slack-signature'];
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return 'unsigned';
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS) return 'expired';
  const expected = Buffer.from(slackSignature(secret, timestamp, body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected) ? 'valid' : 'mismatch';
}
