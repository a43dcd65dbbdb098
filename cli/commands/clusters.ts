/** `clusters [-o json|yaml]` lists registered clusters; `register-cluster -f FILE|-` registers or updates one. */
import { noExtra, parse } from '../args.js';
import { clientFor } from '../client.js';
import { clusterTable, type ClusterItem } from '../format.js';
import { readInput, UsageError, type Io } from '../io.js';
import { outputFormat, render } from '../output.js';
import type { CommandContext } from './context.js';

export const clustersUsage = 'clusters [-o json|yaml]';
export const registerUsage =
  'register-cluster -f FILE|-   (JSON or YAML: {name, kind: eks|kubeconfig|endpoint, ...})';

export async function clusters(args: string[], io: Io, ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, { output: { type: 'string', short: 'o' } });
  if (values.help) return ctx.help(clustersUsage);
  noExtra(positionals, 0, clustersUsage);
  const format = outputFormat(values.output);
  const { items } = await clientFor(values, io, ctx.credentials).call<{ items: ClusterItem[] }>(
    'GET',
    '/clusters',
  );
  if (format !== 'table') io.stdout.write(render(items, format));
  else if (items.length === 0) io.stderr.write('no clusters registered\n');
  else io.stdout.write(clusterTable(items));
  return 0;
}

export async function registerCluster(args: string[], io: Io, ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, { file: { type: 'string', short: 'f' } });
  if (values.help) return ctx.help(registerUsage);
  noExtra(positionals, 0, registerUsage);
  if (!values.file) throw new UsageError('register-cluster needs -f FILE (or -f - for standard input)');
  const body = await readInput(io, values.file);
  const contentType = body.trimStart().startsWith('{') ? 'application/json' : 'application/yaml';
  const r = await clientFor(values, io, ctx.credentials).request<ClusterItem>('POST', '/clusters', {
    body,
    contentType,
  });
  io.stdout.write(`cluster ${r.body.name} ${r.status === 201 ? 'registered' : 'updated'}\n`);
  return 0;
}
