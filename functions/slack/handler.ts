/**
 * Slack's interactivity request URL (POST /slack/interactions; docs/slack.md). Outside the IAM
 * authorizer — Slack cannot sign with SigV4 — so the first thing done is Slack's own signature
 * check; an unsigned, tampered, expired or foreign request is refused with 401 before anything is
 * read from it. A valid click goes to the button use case, which answers the person through the
 * click's response_url; Slack gets an empty 200 (it must within 3 s).
 *
 * Its own function, not a route of functions/api: its bundle holds only this path (a smaller cold
 * start, inside Slack's 3 s), and its role alone may read the signing secret.
 */
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { clickButton, type ButtonDeps } from '../../lib/app/button-actions.js';
import type { Logger } from '../../lib/ports/logger.js';
import { parseClick } from './interaction.js';
import { verifySlackRequest } from './signature.js';

export interface SlackHandlerDeps {
  buttons: ButtonDeps;
  /** The app's signing secret (read from SSM once per container). */
  signingSecret: () => Promise<string>;
  logger: Logger;
  now: () => number;
  maxBodyBytes: number;
}

export type SlackHandler = (
  event: APIGatewayProxyEventV2,
  context?: unknown,
  opts?: { signal?: AbortSignal },
) => Promise<APIGatewayProxyResultV2>;

const answer = (statusCode: number, message?: string): APIGatewayProxyResultV2 =>
  message === undefined
    ? { statusCode }
    : { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message }) };

export function makeHandler(deps: SlackHandlerDeps): SlackHandler {
  return async (event, _context, opts) => {
    const signal = opts?.signal ?? AbortSignal.timeout(25_000);
    const size = event.body?.length ?? 0;
    if (size > (event.isBase64Encoded ? Math.ceil(deps.maxBodyBytes / 3) * 4 : deps.maxBodyBytes))
      return answer(413, 'request body too large');
    // The signature covers the bytes Slack sent: verify those, not a re-encoding of them.
    const raw = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
    const headers = event.headers ?? {};
    let secret: string;
    try {
      secret = await deps.signingSecret();
    } catch (e) {
      deps.logger.error('Slack signing secret unavailable', {
        reason: 'SlackSecretUnavailable',
        error: (e as Error)?.message,
      });
      return answer(503, 'cannot verify requests now; try again');
    }
    const verdict = verifySlackRequest(headers, raw, secret, deps.now());
    if (verdict !== 'valid') {
      deps.logger.warn('Slack request refused', { reason: 'SlackSignatureRefused', verdict });
      return answer(401, 'not a request signed by Slack');
    }
    const click = parseClick(raw.toString('utf8'));
    if (!click) return answer(400, 'expected a block_actions payload on a Flagger Serverless button');
    try {
      const outcome = await clickButton(deps.buttons, click, signal);
      deps.logger.info('Slack button clicked', {
        reason: 'SlackButtonClicked',
        principal: click.principal,
        outcome: outcome.kind,
        ...(outcome.kind === 'applied' ? { action: outcome.action, canary: outcome.canary } : {}),
      });
      return answer(200);
    } catch (e) {
      deps.logger.error('Slack button failed', {
        reason: 'SlackButtonFailed',
        principal: click.principal,
        error: (e as Error)?.message,
      });
      return answer(500, 'internal error; see the function logs');
    }
  };
}

let cached: SlackHandler | undefined;

/** The Lambda entry point; the dependencies are built once per container, on first use. */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
  .use(httpHeaderNormalizer())
  .handler(async (event, context, opts) => {
    const { buildSlackDeps } = await import('../../lib/wiring-slack.js');
    cached ??= makeHandler(buildSlackDeps());
    return cached(event, context, opts);
  });
