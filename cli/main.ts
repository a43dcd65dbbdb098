/**
 * `flagger-serverless <command>`: the command-line client of the Flagger Serverless API.
 * main() is the whole program with its I/O injected; it never throws and never prints a stack.
 * Exit codes are a contract: see exit-codes.ts and docs/cli.md.
 */
import { defaultUrl } from './client.js';
import { actionSpecs } from './commands/actions.js';
import { spec as apply } from './commands/apply.js';
import { clustersSpec, registerSpec } from './commands/clusters.js';
import { spec as completion } from './commands/completion.js';
import type { CommandContext, CommandSpec } from './commands/context.js';
import { spec as remove } from './commands/delete.js';
import { spec as diff } from './commands/diff.js';
import { spec as grants } from './commands/grants.js';
import { spec as get } from './commands/get.js';
import { spec as history } from './commands/history.js';
import { spec as clusterRbac } from './commands/rbac.js';
import { spec as replay } from './commands/replay.js';
import { alertProvidersSpec, templatesSpec } from './commands/resources.js';
import { spec as status } from './commands/status.js';
import { spec as ui } from './commands/ui.js';
import { exitCodes } from './exit-codes.js';
import { processIo, UsageError, type Io } from './io.js';
import { program, version } from './program.js';
import { report } from './report.js';
import type { Credentials } from './sigv4.js';

/** Every command, in the order `--help` lists them. */
export const commands: readonly CommandSpec[] = [
  apply,
  diff,
  get,
  status,
  history,
  replay,
  ...actionSpecs,
  remove,
  clustersSpec,
  registerSpec,
  clusterRbac,
  templatesSpec,
  alertProvidersSpec,
  grants,
  ui,
  completion,
];

/** The full help text. */
export function helpText(): string {
  const lines = commands.flatMap((c) => c.usage.split('\n').map((u) => `  ${program} ${u}`));
  return [
    `Usage: ${program} <command> [options]`,
    '',
    'Commands:',
    ...lines,
    '',
    'Canary ids are CLUSTER/NAMESPACE/NAME, or NAMESPACE/NAME with --cluster (or FLAGGER_CLUSTER).',
    '',
    'Connection (every command):',
    `  --url URL                 API base URL (FLAGGER_API_URL; default ${defaultUrl})`,
    '  --token TOKEN             bearer token of a local-mode API (FLAGGER_API_TOKEN); without one an',
    '                            https URL is signed with AWS SigV4 (the default AWS credential chain)',
    '  --request-timeout 30s     per request attempt',
    '',
    'replay reads Prometheus only (--prometheus or PROMETHEUS_URL; bearer token from PROMETHEUS_TOKEN).',
    '',
    'Exit codes: 0 ok, 1 release failed (status --wait), differences (diff) or would have rolled back',
    '(replay), 2 --wait timed out or still analysing at --to (replay), 3 action refused (HTTP 409),',
    '4 API, Prometheus or transport error (after retries), 64 usage error.',
    'See docs/cli.md.',
  ].join('\n');
}

/** Runs one invocation; `argv` excludes node and the script. Resolves to the exit code. */
export async function main(
  argv: string[],
  io: Io,
  options: { credentials?: Credentials } = {},
): Promise<number> {
  const [name, ...args] = argv;
  const ctx: CommandContext = {
    help: (usage) => (
      io.stdout.write(
        usage
          .split('\n')
          .map((u) => `Usage: ${program} ${u}\n`)
          .join(''),
      ),
      exitCodes.ok
    ),
    credentials: options.credentials,
    commands,
  };
  try {
    if (name === undefined) throw new UsageError(`missing command; run "${program} --help"`);
    if (name === 'help' || name === '--help' || name === '-h')
      return (io.stdout.write(helpText() + '\n'), exitCodes.ok);
    if (name === 'version' || name === '--version')
      return (io.stdout.write(`${program} ${version}\n`), exitCodes.ok);
    const command = commands.find((c) => c.name === name);
    if (!command) throw new UsageError(`unknown command "${name}"; run "${program} --help" for the list`);
    return await command.run(args, io, ctx);
  } catch (e) {
    return report(e, io);
  }
}

/** Entry point of bin/flagger-serverless.js: the real process's I/O. */
export async function run(argv: string[]): Promise<number> {
  return main(argv, processIo());
}
