/**
 * `diff -f FILE|DIR|- [--cluster NAME] [-n NAMESPACE]`: what `apply` would change, as a unified
 * diff of each Canary against the manifest the API stores. Exit 0 when nothing would change, 1 when
 * something would (as `kubectl diff`), 64 for input the API would refuse, 4 for an API error.
 *
 * Both sides are normalised by the API's own parser (lib/domain/spec/parse.ts: v1alpha3
 * `canaryAnalysis` → `analysis`, the default namespace) and printed as YAML with sorted keys.
 * Only apiVersion, kind, name, namespace and spec are compared: the API does not return labels or
 * annotations. The API masks secrets (lib/domain/redaction.ts), so the local side is masked by the
 * same rule: a change of a webhook's password or token alone shows no difference.
 */
import { call } from '../api.js';
import { noExtra, parse } from '../args.js';
import { ApiError, clientFor } from '../client.js';
import { unifiedDiff } from '../diff.js';
import type { Placed } from '../documents.js';
import { exitCodes } from '../exit-codes.js';
import { UsageError, type Io } from '../io.js';
import { mapLimit } from '../pool.js';
import { concurrency, inputOptions, requireFiles, selectDocuments } from './apply.js';
import type { CommandContext, CommandSpec } from './context.js';

const usage = 'diff -f FILE|DIR|- [-f …] [--cluster NAME] [-n NAMESPACE]';

async function diff(args: string[], io: Io, ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, inputOptions);
  if (values.help) return ctx.help(usage);
  noExtra(positionals, 0, usage);
  const files = requireFiles(values.file, usage);
  const cluster = values.cluster ?? io.env.FLAGGER_CLUSTER;
  if (!cluster)
    throw new UsageError('diff needs --cluster NAME (or FLAGGER_CLUSTER) of a registered cluster');
  const local = await normalise(await selectDocuments(io, files, 'Canary', values.namespace));
  const client = clientFor(values, io, ctx.credentials);
  const { stringify } = await import('../lazy.js');
  const { canonicalJson } = await import('../../lib/domain/canonical.js');
  const asYaml = (v: unknown) => stringify(JSON.parse(canonicalJson(v)), { lineWidth: 0 });
  const diffs = await mapLimit(local, concurrency, async ({ source, manifest }) => {
    const id = { cluster, namespace: manifest.metadata.namespace, name: manifest.metadata.name };
    const stored = await storedManifest(client, id);
    const label = `${id.cluster}/${id.namespace}/${id.name}`;
    return unifiedDiff(
      stored ? asYaml(stored) : '',
      asYaml(manifest),
      stored ? `${label} (stored)` : `${label} (not registered)`,
      `${label} (${source})`,
    );
  });
  io.stdout.write(diffs.join(''));
  return diffs.some((d) => d !== '') ? exitCodes.differences : exitCodes.ok;
}

interface Comparable {
  apiVersion: string;
  kind: 'Canary';
  metadata: { name: string; namespace: string };
  spec: unknown;
}

/** Each document as the API would store it; field errors (all of them) are a usage error. */
async function normalise(docs: Placed[]): Promise<{ source: string; manifest: Comparable }[]> {
  const { parseCanary, formatErrors } = await import('../../lib/domain/spec/parse.js');
  const { canarySecrets, redactJson } = await import('../../lib/domain/redaction.js');
  const errors: string[] = [];
  const out = docs.flatMap((d) => {
    const r = parseCanary(d.body);
    if (!r.ok) {
      errors.push(
        ...formatErrors(r.errors)
          .split('\n')
          .map((l) => `${d.manifest.source}: ${l}`),
      );
      return [];
    }
    const { apiVersion, metadata, spec } = r.canary;
    const manifest: Comparable = {
      apiVersion,
      kind: 'Canary',
      metadata: { name: metadata.name, namespace: metadata.namespace },
      spec: redactJson(spec, canarySecrets(r.canary)),
    };
    return [{ source: d.manifest.source, manifest }];
  });
  if (errors.length > 0) throw new UsageError(errors.join('\n'));
  return out;
}

async function storedManifest(
  client: ReturnType<typeof clientFor>,
  id: { cluster: string; namespace: string; name: string },
): Promise<Comparable | undefined> {
  try {
    const s = await call(client, 'GET /canaries/{cluster}/{namespace}/{name}', { params: id });
    return {
      apiVersion: s.apiVersion,
      kind: 'Canary',
      metadata: { name: s.name, namespace: s.namespace },
      spec: s.spec,
    };
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return undefined;
    throw e;
  }
}

export const spec: CommandSpec = { name: 'diff', usage, options: inputOptions, run: diff };
