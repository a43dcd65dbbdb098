/**
 * The step function: SQS messages, one analysis step each (batch.ts). The module holds middy and
 * the metrics only; the use case and the wiring (client-node, the AWS SDK clients) come with the
 * first invocation, through `await import()`, which the bundle keeps as chunks of their own — so
 * the module loads in well under 2× bare node (docs/architecture.md, "Cold start").
 */
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { makeHandler } from './batch.js';

let cached: ReturnType<typeof makeHandler> | undefined;
const metrics = new Metrics({ namespace: 'FlaggerServerless', serviceName: 'step' });

export const handler = middy<SQSEvent, SQSBatchResponse>({ timeoutEarlyInMillis: 5_000 })
  .use(logMetrics(metrics))
  .handler(async (event, context, opts) => {
    if (!cached) {
      const [{ buildStepDeps }, { makeHandler }] = await Promise.all([
        import('../../lib/wiring-step.js'),
        import('./batch.js'),
      ]);
      cached = makeHandler(buildStepDeps(), metrics);
    }
    return cached(event, context, opts);
  });
