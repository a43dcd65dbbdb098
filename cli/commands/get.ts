/**
 * `get [canaries] [-A | --cluster C] [-n NS] [-o json|yaml|wide|name]` lists canaries;
 * `get canary C/NS/NAME [-o json|yaml|wide]` shows one (the full API answer with json/yaml).
 */
import { call } from '../api.js';
import { noExtra, parse, parseCanaryId } from '../args.js';
import { clientFor } from '../client.js';
import { canaryNames, canaryTable } from '../format.js';
import { UsageError, type Io } from '../io.js';
import { isData, outputFormat, readFormats, render } from '../output.js';
import type { CommandContext, CommandSpec } from './context.js';

const usage =
  'get [canaries] [-A | --cluster NAME] [-n NAMESPACE] [-o json|yaml|wide|name]\nget canary CLUSTER/NAMESPACE/NAME [-o json|yaml|wide|name]';

const formats = [...readFormats, 'name'] as const;
const options = {
  all: { type: 'boolean', short: 'A' },
  namespace: { type: 'string', short: 'n' },
  output: { type: 'string', short: 'o' },
} as const;

async function get(args: string[], io: Io, ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, options);
  if (values.help) return ctx.help(usage);
  const format = outputFormat(values.output, formats);
  const [kind, id, ...rest] = positionals[0]?.includes('/') ? ['canary', ...positionals] : positionals;
  if (kind !== undefined && !['canary', 'canaries'].includes(kind)) {
    throw new UsageError(
      `cannot get "${kind}": expected canaries or canary ID (see "clusters", "templates", "alert-providers")`,
    );
  }
  noExtra(rest, 0, usage);
  const client = clientFor(values, io, ctx.credentials);
  const now = (io.now ?? Date.now)();
  if (id !== undefined) {
    const one = await call(client, 'GET /canaries/{cluster}/{namespace}/{name}', {
      params: parseCanaryId(id, values.cluster ?? io.env.FLAGGER_CLUSTER),
    });
    io.stdout.write(
      isData(format)
        ? await render(one, format)
        : format === 'name'
          ? canaryNames([one])
          : canaryTable([one], now, format === 'wide'),
    );
    return 0;
  }
  if (values.all && values.cluster)
    throw new UsageError('use either -A (all clusters) or --cluster NAME, not both');
  const cluster = values.all ? undefined : (values.cluster ?? io.env.FLAGGER_CLUSTER);
  const { items } = await call(client, 'GET /canaries', {
    query: { cluster, namespace: values.namespace },
  });
  if (isData(format)) io.stdout.write(await render(items, format));
  else if (format === 'name') io.stdout.write(canaryNames(items));
  else if (items.length === 0) io.stderr.write('no canaries found\n');
  else io.stdout.write(canaryTable(items, now, format === 'wide'));
  return 0;
}

export const spec: CommandSpec = {
  name: 'get',
  usage,
  options,
  formats,
  operand: { kind: 'canary' },
  run: get,
};
