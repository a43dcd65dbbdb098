/**
 * `promote | abort | pause | resume | retry | approve C/NS/NAME`: POST …/actions/{action}; the API
 * stores the command and queues the step that applies it. An action that does not apply now is
 * refused with 409 and the reason ("no pending gate", "nothing to promote in phase X"): exit 3.
 */
import type { ConfirmGate } from '../../lib/domain/status.js';
import { call } from '../api.js';
import { noExtra, parse, parseCanaryId } from '../args.js';
import { clientFor } from '../client.js';
import type { Io } from '../io.js';
import type { CommandContext, CommandSpec } from './context.js';

const actionNames = ['promote', 'abort', 'pause', 'resume', 'retry', 'approve'] as const;
type Action = (typeof actionNames)[number];

/** The confirmation gates `approve --gate` names. */
export const gates = [
  'confirm-rollout',
  'confirm-traffic-increase',
  'confirm-promotion',
] as const satisfies readonly ConfirmGate[];

function usageOf(action: Action): string {
  return action === 'approve'
    ? `approve CLUSTER/NAMESPACE/NAME [--gate ${gates.join('|')}]`
    : `${action} CLUSTER/NAMESPACE/NAME`;
}

const approveOptions = { gate: { type: 'string' } } as const;

function actionCommand(action: Action): CommandSpec['run'] {
  return async (args: string[], io: Io, ctx: CommandContext) => {
    const { values, positionals } = parse<{ gate?: { type: 'string' } }>(
      args,
      action === 'approve' ? approveOptions : {},
    );
    if (values.help) return ctx.help(usageOf(action));
    noExtra(positionals, 1, usageOf(action));
    const id = parseCanaryId(positionals[0], values.cluster ?? io.env.FLAGGER_CLUSTER);
    // As the user wrote it: the API checks it (query.gate) and names the gates it knows.
    const gate = typeof values.gate === 'string' ? (values.gate as ConfirmGate) : undefined;
    const client = clientFor(values, io, ctx.credentials);
    await call(client, 'POST /canaries/{cluster}/{namespace}/{name}/actions/{action}', {
      params: { ...id, action },
      query: { gate },
    });
    io.stdout.write(
      `${action}${gate ? ` (${gate})` : ''} requested for ${id.cluster}/${id.namespace}/${id.name}; the next step applies it\n`,
    );
    return 0;
  };
}

export const actionSpecs: CommandSpec[] = actionNames.map((action) => ({
  name: action,
  usage: usageOf(action),
  options: action === 'approve' ? approveOptions : {},
  operand: { kind: 'canary' },
  run: actionCommand(action),
}));
