/**
 * `replay -f FILE|- --from T1 --to T2 --prometheus URL [--cluster C] [--cluster-label K=V …]
 * [--provider P] [-n NS] [-o json|yaml]`: what the Canary's analysis would have decided over a past
 * window, from Prometheus range queries at the spec's `analysis.interval` (lib/app/replay.ts). It
 * runs here, in the CLI, and talks to Prometheus only: a replay may last longer than an API request.
 *
 * Exit 0: would have promoted; 1: would have rolled back; 2: still analysing at the end of the
 * window; 4: Prometheus could not be reached; 64: bad invocation or an unusable Canary.
 * The bearer token comes from PROMETHEUS_TOKEN and is never printed.
 */
import { noExtra, parse } from '../args.js';
import { loadManifests, ofKind, place } from '../documents.js';
import { exitCodes } from '../exit-codes.js';
import { CliError, UsageError, type Io } from '../io.js';
import { isData, outputFormat, render } from '../output.js';
import { parseTime } from '../times.js';
import { replayTable, replayView } from '../replay-view.js';
import { requireFiles } from './apply.js';
import type { CommandContext, CommandSpec } from './context.js';

const usage =
  'replay -f FILE|- --from TIME --to TIME --prometheus URL [--cluster C] [--cluster-label K=V …] [--provider P] [-n NAMESPACE] [-o json|yaml]';

const options = {
  file: { type: 'string', short: 'f', multiple: true },
  namespace: { type: 'string', short: 'n' },
  from: { type: 'string' },
  to: { type: 'string' },
  prometheus: { type: 'string' },
  'cluster-label': { type: 'string', multiple: true },
  provider: { type: 'string' },
  output: { type: 'string', short: 'o' },
} as const;

const formats = ['json', 'yaml'] as const;

async function replay(args: string[], io: Io, ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, options);
  if (values.help) return ctx.help(usage);
  noExtra(positionals, 0, usage);
  const format = outputFormat(values.output, formats);
  const now = io.now?.() ?? Date.now();
  if (!values.from || !values.to) throw new UsageError(`replay needs --from and --to; usage: ${usage}`);
  const from = parseTime(values.from, 'from', now);
  const to = parseTime(values.to, 'to', now);
  const prometheus = values.prometheus ?? io.env.PROMETHEUS_URL;
  if (!prometheus) throw new UsageError('replay needs --prometheus URL (or PROMETHEUS_URL)');
  const { canary, templates, warnings } = await readInput(
    io,
    requireFiles(values.file, usage),
    values.namespace,
  );
  const { providers, provider: providerOf } = await import('../../lib/domain/spec/accessors.js');
  const fallback = values.provider ?? 'istio';
  if (!(providers as readonly string[]).includes(fallback))
    throw new UsageError(`--provider: expected one of ${providers.join(', ')}, got "${fallback}"`);
  const provider = providerOf(canary, fallback as (typeof providers)[number]);
  const cluster = values.cluster ?? io.env.FLAGGER_CLUSTER;
  const labels = clusterLabels(values['cluster-label'] ?? []);
  const { replayDeps } = await import('../../lib/wiring-replay.js');
  const { replayRelease } = await import('../../lib/app/replay.js');
  const { ValidationError } = await import('../../lib/app/errors.js');
  let deps;
  try {
    deps = replayDeps({ prometheus, token: io.env.PROMETHEUS_TOKEN, templates, fetch: io.fetch });
  } catch (e) {
    throw new UsageError(`--prometheus: ${(e as Error).message}`);
  }
  const signal = io.signal ?? new AbortController().signal;
  if (!(await deps.metrics.isOnline(signal)))
    throw new CliError(`Prometheus at ${prometheus.replace(/\/\/[^@/]*@/, '//')} did not answer vector(1)`);
  const request = {
    canary,
    provider,
    from,
    to,
    ...((cluster !== undefined || labels) && { cluster: { name: cluster ?? '', labels } }),
  };
  const report = await replayRelease(deps, request, signal).catch((e: unknown) => {
    throw e instanceof ValidationError ? new UsageError(e.message) : e;
  });
  for (const w of [...warnings, ...report.warnings]) io.stderr.write(`warning: ${w}\n`);
  const view = replayView(canary, provider, report);
  io.stdout.write(isData(format) ? await render(view, format) : replayTable(view));
  switch (report.outcome.kind) {
    case 'promoted':
      return exitCodes.ok;
    case 'rolledBack':
      return exitCodes.releaseFailed;
    case 'analysing':
      return exitCodes.timeout;
  }
}

/** `K=V` pairs; undefined when none. */
function clusterLabels(pairs: readonly string[]): Record<string, string> | undefined {
  if (pairs.length === 0) return undefined;
  return Object.fromEntries(
    pairs.map((p) => {
      const at = p.indexOf('=');
      if (at <= 0) throw new UsageError(`--cluster-label: expected NAME=VALUE, got "${p}"`);
      return [p.slice(0, at), p.slice(at + 1)];
    }),
  );
}

/** The one Canary of the input (validated) and its MetricTemplates. */
async function readInput(io: Io, files: string[], namespace: string | undefined) {
  const docs = place(await loadManifests(io, files), namespace);
  const { selected } = ofKind(
    docs.map((d) => d.manifest),
    'Canary',
  );
  if (selected.length !== 1)
    throw new UsageError(`replay needs exactly one Canary in the input, found ${selected.length}`);
  const { formatErrors, parseCanary } = await import('../../lib/domain/spec/parse.js');
  const { parseTemplate } = await import('../../lib/app/views.js');
  const placed = docs.find((d) => d.manifest === selected[0])!;
  const r = parseCanary(placed.body);
  if (!r.ok)
    throw new UsageError(
      formatErrors(r.errors)
        .split('\n')
        .map((l) => `${placed.manifest.source}: ${l}`)
        .join('\n'),
    );
  const templates = docs
    .filter((d) => d.manifest.kind === 'MetricTemplate')
    .map((d) => {
      try {
        return parseTemplate(d.body, d.namespace, d.name);
      } catch (e) {
        throw new UsageError(`${d.manifest.source}: ${(e as Error).message}`);
      }
    });
  return { canary: r.canary, templates, warnings: r.warnings };
}

export const spec: CommandSpec = { name: 'replay', usage, options, formats, run: replay };
