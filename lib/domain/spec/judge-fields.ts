/**
 * The judge's fields in the Canary spec (docs/analysis.md "Turning it on"): `analysis.judge` and
 * `analysis.metrics[].compare`. Additions to Flagger's schema; without them a Canary means what
 * it means in Flagger. Semantic rules and defaults: lib/domain/judge/spec.ts.
 */
import { z } from 'zod';

/** `analysis.metrics[].compare`. */
export const metricCompare = z.looseObject({
  against: z.enum(['primary', 'none']).optional(),
  margin: z.number().positive().optional(),
  tolerance: z.number().min(0).optional(),
  confidence: z.number().gt(0.5).lt(1).optional(),
});

/** `analysis.judge`. */
export const analysisJudge = z.looseObject({
  enabled: z.boolean().optional(),
  confidence: z.number().gt(0.5).lt(1).optional(),
  advance: z.enum(['unlessFail', 'onPass']).optional(),
  failFast: z.boolean().optional(),
  inconclusive: z
    .looseObject({
      maxSteps: z.number().int().min(1).optional(),
      outcome: z.enum(['hold', 'fail', 'proceed']).optional(),
    })
    .optional(),
});
