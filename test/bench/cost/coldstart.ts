/**
 * Cold start and bundle sizes of what `npm run package` ships: each zip's size, and, in a fresh
 * `node` compared with bare `node -e 0` (alternating runs; medians, and the fastest run of each):
 *
 * - the import of the step function's handler module — what the goal is about;
 * - that import plus the first invocation (an empty SQS batch). The handler loads its wiring
 *   (client-node, the AWS SDK clients) with `await import()` on first use, so this is where the
 *   rest of a cold start went, and the figure to read beside the first. The invocation builds
 *   every client but sends no request; a cluster's KubeConfig and API clients, built at its first
 *   step, add under a millisecond to it.
 *
 * The processes get the step function's environment from the packaged template (intrinsics
 * replaced by stand-ins), so `--param=sourceMaps=true` packages are measured as they would run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Wall time of one kind of run: the median, and the fastest (what is left when noise is not). */
export interface Timing {
  median: number;
  fastest: number;
}

export interface ColdStart {
  zips: { name: string; bytes: number }[];
  bare: Timing;
  imported: Timing;
  firstUse: Timing;
}

function timing(xs: number[]): Timing {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, fastest: s[0]! };
}

function wallMs(args: string[], env: NodeJS.ProcessEnv): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${String(r.stderr)}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** The step function's environment in the packaged template; intrinsic values become stand-ins. */
function stepEnvironment(dir: string): Record<string, string> {
  const template = JSON.parse(
    readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as {
    Resources: Record<string, { Properties?: { Environment?: { Variables?: Record<string, unknown> } } }>;
  };
  const vars = template.Resources.StepLambdaFunction?.Properties?.Environment?.Variables ?? {};
  return Object.fromEntries(
    Object.entries(vars).map(([k, v]) => [k, typeof v === 'string' ? v : `https://stand-in.invalid/${k}`]),
  );
}

/** Undefined when `dir` has no zips (run `npm run package` first). */
export function benchColdStart(runs = 21, dir = '.serverless'): ColdStart | undefined {
  if (!existsSync(join(dir, 'step.zip'))) return undefined;
  const zips = readdirSync(dir)
    .filter((f) => f.endsWith('.zip'))
    .map((f) => ({ name: f, bytes: statSync(join(dir, f)).size }));
  const env = {
    PATH: process.env.PATH,
    ...stepEnvironment(dir),
    AWS_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const out = mkdtempSync(join(tmpdir(), 'coldstart-'));
  try {
    execFileSync('unzip', ['-q', join(dir, 'step.zip'), '-d', out]);
    const handler = JSON.stringify(pathToFileURL(join(out, 'functions/step/handler.mjs')).href);
    const importOnly = `await import(${handler})`;
    const firstUse =
      `const { handler } = await import(${handler});` +
      'const r = await handler({ Records: [] }, { getRemainingTimeInMillis: () => 120000 });' +
      "if (!Array.isArray(r?.batchItemFailures)) throw new Error('no batch response');";
    const bare: number[] = [];
    const imported: number[] = [];
    const used: number[] = [];
    for (let i = 0; i < runs; i++) {
      bare.push(wallMs(['-e', '0'], env));
      imported.push(wallMs(['--input-type=module', '-e', importOnly], env));
      used.push(wallMs(['--input-type=module', '-e', firstUse], env));
    }
    return { zips, bare: timing(bare), imported: timing(imported), firstUse: timing(used) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export interface CliStart {
  bare: Timing;
  version: Timing;
  help: Timing;
}

/**
 * Start of the CLI as a user runs it (`bin/flagger-serverless.js`, the esbuild bundle in
 * dist/cli): `--version` and `--help` beside bare node, alternating runs. Undefined without the
 * bundle (`npm run build:cli`; `npm ci` builds it).
 */
export function benchCliStart(runs = 21): CliStart | undefined {
  if (!existsSync('dist/cli/flagger-serverless.mjs')) return undefined;
  const env = { PATH: process.env.PATH };
  const bare: number[] = [];
  const version: number[] = [];
  const help: number[] = [];
  for (let i = 0; i < runs; i++) {
    bare.push(wallMs(['-e', '0'], env));
    version.push(wallMs(['bin/flagger-serverless.js', '--version'], env));
    help.push(wallMs(['bin/flagger-serverless.js', '--help'], env));
  }
  return { bare: timing(bare), version: timing(version), help: timing(help) };
}
