/**
 * One SQS batch (batch size 1, partial batch failures): one analysis step of one canary per
 * message. A step that fails inside (cluster down, webhook error) is explained and rescheduled by
 * the use case itself; only infrastructure errors (store unreachable) are reported back to SQS,
 * which redelivers and finally moves the message to the DLQ.
 *
 * Apart from handler.ts so that the handler module loads without the use case: handler.ts imports
 * this with the wiring on the first invocation (docs/architecture.md, "Cold start").
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
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
