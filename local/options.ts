/**
 * `npm start`'s command line (pure): every option, the usage text, and a {@link UsageError} with
 * one line to print for anything it does not understand (local/main.ts exits 64 on it, as the CLI
 * does for usage errors). Flags take precedence over the environment (local/config.ts).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { durationMs } from '../lib/domain/spec/accessors.js';
import type { LocalModeEnv } from './config.js';

export const USAGE = `Usage: npm start -- [options]

Runs Flagger Serverless's control plane on this machine (local mode): the API and the load tester
(/loadtester/) on 127.0.0.1 behind a bearer token, state under the data directory.

Options:
  --sandbox                 start an embedded sandbox cluster, registered as "sandbox", seeded with
                            podinfo (Deployment + HPA in namespace test) and its canary, with
                            simulated traffic and metrics (Prometheus when installed)
  --port <n>                the API's port (PORT; default 8080; 0 = any free port)
  --data-dir <dir>          where state survives restarts (default .data/local)
  --prometheus-url <url>    Prometheus for the builtin checks (PROMETHEUS_URL)
  --sandbox-metrics         with --sandbox: the built-in metrics provider even when prometheus is installed
  --step-every <duration>   with --sandbox: run the podinfo canary's next step every <duration>
                            (e.g. 1s) instead of waiting for its 10s analysis interval
  --slack-url <url>         Slack-compatible webhook for notifications (SLACK_URL)
  -h, --help                print this and exit

Environment: FLAGGER_API_TOKEN (else one is generated and printed), PORT, PROMETHEUS_URL,
PROMETHEUS_BIN, SLACK_URL, SLACK_SIGNING_SECRET (Slack buttons: clicks answered at
POST /slack/interactions, docs/slack.md), KUBECONFIG (its current context is registered as
cluster "local").
`;

/** A command line local mode does not understand; `message` is one line. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** What to run. */
export interface LocalOptions {
  help: boolean;
  sandbox: boolean;
  port: number;
  dataDir: string;
  prometheusUrl?: string;
  sandboxMetrics: boolean;
  /** Milliseconds between forced steps of the podinfo canary; undefined: at its interval. */
  stepEveryMs?: number;
  slackUrl?: string;
}

/** Parses `argv` (without node and the script); throws {@link UsageError}. */
export function parseOptions(argv: string[], env: LocalModeEnv, cwd: string): LocalOptions {
  const { values } = parse(argv);
  const port = values.port === undefined ? env.port : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be a port number (0-65535), got ${JSON.stringify(values.port)}`);
  const stepEveryMs = values['step-every'] === undefined ? undefined : durationMs(values['step-every']);
  if (values['step-every'] !== undefined && !(stepEveryMs && stepEveryMs >= 100))
    throw new UsageError(
      `--step-every must be a duration of at least 100ms such as 1s, got ${JSON.stringify(values['step-every'])}`,
    );
  for (const flag of ['sandbox-metrics', 'step-every'] as const)
    if (values[flag] !== undefined && values[flag] !== false && !values.sandbox)
      throw new UsageError(`--${flag} needs --sandbox`);
  return {
    help: values.help === true,
    sandbox: values.sandbox === true,
    port,
    dataDir: values['data-dir'] ?? join(cwd, '.data', 'local'),
    prometheusUrl: values['prometheus-url'] ?? env.prometheusUrl,
    sandboxMetrics: values['sandbox-metrics'] === true,
    stepEveryMs,
    slackUrl: values['slack-url'] ?? env.slackUrl,
  };
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        sandbox: { type: 'boolean' },
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        'prometheus-url': { type: 'string' },
        'sandbox-metrics': { type: 'boolean' },
        'step-every': { type: 'string' },
        'slack-url': { type: 'string' },
      },
    });
  } catch (e) {
    throw new UsageError(oneLine(e as Error & { code?: string }), { cause: e });
  }
}

/** Node's parseArgs messages, cut to their first sentence. */
function oneLine(e: Error & { code?: string }): string {
  const first = e.message.split('\n')[0];
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'([^']+)'/.exec(first)?.[1];
    return `unknown option ${option ?? first}`;
  }
  if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const arg = /'([^']+)'/.exec(first)?.[1];
    return `unexpected argument ${arg ?? first}`;
  }
  return first.replace(/\.\s.*$/, '');
}
