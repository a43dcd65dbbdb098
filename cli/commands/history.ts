/** `history C/NS/NAME [--limit N] [-o json|yaml|wide]`: steps, operator actions and registrations, newest first. */
import { call } from '../api.js';
import { noExtra, parse, parseCanaryId, parseCount } from '../args.js';
import { clientFor } from '../client.js';
import { historyTable } from '../format.js';
import type { Io } from '../io.js';
import { isData, outputFormat, readFormats, render } from '../output.js';
import type { CommandContext, CommandSpec } from './context.js';

const usage = 'history CLUSTER/NAMESPACE/NAME [--limit N] [-o json|yaml|wide]';
const options = { limit: { type: 'string' }, output: { type: 'string', short: 'o' } } as const;

async function history(args: string[], io: Io, ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, options);
  if (values.help) return ctx.help(usage);
  noExtra(positionals, 1, usage);
  const id = parseCanaryId(positionals[0], values.cluster ?? io.env.FLAGGER_CLUSTER);
  const limit = values.limit === undefined ? 20 : parseCount(values.limit, 'limit');
  const format = outputFormat(values.output);
  const client = clientFor(values, io, ctx.credentials);
  const { items } = await call(client, 'GET /canaries/{cluster}/{namespace}/{name}/history', {
    params: id,
    query: { limit: String(limit) },
  });
  io.stdout.write(isData(format) ? await render(items, format) : historyTable(items, format === 'wide'));
  return 0;
}

export const spec: CommandSpec = {
  name: 'history',
  usage,
  options,
  formats: readFormats,
  operand: { kind: 'canary' },
  run: history,
};
