/**
 * Operator actions: `promote|abort|pause|resume|retry C/NS/NAME` and
 * `approve C/NS/NAME [--gate G]`. The API stores the command; the next step applies it.
 */
import { idPath, noExtra, parse, parseCanaryId } from '../args.js';
import { clientFor } from '../client.js';
import type { Io } from '../io.js';
import type { Command, CommandContext } from './context.js';

export const actionNames = ['promote', 'abort', 'pause', 'resume', 'retry', 'approve'] as const;

export function usageOf(action: string): string {
  return action === 'approve'
    ? 'approve CLUSTER/NAMESPACE/NAME [--gate confirm-rollout|confirm-traffic-increase|confirm-promotion]'
    : `${action} CLUSTER/NAMESPACE/NAME`;
}

/** The command for one action name. */
export function actionCommand(action: (typeof actionNames)[number]): Command {
  return async (args: string[], io: Io, ctx: CommandContext) => {
    const { values, positionals } = parse(args, action === 'approve' ? { gate: { type: 'string' } } : {});
    if (values.help) return ctx.help(usageOf(action));
    noExtra(positionals, 1, usageOf(action));
    const id = parseCanaryId(positionals[0], values.cluster ?? io.env.FLAGGER_CLUSTER);
    const gate = typeof values.gate === 'string' ? values.gate : undefined;
    const client = clientFor(values, io, ctx.credentials);
    await client.call('POST', `${idPath(id)}/actions/${action}`, { query: { gate } });
    io.stdout.write(
      `${action}${gate ? ` (${gate})` : ''} requested for ${id.cluster}/${id.namespace}/${id.name}; the next step applies it\n`,
    );
    return 0;
  };
}
