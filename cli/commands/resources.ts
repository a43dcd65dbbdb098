/**
 * `templates` and `alert-providers`: list, get, apply and delete the MetricTemplates and
 * AlertProviders the API stores (PUT/GET/DELETE /templates/{ns}/{name}, GET /templates), with
 * their secrets hidden by the API. `apply -f` takes Flagger's manifests (`kind: MetricTemplate`,
 * `kind: AlertProvider`), from a file, a multi-document file or a folder. Lists show where each
 * comes from (SOURCE: `api`, or the cluster it is sourced from, docs/gitops.md); `--cluster`
 * lists or gets what that cluster's canaries use.
 */
import { call, send, type Route } from '../api.js';
import { noExtra, parse } from '../args.js';
import { ApiError, clientFor, type ApiClient } from '../client.js';
import { alertProviderTable, templateTable, type AlertProviderItem, type TemplateItem } from '../format.js';
import { UsageError, type Io } from '../io.js';
import { isData, outputFormat, readFormats, render } from '../output.js';
import { mapLimit } from '../pool.js';
import {
  concurrency,
  inputOptions,
  printOutcomes,
  requireFiles,
  selectDocuments,
  type Outcome,
} from './apply.js';
import type { CommandSpec } from './context.js';

/** The collections of namespaced documents. */
type Collection = 'templates' | 'alert-providers';

/** The routes of one collection: the list, and one document by namespace and name. */
interface ResourceRoutes {
  list: Extract<Route, `GET /${Collection}`>;
  get: Extract<Route, `GET /${Collection}/{namespace}/{name}`>;
  put: Extract<Route, `PUT /${Collection}/{namespace}/{name}`>;
  remove: Extract<Route, `DELETE /${Collection}/{namespace}/{name}`>;
}

interface Resource {
  command: string;
  routes: ResourceRoutes;
  kind: string;
  noun: string;
  table(items: never[], wide: boolean): string;
}

const formats = [...readFormats, 'name'] as const;
const verbs = ['list', 'get', 'apply', 'delete'] as const;
const options = {
  ...inputOptions,
  output: { type: 'string', short: 'o' },
} as const;

function usageOf(r: Resource): string {
  return [
    `${r.command} [list] [-n NAMESPACE] [--cluster NAME] [-o json|yaml|wide|name]`,
    `${r.command} get NAMESPACE/NAME [--cluster NAME] [-o json|yaml|wide]`,
    `${r.command} apply -f FILE|DIR|- [-f …] [-n NAMESPACE]   (Flagger ${r.kind} manifests)`,
    `${r.command} delete NAMESPACE/NAME`,
  ].join('\n');
}

/** `NAMESPACE/NAME`, or `NAME` with -n. */
export function parseResourceId(
  text: string | undefined,
  namespace: string | undefined,
  noun: string,
): { namespace: string; name: string } {
  const parts = (text ?? '').split('/');
  if (parts.length === 2 && parts.every((p) => p !== '')) return { namespace: parts[0], name: parts[1] };
  if (parts.length === 1 && parts[0] !== '' && namespace) return { namespace, name: parts[0] };
  throw new UsageError(
    text
      ? `bad ${noun} id "${text}": expected NAMESPACE/NAME, or NAME with -n`
      : `missing ${noun} id: NAMESPACE/NAME`,
  );
}

type Values = ReturnType<typeof parse<typeof options>>['values'];

function command(r: Resource): CommandSpec['run'] {
  return async (args, io, ctx) => {
    const { values, positionals } = parse(args, options);
    if (values.help) return ctx.help(usageOf(r));
    const [verb = 'list', id, ...rest] = positionals;
    if (!(verbs as readonly string[]).includes(verb))
      throw new UsageError(`${r.command}: unknown subcommand "${verb}"; expected ${verbs.join(', ')}`);
    const ids = id === undefined ? [] : [id];
    noExtra(verb === 'get' || verb === 'delete' ? rest : [...ids, ...rest], 0, usageOf(r));
    const client = clientFor(values, io, ctx.credentials);
    if (verb === 'apply') return applyAll(r, client, values, io);
    if (verb === 'list') return list(r, client, values, io);
    const one = parseResourceId(id, values.namespace, r.noun);
    if (verb === 'delete') {
      await call(client, r.routes.remove, { params: one });
      io.stdout.write(`${r.noun} ${one.namespace}/${one.name} deleted\n`);
      return 0;
    }
    const format = outputFormat(values.output);
    const item = await call(client, r.routes.get, { params: one, query: { cluster: values.cluster } });
    io.stdout.write(
      isData(format) ? await render(item, format) : r.table([item as never], format === 'wide'),
    );
    return 0;
  };
}

async function list(r: Resource, client: ApiClient, values: Values, io: Io): Promise<number> {
  const format = outputFormat(values.output, formats);
  const { items } = await call(client, r.routes.list, {
    query: { namespace: values.namespace, cluster: values.cluster },
  });
  const names = items.map((i) => `${i.namespace}/${i.name}\n`);
  if (isData(format)) io.stdout.write(await render(items, format));
  else if (format === 'name') io.stdout.write(names.join(''));
  else if (items.length === 0) io.stderr.write(`no ${r.noun}s found\n`);
  else io.stdout.write(r.table(items as never[], format === 'wide'));
  return 0;
}

/** PUTs every document of the input's kind; one line each and a summary, as `apply` does. */
async function applyAll(r: Resource, client: ApiClient, values: Values, io: Io): Promise<number> {
  const docs = await selectDocuments(io, requireFiles(values.file, usageOf(r)), r.kind, values.namespace);
  const missing = docs.find((d) => !d.name);
  if (missing) throw new UsageError(`${missing.manifest.source}: ${r.kind} has no metadata.name`);
  const outcomes = await mapLimit(docs, concurrency, async (d): Promise<Outcome> => {
    const label = `${r.noun} ${d.namespace}/${d.name}`;
    const params = { namespace: d.namespace, name: d.name };
    try {
      // The user's document, as read: the API validates it and names what is wrong.
      const text = JSON.stringify(d.body);
      const res = await send(client, r.routes.put, { params, text, contentType: 'application/json' });
      // A cluster that sources its own object of that name uses it instead (docs/gitops.md).
      const warnings = res.body?.warnings ?? [];
      return { label, result: res.status === 201 ? 'created' : 'updated', warnings };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error; // unreachable API, Ctrl-C: stop here
      return { label, warnings: [], error };
    }
  });
  return printOutcomes(outcomes, io);
}

function resourceSpec(r: Resource): CommandSpec {
  return {
    name: r.command,
    usage: usageOf(r),
    options,
    formats,
    operand: { kind: 'words', words: verbs, ids: true },
    run: command(r),
  };
}

export const templatesSpec = resourceSpec({
  command: 'templates',
  routes: {
    list: 'GET /templates',
    get: 'GET /templates/{namespace}/{name}',
    put: 'PUT /templates/{namespace}/{name}',
    remove: 'DELETE /templates/{namespace}/{name}',
  },
  kind: 'MetricTemplate',
  noun: 'metric template',
  table: (items: TemplateItem[], wide) => templateTable(items, wide),
});

export const alertProvidersSpec = resourceSpec({
  command: 'alert-providers',
  routes: {
    list: 'GET /alert-providers',
    get: 'GET /alert-providers/{namespace}/{name}',
    put: 'PUT /alert-providers/{namespace}/{name}',
    remove: 'DELETE /alert-providers/{namespace}/{name}',
  },
  kind: 'AlertProvider',
  noun: 'alert provider',
  table: (items: AlertProviderItem[], wide) => alertProviderTable(items, wide),
});
