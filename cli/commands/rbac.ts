/**
 * `cluster-rbac CLUSTER [--namespaces a,b | --cluster-wide]`: prints the RBAC (YAML, for
 * `kubectl apply -f -`) that lets the functions reach in-cluster addresses of a cluster through its
 * service proxy — the ClusterRole and a RoleBinding per namespace the cluster record lists.
 */
import { call } from '../api.js';
import { noExtra, parse } from '../args.js';
import { clientFor } from '../client.js';
import { UsageError, type Io } from '../io.js';
import { SERVICE_PROXY_ROLE, serviceProxyBindings } from '../rbac.js';
import type { CommandContext, CommandSpec } from './context.js';

const usage = 'cluster-rbac CLUSTER [--namespaces A,B | --cluster-wide]   (service-proxy RBAC as YAML)';
const options = {
  namespaces: { type: 'string' },
  'cluster-wide': { type: 'boolean' },
} as const;

async function run(args: string[], io: Io, ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, options);
  if (values.help) return ctx.help(usage);
  noExtra(positionals, 1, usage);
  const [cluster] = positionals;
  if (!cluster) throw new UsageError(`cluster-rbac needs a cluster name\nusage: ${usage}`);
  if (values.namespaces && values['cluster-wide'])
    throw new UsageError('--namespaces and --cluster-wide exclude each other');
  let namespaces: string[] | 'cluster-wide' | undefined = values['cluster-wide']
    ? 'cluster-wide'
    : values.namespaces
        ?.split(',')
        .map((n) => n.trim())
        .filter(Boolean);
  if (!namespaces) {
    const client = clientFor(values, io, ctx.credentials);
    const record = await call(client, 'GET /clusters/{cluster}', { params: { cluster } });
    namespaces = record.serviceProxy?.namespaces;
    if (!namespaces?.length)
      throw new UsageError(
        `cluster ${cluster} lists no serviceProxy.namespaces; pass --namespaces A,B, or --cluster-wide (see docs/security.md)`,
      );
  }
  io.stdout.write(`${SERVICE_PROXY_ROLE}---\n${serviceProxyBindings(namespaces)}`);
  return 0;
}

export const spec: CommandSpec = { name: 'cluster-rbac', usage, options, run };
