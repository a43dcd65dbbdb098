/** `apply -f FILE|- [--cluster NAME]`: POST /canaries?cluster=NAME, like kubectl apply. */
import { noExtra, parse } from '../args.js';
import { clientFor } from '../client.js';
import { readInput, UsageError, type Io } from '../io.js';
import type { CommandContext } from './context.js';

export const usage = 'apply -f FILE|- [--cluster NAME]';

interface Applied {
  cluster: string;
  namespace: string;
  name: string;
  warnings?: string[];
  unchanged?: boolean;
}

export async function apply(args: string[], io: Io, ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, { file: { type: 'string', short: 'f' } });
  if (values.help) return ctx.help(usage);
  noExtra(positionals, 0, usage);
  if (!values.file) throw new UsageError(`apply needs -f FILE (or -f - for standard input); usage: ${usage}`);
  const cluster = values.cluster ?? io.env.FLAGGER_CLUSTER;
  if (!cluster)
    throw new UsageError('apply needs --cluster NAME (or FLAGGER_CLUSTER) of a registered cluster');
  const body = await readInput(io, values.file);
  const client = clientFor(values, io, ctx.credentials);
  const contentType = body.trimStart().startsWith('{') ? 'application/json' : 'application/yaml';
  const r = await client.request<Applied>('POST', '/canaries', { query: { cluster }, body, contentType });
  for (const w of r.body.warnings ?? []) io.stderr.write(`warning: ${w}\n`);
  io.stdout.write(
    `canary ${r.body.cluster}/${r.body.namespace}/${r.body.name} ${r.status === 201 ? 'created' : r.body.unchanged ? 'unchanged' : 'updated'}\n`,
  );
  return 0;
}
