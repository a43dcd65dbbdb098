/** Grants as the API receives them, and the deployment's bootstrap admins as grants. */
import { z } from 'zod';
import type { FieldError } from '../spec/errors.js';
import { label, nameSchema } from '../spec/names.js';
import { actions, type Grant } from './authorize.js';
import { principalProblem } from './principals.js';

const scopePart = z.union([z.literal('*'), nameSchema(label)]);
export const grantBody = z.strictObject({
  principal: z.string().superRefine((p, ctx) => {
    const problem = principalProblem(p);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  actions: z
    .array(z.enum(actions))
    .min(1)
    .max(actions.length)
    .refine((a) => new Set(a).size === a.length, 'expected each action once'),
  cluster: scopePart,
  namespace: scopePart,
});

/**
 * A grant body `{ principal, actions, cluster, namespace }` named `name` (from the path). Cluster
 * and namespace are required: `*` must be written, never assumed. Invalid: the field errors.
 */
export function parseGrant(
  body: unknown,
  name: string,
): { ok: true; grant: Grant } | { ok: false; errors: FieldError[] } {
  const r = grantBody.safeParse(body);
  if (!r.success)
    return {
      ok: false,
      errors: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    };
  return { ok: true, grant: { name, ...r.data } };
}
