/**
 * `flagger-serverless <command>`: the command-line client of the Flagger Serverless API.
 * main() is the whole program with its I/O injected; it never throws and never prints a stack:
 * exit 0 ok, 1 failure (HTTP 4xx/5xx, Failed under --wait), 2 --wait timeout, 64 usage error.
 */
import { actionCommand, actionNames, usageOf } from './commands/actions.js';
import { apply, usage as applyUsage } from './commands/apply.js';
import { clusters, clustersUsage, registerCluster, registerUsage } from './commands/clusters.js';
import type { Command, CommandContext } from './commands/context.js';
import { get, usage as getUsage } from './commands/get.js';
import { history, usage as historyUsage } from './commands/history.js';
import { status, usage as statusUsage } from './commands/status.js';
import { ApiError, ConnectionError, defaultUrl, InterruptedError } from './client.js';
import { errorLines } from './format.js';
import { CliError, exitCodes, processIo, UsageError, type Io } from './io.js';
import type { Credentials } from './sigv4.js';

export const program = 'flagger-serverless';

const commands: Record<string, { run: Command; usage: string }> = {
  apply: { run: apply, usage: applyUsage },
  get: { run: get, usage: getUsage },
  status: { run: status, usage: statusUsage },
  history: { run: history, usage: historyUsage },
  ...Object.fromEntries(actionNames.map((a) => [a, { run: actionCommand(a), usage: usageOf(a) }])),
  clusters: { run: clusters, usage: clustersUsage },
  'register-cluster': { run: registerCluster, usage: registerUsage },
};

/** The full help text. */
export function helpText(): string {
  const lines = Object.values(commands).flatMap((c) => c.usage.split('\n').map((u) => `  ${program} ${u}`));
  return [
    `Usage: ${program} <command> [options]`,
    '',
    'Commands:',
    ...lines,
    '',
    'Canary ids are CLUSTER/NAMESPACE/NAME, or NAMESPACE/NAME with --cluster (or FLAGGER_CLUSTER).',
    '',
    'Connection (every command):',
    `  --url URL       API base URL (FLAGGER_API_URL; default ${defaultUrl})`,
    '  --token TOKEN   bearer token of a local-mode API (FLAGGER_API_TOKEN); without one an https URL',
    '                  is signed with AWS SigV4 using the default AWS credential chain',
    '',
    'Exit codes: 0 ok, 1 failure (HTTP error, or Failed with --wait), 2 --wait timed out, 64 usage error.',
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
  };
  try {
    if (name === undefined) throw new UsageError(`missing command; run "${program} --help"`);
    if (name === 'help' || name === '--help' || name === '-h')
      return (io.stdout.write(helpText() + '\n'), exitCodes.ok);
    const command = commands[name];
    if (!command) throw new UsageError(`unknown command "${name}"; run "${program} --help" for the list`);
    return await command.run(args, io, ctx);
  } catch (e) {
    return report(e, io);
  }
}

/** Maps an error to stderr lines and an exit code: one clear line, no stack trace. */
function report(e: unknown, io: Io): number {
  if (e instanceof InterruptedError) return exitCodes.interrupted;
  if (e instanceof UsageError) {
    io.stderr.write(`error: ${e.message}\n`);
    return exitCodes.usage;
  }
  if (e instanceof ApiError) {
    io.stderr.write(errorLines(e.message, e.errors, e.status).join('\n') + '\n');
    return exitCodes.failure;
  }
  const known = e instanceof CliError || e instanceof ConnectionError;
  const message = e instanceof Error ? e.message : String(e);
  io.stderr.write(errorLines(known ? message : message || 'unexpected failure', []).join('\n') + '\n');
  return exitCodes.failure;
}

/** Entry point of bin/flagger-serverless.js: the real process's I/O. */
export async function run(argv: string[]): Promise<number> {
  return main(argv, processIo());
}
