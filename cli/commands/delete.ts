/**
 * `delete CLUSTER/NAMESPACE/NAME`: DELETE /canaries/…. 204: gone. 202: the canary has
 * `revertOnDeletion`, so its steps revert the target first (Terminating → Terminated), then the
 * record goes. Either way exit 0.
 */
import { idPath, noExtra, parse, parseCanaryId } from '../args.js';
import { clientFor } from '../client.js';
import type { Io } from '../io.js';
import type { CommandContext, CommandSpec } from './context.js';

const usage = 'delete CLUSTER/NAMESPACE/NAME';

async function remove(args: string[], io: Io, ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (values.help) return ctx.help(usage);
  noExtra(positionals, 1, usage);
  const id = parseCanaryId(positionals[0], values.cluster ?? io.env.FLAGGER_CLUSTER);
  const r = await clientFor(values, io, ctx.credentials).request('DELETE', idPath(id));
  const label = `canary ${id.cluster}/${id.namespace}/${id.name}`;
  io.stdout.write(
    r.status === 202
      ? `${label} is being deleted: revertOnDeletion reverts the target first (Terminating → Terminated)\n`
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
