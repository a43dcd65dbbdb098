/**
 * The environment, read once into a typed, frozen object (STYLE.md habit 11). Nothing else reads
 * process.env. A missing required variable fails fast and names the variable.
 */
import { principalProblem } from './domain/authz/principals.js';
import { join } from 'node:path';
import { providers, type Provider } from './domain/spec/accessors.js';

export interface Config {
  readonly stage: string;
  readonly region: string;
  readonly tableName: string;
  /** Set in local mode and tests (dynalite); absent in AWS. */
  readonly dynamodbEndpoint?: string;
  /** SQS queue of due steps (AWS); absent in local mode (in-process queue). */
  readonly queueUrl?: string;
  /** SQS queue of cluster sweeps, sent by dispatch (AWS); absent in local mode (a timer sweeps). */
  readonly sweepQueueUrl?: string;
  /**
   * An idle canary's full step runs this often (never more often than its interval); in between,
   * the per-cluster sweep asks for a step only when something it saw changed. RECONCILE_SECONDS,
   * default 600.
   */
  readonly reconcileSeconds: number;
  /** EventBridge bus for domain events (AWS); absent in local mode (in-process bus). */
  readonly eventBusName?: string;
  /** Provider used when a Canary names none and its cluster record has no default. */
  readonly defaultProvider: Provider;
  /** Default Prometheus for builtin checks (a cluster record may override it). */
  readonly prometheusUrl?: string;
  /**
   * The stack's own load tester (`<HttpApiUrl>/loadtester`, behind the IAM authorizer): webhooks
   * to URLs under it are signed with the function's role (SigV4, `execute-api`).
   */
  readonly loadtesterUrl?: string;
  /** SSM parameter (SecureString) holding the default Slack webhook URL. */
  readonly slackUrlParameter?: string;
  /** SSM parameter (SecureString) holding the Slack app's signing secret (functions/slack). */
  readonly slackSigningSecretParameter?: string;
  /**
   * The deployment answers Slack button clicks (SLACK_BUTTONS, the `slackButtons` parameter: set
   * once the Slack app's interactivity and signing secret are): Slack messages carry buttons.
   * Default false — a button nobody answers is worse than none (docs/slack.md).
   */
  readonly slackButtons: boolean;
  /** Secrets Manager name prefix for cluster kubeconfigs and metric template secrets. */
  readonly secretsPrefix: string;
  /** SSM parameter name prefix the functions may read (kubeconfigs, the Slack URL). */
  readonly parametersPrefix: string;
  /** Roles cluster records may name in `assumeRole` (comma-separated ARN patterns); undefined: any. */
  readonly assumableRoles?: string;
  readonly historyRetentionDays: number;
  readonly maxBodyBytes: number;
  /**
   * The deployment's admins (ADMIN_PRINCIPALS, comma-separated principal patterns such as
   * `iam:arn:aws:iam::123456789012:role/platform`): admin everywhere, whatever the stored grants
   * say. Empty: only stored grants allow anything, and with none nobody may do anything.
   */
  readonly adminPrincipals: readonly string[];
  /**
   * The status page's built assets (ui/build.mjs): UI_DIR, else `ui/dist` under the function's
   * root (LAMBDA_TASK_ROOT, where the api zip holds them) or the working directory.
   */
  readonly uiDir: string;
}

class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function required(env: Env, name: string): string {
  const v = env[name];
  if (!v) throw new ConfigError(`environment variable ${name} is required`);
  return v;
}

function int(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0)
    throw new ConfigError(`environment variable ${name} must be a positive integer, got "${raw}"`);
  return n;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new ConfigError(`environment variable ${name} must be true or false, got "${raw}"`);
}

function provider(env: Env): Config['defaultProvider'] {
  const raw = env.DEFAULT_PROVIDER ?? 'istio';
  const found = providers.find((p) => p === raw);
  if (!found)
    throw new ConfigError(
      `environment variable DEFAULT_PROVIDER must be one of ${providers.join(', ')}, got "${raw}"`,
    );
  return found;
}

function principals(env: Env, name: string): readonly string[] {
  const list = (env[name] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const p of list) {
    const problem = principalProblem(p);
    if (problem) throw new ConfigError(`environment variable ${name}: ${problem}`);
  }
  return Object.freeze(list);
}

/** Reads the configuration from `env` (default: process.env). */
export function loadConfig(env: Env = process.env): Config {
  return Object.freeze({
    stage: env.STAGE ?? 'dev',
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    tableName: required(env, 'TABLE_NAME'),
    dynamodbEndpoint: env.DYNAMODB_ENDPOINT || undefined,
    queueUrl: env.QUEUE_URL || undefined,
    sweepQueueUrl: env.SWEEP_QUEUE_URL || undefined,
    reconcileSeconds: int(env, 'RECONCILE_SECONDS', 600),
    eventBusName: env.EVENT_BUS_NAME || undefined,
    defaultProvider: provider(env),
    prometheusUrl: env.PROMETHEUS_URL || undefined,
    loadtesterUrl: env.LOADTESTER_URL?.replace(/\/+$/, '') || undefined,
    slackUrlParameter: env.SLACK_URL_PARAMETER || undefined,
    slackSigningSecretParameter: env.SLACK_SIGNING_SECRET_PARAMETER || undefined,
    slackButtons: bool(env, 'SLACK_BUTTONS', false),
    secretsPrefix: env.SECRETS_PREFIX ?? '',
    parametersPrefix: env.PARAMETERS_PREFIX ?? '',
    assumableRoles: env.ASSUMABLE_ROLES,
    historyRetentionDays: int(env, 'HISTORY_RETENTION_DAYS', 30),
    maxBodyBytes: int(env, 'MAX_BODY_BYTES', 256 * 1024),
    adminPrincipals: principals(env, 'ADMIN_PRINCIPALS'),
    uiDir: env.UI_DIR || join(env.LAMBDA_TASK_ROOT || process.cwd(), 'ui', 'dist'),
  });
}
