/**
 * `grants`: who may do what (docs/security.md) — list the grants you administer, add (or replace)
 * one, remove one: GET /grants, PUT and DELETE /grants/{name}.
 */
import { call, send } from '../api.js';
import { noExtra, parse } from '../args.js';
import { clientFor } from '../client.js';
import { table } from '../format.js';
import { UsageError } from '../io.js';
import { isData, outputFormat, readFormats, render } from '../output.js';
import type { CommandSpec } from './context.js';
import type { GrantBody, GrantView } from '../../functions/api/contract.js';

const verbs = ['list', 'add', 'remove'] as const;
const formats = [...readFormats, 'name'] as const;
const usage = [
  'grants [list] [-o json|yaml|name]',
  'grants add NAME --principal P --actions read|register|approve|operate|admin[,…] --cluster C|* -n NS|*',
  'grants remove NAME',
].join('\n');
const options = {
  output: { type: 'string', short: 'o' },
  principal: { type: 'string' },
  actions: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
} as const;

const run: CommandSpec['run'] = async (args, io, ctx) => {
  const { values, positionals } = parse(args, options);
  if (values.help) return ctx.help(usage);
  const [verb = 'list', name, ...rest] = positionals;
  if (!(verbs as readonly string[]).includes(verb))
    throw new UsageError(`grants: unknown subcommand "${verb}"; expected ${verbs.join(', ')}`);
  const client = clientFor(values, io, ctx.credentials);
  if (verb === 'list') {
    noExtra(name === undefined ? [] : [name], 0, usage);
    const format = outputFormat(values.output, formats);
    const r = await call(client, 'GET /grants');
    if (isData(format)) io.stdout.write(await render(r, format));
    else if (format === 'name') io.stdout.write(r.items.map((g) => `${g.name}\n`).join(''));
    else if (r.items.length + (r.bootstrapAdmins?.length ?? 0) === 0)
      io.stderr.write('no grants you administer\n');
    else io.stdout.write(grantTable(r.items, r.bootstrapAdmins ?? []));
    return 0;
  }
  noExtra(rest, 0, usage);
  if (!name) throw new UsageError(`grants ${verb}: missing the grant's NAME`);
  const params = { grant: name };
  if (verb === 'remove') {
    await call(client, 'DELETE /grants/{grant}', { params });
    io.stdout.write(`grant ${name} removed\n`);
    return 0;
  }
  const missing = (['principal', 'actions', 'cluster', 'namespace'] as const).filter((k) => !values[k]);
  if (missing.length > 0)
    throw new UsageError(
      `grants add: missing ${missing.map((k) => `--${k}`).join(', ')} (write * for every)`,
    );
  const json: GrantBody = {
    principal: values.principal!,
    // Checked by the API, which names the action it does not know.
    actions: values.actions!.split(',').map((a) => a.trim()) as GrantBody['actions'],
    cluster: values.cluster!,
    namespace: values.namespace!,
  };
  const r = await send(client, 'PUT /grants/{grant}', { params, json });
  io.stdout.write(`grant ${name} ${r.status === 201 ? 'added' : 'replaced'}\n`);
  return 0;
};

/** The bootstrap admins (ADMIN_PRINCIPALS) first, as `(bootstrap)`, then the stored grants. */
function grantTable(items: readonly GrantView[], bootstrap: string[]): string {
  const rows = items.map((g) => [g.name, g.principal, g.actions.join(','), g.cluster, g.namespace]);
  const admins = bootstrap.map((p) => ['(bootstrap)', p, 'admin', '*', '*']);
  return table(['NAME', 'PRINCIPAL', 'ACTIONS', 'CLUSTER', 'NAMESPACE'], [...admins, ...rows]);
}

export const spec: CommandSpec = {
  name: 'grants',
  usage,
  options,
  formats,
  operand: { kind: 'words', words: verbs },
  run,
};
