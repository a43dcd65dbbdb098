/**
 * SQS consumer (batch size 1, partial batch failures): one analysis step of one canary per
 * message. A step that fails inside (cluster down, webhook error) is explained and rescheduled by
 * the use case itself; only infrastructure errors (store unreachable) are reported back to SQS,
 * which redelivers and finally moves the message to the DLQ.
 */
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { runStep, type StepDeps } from '../../lib/app/run-step.js';
import { STEP_DEADLINE_MS } from '../../lib/app/step-deadline.js';
import type { StepMessage } from '../../lib/ports/queue.js';
import { recordOutcome, type MetricsSink } from './metrics.js';

export function makeHandler(deps: StepDeps, metrics?: MetricsSink) {
  return async (
    event: SQSEvent,
    _context?: unknown,
    opts?: { signal?: AbortSignal },
  ): Promise<SQSBatchResponse> => {
    const signal = opts?.signal ?? AbortSignal.timeout(STEP_DEADLINE_MS);
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        const message = JSON.parse(record.body) as StepMessage;
        const outcome = await runStep(deps, message.key, signal, {
          action: message.action === true,
          seenAt: message.seenAt,
        });
        if (metrics) recordOutcome(metrics, outcome);
        deps.logger.info('step outcome', {
          outcome: outcome.kind,
          ...(outcome.kind === 'skipped' ? { why: outcome.why } : {}),
        });
      } catch (e) {
        deps.logger.error('step could not run', { messageId: record.messageId, error: (e as Error).message });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  };
}

let cached: ReturnType<typeof makeHandler> | undefined;
const metrics = new Metrics({ namespace: 'FlaggerServerless', serviceName: 'step' });

export const handler = middy<SQSEvent, SQSBatchResponse>({ timeoutEarlyInMillis: 5_000 })
  .use(logMetrics(metrics))
  .handler(async (event, context, opts) => {
    const { buildStepDeps } = await import('../../lib/wiring-step.js');
    cached ??= makeHandler(buildStepDeps(), metrics);
    return cached(event, context, opts);
  });
