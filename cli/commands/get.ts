/**
 * `get [canaries] [-A | --cluster C] [-n NS] [-o json|yaml]` lists canaries;
 * `get canary C/NS/NAME [-o json|yaml]` shows one (the full API answer with -o).
 */
import { idPath, noExtra, parse, parseCanaryId } from '../args.js';
import { clientFor } from '../client.js';
import { canaryTable, type CanaryRow } from '../format.js';
import { UsageError, type Io } from '../io.js';
import { outputFormat, render } from '../output.js';
import type { CommandContext } from './context.js';

export const usage =
  'get [canaries] [-A | --cluster NAME] [-n NAMESPACE] [-o json|yaml]\nget canary CLUSTER/NAMESPACE/NAME [-o json|yaml]';

const options = {
  all: { type: 'boolean', short: 'A' },
  namespace: { type: 'string', short: 'n' },
  output: { type: 'string', short: 'o' },
} as const;

export async function get(args: string[], io: Io, ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, options);
  if (values.help) return ctx.help(usage);
  const format = outputFormat(values.output);
  const [kind, id, ...rest] = positionals[0]?.includes('/') ? ['canary', ...positionals] : positionals;
  if (kind !== undefined && !['canary', 'canaries'].includes(kind)) {
    throw new UsageError(`cannot get "${kind}": expected canaries or canary ID (clusters: use "clusters")`);
  }
  noExtra(rest, 0, usage);
  const client = clientFor(values, io, ctx.credentials);
  const now = (io.now ?? Date.now)();
  if (id !== undefined) {
    const one = await client.call<CanaryRow>(
      'GET',
      idPath(parseCanaryId(id, values.cluster ?? io.env.FLAGGER_CLUSTER)),
    );
    io.stdout.write(format === 'table' ? canaryTable([one], now) : render(one, format));
    return 0;
  }
  if (values.all && values.cluster)
    throw new UsageError('use either -A (all clusters) or --cluster NAME, not both');
  const cluster = values.all ? undefined : (values.cluster ?? io.env.FLAGGER_CLUSTER);
  const list = await client.call<{ items: CanaryRow[] }>('GET', '/canaries', {
    query: { cluster, namespace: values.namespace },
  });
  if (format !== 'table') io.stdout.write(render(list.items, format));
  else if (list.items.length === 0) io.stderr.write('no canaries found\n');
  else io.stdout.write(canaryTable(list.items, now));
  return 0;
}
