/**
 * The edges eslint.config.js guards, proven by linting small files with the real config: each
 * violation fails with its rule, the allowed places and a clean file pass.
 *
 * The files are virtual (`lintText` with a path inside the repository, so the config's `files`
 * globs apply). The project service only knows files on disk, so the one override of the real
 * config lets these probe paths be served by its default project (tsconfig.json's options);
 * everything else — rules, globs, type-aware checks — is the config as `npm run lint` runs it.
 */
import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

const probe = {
  app: 'lib/app/lint-probe.ts',
  ports: 'lib/ports/lint-probe.ts',
  domain: 'lib/domain/lint-probe.ts',
  adapters: 'lib/adapters/lint-probe.ts',
  wiring: 'lib/wiring-lint-probe.ts',
  functions: 'functions/lint-probe/handler.ts',
  cli: 'cli/commands/lint-probe.ts',
  local: 'local/demo/lint-probe.ts',
} as const;

let eslint: ESLint;

beforeAll(async () => {
  eslint = new ESLint({
    cwd: root,
    overrideConfig: {
      languageOptions: {
        parserOptions: {
          projectService: {
            allowDefaultProject: Object.values(probe),
            maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: Object.keys(probe).length,
          },
        },
      },
    },
  });
  await lint(probe.app, 'export {};\n'); // loads the TypeScript project once (most of this file's time)
}, 120_000);

async function lint(filePath: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages;
}

/** The rules that fired, one entry per message (a parse error shows as `null`). */
async function rulesFired(filePath: string, code: string): Promise<(string | null)[]> {
  return (await lint(filePath, code)).map((m) => m.ruleId);
}

const imports = '@typescript-eslint/no-restricted-imports';
const envProperty = 'no-restricted-properties';
const envSyntax = 'no-restricted-syntax';

const sdk = 'speak in ports, not SDKs';
const shipped = 'ship in the Lambda zips';

describe('forbidden imports: no SDK in lib/app and lib/ports; nothing from sandbox/, local/, test/ or cli/ in what ships', () => {
  it.each([
    { file: probe.app, from: '@aws-sdk/client-dynamodb', name: 'DynamoDBClient', hint: sdk },
    { file: probe.app, from: '@smithy/protocol-http', name: 'HttpRequest', hint: sdk },
    { file: probe.app, from: '@kubernetes/client-node', name: 'KubeConfig', hint: sdk },
    { file: probe.ports, from: '@aws-sdk/client-sqs', name: 'SQSClient', hint: sdk },
    { file: probe.ports, from: '@smithy/signature-v4', name: 'SignatureV4', hint: sdk },
    { file: probe.ports, from: '@kubernetes/client-node', name: 'KubeConfig', hint: sdk },
    { file: probe.app, from: '../../sandbox/apiserver/index.js', name: 'startSandbox', hint: shipped },
    { file: probe.domain, from: '../../test/support/builders.js', name: 'aCanary', hint: shipped },
    { file: probe.adapters, from: '../../local/stack.js', name: 'startStack', hint: shipped },
    { file: probe.wiring, from: '../cli/io.js', name: 'processIo', hint: shipped },
    { file: probe.functions, from: '../../test/support/builders.js', name: 'aCanary', hint: shipped },
    {
      file: probe.functions,
      from: '../../sandbox/traffic/index.js',
      name: 'startTrafficSimulator',
      hint: shipped,
    },
  ])('$file may not import $from', async ({ file, from, name, hint }) => {
    const code = `import { ${name} } from '${from}';\nexport const x: unknown = ${name};\n`;
    expect(await lint(file, code)).toMatchObject([
      { ruleId: imports, message: expect.stringContaining(hint) },
    ]);
  });

  it('lib/adapters may import an SDK', async () => {
    const code =
      "import { KubeConfig } from '@kubernetes/client-node';\nexport const x: unknown = KubeConfig;\n";
    expect(await rulesFired(probe.adapters, code)).toEqual([]);
  });
});

describe('the CLI takes only types from functions/ (the API contract stays out of its bundle)', () => {
  it('a value import fails', async () => {
    const code =
      "import { canarySummary } from '../../functions/api/schemas.js';\nexport const x: unknown = canarySummary;\n";
    expect(await lint(probe.cli, code)).toMatchObject([
      { ruleId: imports, message: expect.stringContaining('imports only types from functions/') },
    ]);
  });

  it('a type import passes', async () => {
    const code =
      "import type { Route } from '../../functions/api/contract.js';\nexport const r: Route = 'GET /clusters';\n";
    expect(await rulesFired(probe.cli, code)).toEqual([]);
  });
});

describe('process.env is read in one file per program', () => {
  it.each([
    { file: probe.app, code: 'export const stage = process.env.STAGE;\n', rule: envProperty },
    { file: probe.wiring, code: "export const stage = process.env['STAGE'];\n", rule: envProperty },
    {
      file: probe.functions,
      code: 'const { env } = process;\nexport const stage = env.STAGE;\n',
      rule: envProperty,
    },
    { file: probe.domain, code: 'export const stage = globalThis.process.env.STAGE;\n', rule: envSyntax },
    {
      file: probe.adapters,
      code: "import { env } from 'node:process';\nexport const stage = env.STAGE;\n",
      rule: envSyntax,
    },
    { file: probe.cli, code: 'export const url = process.env.FLAGGER_API_URL;\n', rule: envProperty },
    { file: probe.local, code: 'export const port = process.env.PORT;\n', rule: envProperty },
  ])('$file: $code', async ({ file, code, rule }) => {
    const messages = await lint(file, code);
    expect(messages).toMatchObject([{ ruleId: rule, message: expect.stringContaining('STYLE.md habit 11') }]);
  });

  it.each(['lib/config.ts', 'cli/io.ts', 'local/config.ts'])('%s may read it', async (file) => {
    expect(await rulesFired(file, 'export const stage = process.env.STAGE;\n')).toEqual([]);
  });
});

describe('a clean file passes', () => {
  it('lib/app importing the domain and a port, with the type-aware rules on', async () => {
    const code = [
      "import { nextCanaryWeight, type WeightSchedule } from '../domain/weights.js';",
      "import type { Logger } from '../ports/logger.js';",
      '',
      'export function step(current: number, schedule: WeightSchedule, log: Logger): number {',
      '  const next = nextCanaryWeight(current, schedule);',
      "  log.info('weight', { current, next });",
      '  return next;',
      '}',
      '',
    ].join('\n');
    expect(await lint(probe.app, code)).toEqual([]);
  });

  it('the same file with an unsafe call does not (the type-aware rules run on probes)', async () => {
    const code = 'export function f(x: any): unknown {\n  return x.y();\n}\n';
    expect(await rulesFired(probe.app, code)).toContain('@typescript-eslint/no-unsafe-call');
  });
});
