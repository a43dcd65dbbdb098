/**
 * The environment of the local programs (`npm start`, `npm run demo`), read in this one file
 * (STYLE.md habit 11; lib/config.ts is the control plane's). Each entry point calls its reader
 * once and hands the values down; nothing else under local/ reads process.env.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

type Env = Record<string, string | undefined>;

/** Local mode's settings (local/main.ts); command-line flags take precedence where both exist. */
export interface LocalModeEnv {
  /** PORT, default 8080. */
  readonly port: number;
  /** FLAGGER_API_TOKEN; unset or empty: local mode generates one and prints it. */
  readonly apiToken?: string;
  /** PROMETHEUS_URL (after `--prometheus-url`). */
  readonly prometheusUrl?: string;
  /** SLACK_URL (after `--slack-url`). */
  readonly slackUrl?: string;
  /**
   * SLACK_SIGNING_SECRET: the Slack app's signing secret. Set: local mode answers clicks at
   * POST /slack/interactions and its Slack messages carry buttons (docs/slack.md). Never a flag
   * (a command line is visible to every user of the machine), never printed.
   */
  readonly slackSigningSecret?: string;
  /** KUBECONFIG, default ~/.kube/config: registered as cluster `local` when the file exists. */
  readonly kubeconfigPath: string;
  /** PROMETHEUS_BIN; unset or empty: `prometheus` on PATH (with `--sandbox`). */
  readonly prometheusBin?: string;
}

export function localModeEnv(env: Env = process.env): LocalModeEnv {
  return Object.freeze({
    port: Number(env.PORT ?? 8080),
    apiToken: env.FLAGGER_API_TOKEN || undefined,
    prometheusUrl: env.PROMETHEUS_URL,
    slackUrl: env.SLACK_URL,
    slackSigningSecret: env.SLACK_SIGNING_SECRET || undefined,
    kubeconfigPath: env.KUBECONFIG ?? join(homedir(), '.kube', 'config'),
    prometheusBin: env.PROMETHEUS_BIN || undefined,
  });
}

/** `npm run set-image`'s settings (local/set-image.ts). */
export interface SetImageEnv {
  /** KUBECONFIG, default local mode's sandbox: `.data/local/sandbox-kubeconfig.yaml` under `cwd`. */
  readonly kubeconfigPath: string;
}

export function setImageEnv(cwd: string, env: Env = process.env): SetImageEnv {
  return Object.freeze({
    kubeconfigPath: env.KUBECONFIG || join(cwd, '.data', 'local', 'sandbox-kubeconfig.yaml'),
  });
}

/** `npm run slack-click`'s settings (local/slack-click.ts). */
export interface SlackClickEnv {
  /** SLACK_SIGNING_SECRET: what the click is signed with (local mode's, to be accepted). */
  readonly signingSecret?: string;
  /** FLAGGER_API_URL, else local mode's default address `http://127.0.0.1:<PORT or 8080>`. */
  readonly apiUrl: string;
}

export function slackClickEnv(env: Env = process.env): SlackClickEnv {
  return Object.freeze({
    signingSecret: env.SLACK_SIGNING_SECRET || undefined,
    apiUrl: (env.FLAGGER_API_URL || `http://127.0.0.1:${env.PORT ?? 8080}`).replace(/\/+$/, ''),
  });
}

/** The demo's settings (local/demo.ts). */
export interface DemoEnv {
  /** PROMETHEUS_BIN; unset or empty: `prometheus` on PATH, else the sandbox metrics provider. */
  readonly prometheusBin?: string;
  /** TRAFFIC_SEED, an integer; unset or empty: the traffic simulator's fixed default seed. */
  readonly trafficSeed?: number;
}

/**
 * Reads the demo's settings. Also quiets the AWS SDK's Node version warning for the demo's
 * in-process clients unless the caller chose otherwise (`npm run demo` sets it already).
 */
export function demoEnv(env: Env = process.env): DemoEnv {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return Object.freeze({
    prometheusBin: env.PROMETHEUS_BIN || undefined,
    trafficSeed: optionalInteger(env, 'TRAFFIC_SEED'),
  });
}

/** An optional integer variable; throws naming the variable when it is set to anything else. */
function optionalInteger(env: Env, name: string): number | undefined {
  const text = env[name];
  if (!text) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`${name} must be an integer, got ${JSON.stringify(text)}`);
  return n;
}
