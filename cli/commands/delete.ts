/**
 * `delete CLUSTER/NAMESPACE/NAME`: DELETE /canaries/…. 204: gone. 202: a step acts first — the
 * canary has `revertOnDeletion` (its steps revert the target, Terminating → Terminated), or traffic
 * is still on the canary (routed back to the primary) — then the record goes; the API's message
 * says which. Either way exit 0.
 */
import { send } from '../api.js';
import { noExtra, parse, parseCanaryId } from '../args.js';
import { clientFor } from '../client.js';
import type { Io } from '../io.js';
import type { CommandContext, CommandSpec } from './context.js';

const usage = 'delete CLUSTER/NAMESPACE/NAME';

async function remove(args: string[], io: Io, ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (values.help) return ctx.help(usage);
  noExtra(positionals, 1, usage);
  const id = parseCanaryId(positionals[0], values.cluster ?? io.env.FLAGGER_CLUSTER);
  const client = clientFor(values, io, ctx.credentials);
  const r = await send(client, 'DELETE /canaries/{cluster}/{namespace}/{name}', { params: id });
  const label = `canary ${id.cluster}/${id.namespace}/${id.name}`;
  io.stdout.write(
    r.status === 202
      ? `${label} is being deleted: ${r.body?.message ?? 'a step acts first'}\n`
      : `${label} deleted\n`,
  );
  return 0;
}

export const spec: CommandSpec = {
  name: 'delete',
  usage,
  options: {},
  operand: { kind: 'canary' },
  run: remove,
};
