/**
 * SQS consumer (batch size 1, partial batch failures): one sweep of one cluster's idle canaries
 * per message, sent by dispatch once a minute. A sweep that fails (the index unreadable, the
 * cluster record unresolvable) is reported back to SQS; the next minute brings a fresh one anyway.
 */
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { sweepCluster, type SweepDeps } from '../../lib/app/sweep.js';
import type { SweepMessage } from '../../lib/ports/queue.js';

export function makeHandler(deps: SweepDeps) {
  return async (
    event: SQSEvent,
    _context?: unknown,
    opts?: { signal?: AbortSignal },
  ): Promise<SQSBatchResponse> => {
    const signal = opts?.signal ?? AbortSignal.timeout(50_000);
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        const { cluster } = JSON.parse(record.body) as SweepMessage;
        const r = await sweepCluster(deps, cluster, signal);
        deps.logger.info('cluster swept', {
          cluster,
          canaries: r.canaries,
          lists: r.lists,
          stepped: r.stepped.length,
          ...(r.gitops && {
            canaryObjects: r.gitops.objects,
            registered: r.gitops.registered.length,
            deleted: r.gitops.deleted.length,
          }),
          ...(r.templates && {
            sourcedObjects: r.templates.objects,
            sourced: r.templates.stored.length,
            removed: r.templates.removed.length,
          }),
          reason: 'ClusterSwept',
        });
      } catch (e) {
        deps.logger.error('sweep failed', {
          messageId: record.messageId,
          error: (e as Error).message,
          reason: 'SweepFailed',
        });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  };
}

let cached: ReturnType<typeof makeHandler> | undefined;

export const handler = middy<SQSEvent, SQSBatchResponse>({ timeoutEarlyInMillis: 5_000 }).handler(
  async (event, context, opts) => {
    const { buildSweepDeps } = await import('../../lib/wiring-sweep.js');
    cached ??= makeHandler(buildSweepDeps());
    return cached(event, context, opts);
  },
);
