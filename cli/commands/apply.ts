/**
 * `apply -f FILE|DIR|- [-f …] [--cluster NAME] [-n NAMESPACE]`: every Canary of the input (a
 * manifest, a multi-document file, a Flux/kustomize folder) POSTed to /canaries?cluster=NAME like
 * `kubectl apply`, with a summary when there are several. Other kinds are skipped with a note.
 */
import { noExtra, parse } from '../args.js';
import { send } from '../api.js';
import { ApiError, clientFor } from '../client.js';
import { loadManifests, ofKind, place, type Placed } from '../documents.js';
import { exitCodes } from '../exit-codes.js';
import { UsageError, type Io } from '../io.js';
import { mapLimit } from '../pool.js';
import { exitCodeFor, failureLines } from '../report.js';
import type { CommandContext, CommandSpec } from './context.js';

const usage = 'apply -f FILE|DIR|- [-f …] [--cluster NAME] [-n NAMESPACE]';

/** `-f` (repeatable) and `-n`, shared by apply, diff and the documents' apply. */
export const inputOptions = {
  file: { type: 'string', short: 'f', multiple: true },
  namespace: { type: 'string', short: 'n' },
} as const;

/** Requests in flight at once. */
export const concurrency = 4;

/** What happened to one document. */
export interface Outcome {
  /** `canary C/NS/NAME`, `metric template NS/NAME`. */
  label: string;
  result?: 'created' | 'updated' | 'unchanged';
  warnings: string[];
  error?: unknown;
}

async function apply(args: string[], io: Io, ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, inputOptions);
  if (values.help) return ctx.help(usage);
  noExtra(positionals, 0, usage);
  const files = requireFiles(values.file, usage);
  const cluster = values.cluster ?? io.env.FLAGGER_CLUSTER;
  if (!cluster)
    throw new UsageError('apply needs --cluster NAME (or FLAGGER_CLUSTER) of a registered cluster');
  const canaries = await selectDocuments(io, files, 'Canary', values.namespace);
  const client = clientFor(values, io, ctx.credentials);
  const outcomes = await mapLimit(canaries, concurrency, async (c): Promise<Outcome> => {
    const label = `canary ${cluster}/${c.namespace}/${c.name || '?'}`;
    try {
      const r = await send(client, 'POST /canaries', {
        query: { cluster },
        // The user's manifest, as read: the API validates it and names what is wrong.
        text: JSON.stringify(c.body),
        contentType: 'application/json',
        idempotent: true,
      });
      const result = r.status === 201 ? 'created' : r.body.unchanged ? 'unchanged' : 'updated';
      return { label, result, warnings: r.body.warnings ?? [] };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error; // unreachable API, Ctrl-C: stop here
      return { label, warnings: [], error };
    }
  });
  return printOutcomes(outcomes, io);
}

/** The -f values, required. */
export function requireFiles(files: string[] | undefined, usage: string): string[] {
  if (!files || files.length === 0)
    throw new UsageError(`needs -f FILE|DIR (or -f - for standard input); usage: ${usage}`);
  return files;
}

/** The documents of `kind` in the input, placed in their namespaces; the others noted on stderr. */
export async function selectDocuments(
  io: Io,
  files: string[],
  kind: string,
  namespace: string | undefined,
): Promise<Placed[]> {
  const { selected, skipped } = ofKind(await loadManifests(io, files), kind);
  if (skipped) io.stderr.write(`note: ${skipped}${hintFor(kind)}\n`);
  if (selected.length === 0) throw new UsageError(`no ${kind} found in ${files.join(', ')}`);
  return place(selected, namespace);
}

function hintFor(kind: string): string {
  return kind === 'Canary'
    ? ' (MetricTemplate: "templates apply -f", AlertProvider: "alert-providers apply -f")'
    : '';
}

/**
 * One line per document (`canary a/b/c created`) in input order, warnings and errors on stderr,
 * then `N created, M updated, K unchanged, E failed` when there were several. Exit 0 when all
 * succeeded, else 3 when every failure was a refusal (409), else 4.
 */
export function printOutcomes(outcomes: Outcome[], io: Io): number {
  const many = outcomes.length > 1;
  for (const o of outcomes) {
    const prefix = many ? `${o.label}: ` : '';
    for (const w of o.warnings) io.stderr.write(`warning: ${prefix}${w}\n`);
    if (o.result) io.stdout.write(`${o.label} ${o.result}\n`);
    else io.stderr.write(failureLines(o.error, prefix).join('\n') + '\n');
  }
  const count = (r: Outcome['result']) => outcomes.filter((o) => o.result === r).length;
  const failed = outcomes.filter((o) => !o.result);
  if (many)
    io.stdout.write(
      `${count('created')} created, ${count('updated')} updated, ${count('unchanged')} unchanged, ${failed.length} failed\n`,
    );
  if (failed.length === 0) return exitCodes.ok;
  return failed.every((o) => exitCodeFor(o.error) === exitCodes.refused)
    ? exitCodes.refused
    : exitCodes.apiError;
}

export const spec: CommandSpec = {
  name: 'apply',
  usage,
  options: inputOptions,
  run: apply,
};
