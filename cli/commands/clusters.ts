/**
 * `clusters [-o json|yaml|wide|name]` lists registered clusters; `register-cluster -f FILE|-`
 * registers or updates one.
 */
import { call, send } from '../api.js';
import { noExtra, parse } from '../args.js';
import { clientFor } from '../client.js';
import { clusterTable } from '../format.js';
import { readInput, UsageError, type Io } from '../io.js';
import { isData, outputFormat, readFormats, render } from '../output.js';
import type { CommandContext, CommandSpec } from './context.js';

const clustersUsage = 'clusters [-o json|yaml|wide|name]';
const registerUsage =
  'register-cluster -f FILE|-   (JSON or YAML: {name, kind: eks|kubeconfig|endpoint, ...})';
const formats = [...readFormats, 'name'] as const;
const listOptions = { output: { type: 'string', short: 'o' } } as const;
const fileOptions = { file: { type: 'string', short: 'f' } } as const;

async function clusters(args: string[], io: Io, ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, listOptions);
  if (values.help) return ctx.help(clustersUsage);
  noExtra(positionals, 0, clustersUsage);
  const format = outputFormat(values.output, formats);
  const { items } = await call(clientFor(values, io, ctx.credentials), 'GET /clusters');
  if (isData(format)) io.stdout.write(await render(items, format));
  else if (format === 'name') io.stdout.write(items.map((c) => `${c.name}\n`).join(''));
  else if (items.length === 0) io.stderr.write('no clusters registered\n');
  else io.stdout.write(clusterTable(items, format === 'wide'));
  return 0;
}

async function registerCluster(args: string[], io: Io, ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, fileOptions);
  if (values.help) return ctx.help(registerUsage);
  noExtra(positionals, 0, registerUsage);
  if (!values.file) throw new UsageError('register-cluster needs -f FILE (or -f - for standard input)');
  const body = await readInput(io, values.file);
  const contentType = body.trimStart().startsWith('{') ? 'application/json' : 'application/yaml';
  const r = await send(clientFor(values, io, ctx.credentials), 'POST /clusters', {
    text: body,
    contentType,
    idempotent: true,
  });
  io.stdout.write(`cluster ${r.body.name} ${r.status === 201 ? 'registered' : 'updated'}\n`);
  return 0;
}

export const clustersSpec: CommandSpec = {
  name: 'clusters',
  usage: clustersUsage,
  options: listOptions,
  formats,
  run: clusters,
};

export const registerSpec: CommandSpec = {
  name: 'register-cluster',
  usage: registerUsage,
  options: fileOptions,
  run: registerCluster,
};
