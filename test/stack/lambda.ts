/**
 * One packaged function, run as Lambda would: its zip extracted to a directory outside the
 * repository, a process of its own with exactly the environment the template gives it (plus what
 * the Lambda runtime adds: region, credentials of its role, function name, task root, handler),
 * and the AWS SDK pointed at the local AWS endpoint by `AWS_ENDPOINT_URL_<SERVICE>`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzip } from './unzip.js';

/** The services whose endpoint the functions may use (AWS_ENDPOINT_URL_<ID>). */
const SERVICES = ['DYNAMODB', 'SQS', 'EVENTBRIDGE', 'SSM', 'SECRETS_MANAGER', 'STS', 'EKS', 'CLOUDWATCH'];

export interface FunctionSpec {
  /** serverless.yml's name (`step`). */
  name: string;
  zip: string;
  handler: string;
  timeoutSeconds: number;
  memoryMb: number;
  arn: string;
  /** Environment.Variables of the function, resolved. */
  environment: Record<string, string>;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** Output lines of one function, for failure messages. */
export interface Logs {
  lines: string[];
}

export class PackagedFunction {
  private child?: ChildProcess;
  private readonly pending = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly dir: string;
  readonly logs: Logs = { lines: [] };
  invocations = 0;

  constructor(
    readonly spec: FunctionSpec,
    private readonly awsEndpoint: string,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), `stack-${spec.name}-`));
    unzip(spec.zip, this.dir);
  }

  /** Starts the process and imports the handler (a cold start). */
  async start(): Promise<void> {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      TZ: ':UTC',
      LANG: 'en_US.UTF-8',
      ...this.spec.environment,
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: this.spec.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: this.spec.credentials.secretAccessKey,
      ...(this.spec.credentials.sessionToken
        ? { AWS_SESSION_TOKEN: this.spec.credentials.sessionToken }
        : {}),
      AWS_LAMBDA_FUNCTION_NAME: `flagger-serverless-dev-${this.spec.name}`,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(this.spec.memoryMb),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_TIMEOUT: String(this.spec.timeoutSeconds),
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      LAMBDA_TASK_ROOT: this.dir,
      _HANDLER: this.spec.handler,
      STACK_FUNCTION_ARN: this.spec.arn,
      // The runtime of this machine is Node 20; Lambda's is 22. Only the SDK's notice differs.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...Object.fromEntries(SERVICES.map((s) => [`AWS_ENDPOINT_URL_${s}`, this.awsEndpoint])),
    };
    const child = fork(new URL('./runtime-child.mjs', import.meta.url), [], {
      cwd: this.dir,
      env,
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    const collect = (b: Buffer) => this.logs.lines.push(...b.toString('utf8').split('\n').filter(Boolean));
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.on('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`${this.spec.name} exited (${code})`));
      this.pending.clear();
    });
    const ready = await new Promise<{ error?: string }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { error?: string }));
      child.once('exit', (code) =>
        reject(new Error(`${this.spec.name} exited during init (${code}): ${this.logs.lines.join('\n')}`)),
      );
    });
    if (ready.error) throw new Error(`${this.spec.name} failed to initialise: ${ready.error}`);
    child.on('message', (m: { type: string; id: string; result?: unknown; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error) p.reject(new Error(`${this.spec.name}: ${m.error}`));
      else p.resolve(m.result);
    });
  }

  /** One invocation; rejects with the function's error (as Lambda reports a failed invoke). */
  invoke<T = unknown>(event: unknown): Promise<T> {
    if (!this.child || this.child.exitCode !== null || !this.child.connected)
      return Promise.reject(new Error(`${this.spec.name} is not running`));
    this.invocations++;
    const id = randomUUID();
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child!.send({ id, event });
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill();
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
