// Flat config: type-aware TypeScript rules plus the dependency direction of STYLE.md:
// functions → lib/app → lib/domain + lib/ports ← lib/adapters. Only lib/wiring*.ts and local/
// may import adapters; lib/domain imports nothing with I/O; lib/app and lib/ports name no SDK;
// what ships (lib/, functions/) imports nothing from sandbox/, local/, test/ or cli/; the
// environment is read in one file per program (lib/config.ts, cli/io.ts, local/config.ts); cli/
// takes only types from functions/ (the API's contract).
// test/unit/lint/layers.test.ts proves each of these fails the lint.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const adapters = {
  group: ['**/adapters/**'],
  message: 'Only lib/wiring*.ts and local/ import adapters (STYLE.md).',
};
const app = { group: ['**/app/**'], message: 'lib/domain and lib/ports must not depend on lib/app.' };
const functionsDir = { group: ['**/functions/**'], message: 'lib/ must not import Lambda handlers.' };
const sdks = ['@aws-sdk/*', '@smithy/*', '@kubernetes/*'];
const io = {
  group: ['node:fs', 'node:fs/*', 'node:http', 'node:https', 'node:net', 'node:child_process', ...sdks],
  message: 'lib/domain is pure: no I/O.',
};
const sdk = {
  group: sdks,
  message: 'lib/app and lib/ports speak in ports, not SDKs: AWS and Kubernetes clients live in lib/adapters.',
};
const outside = {
  group: ['**/sandbox/**', '**/local/**', '**/test/**', '**/cli/**'],
  message: 'lib/ and functions/ ship in the Lambda zips: they never import sandbox/, local/, test/ or cli/.',
};
/** One `no-restricted-imports` entry per layer (a later block replaces an earlier one, so each lists all). */
const restrict = (...patterns) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { patterns: [...patterns, outside] }],
});

/** `process.env` only in `home`: `process.env`, `const { env } = process`, `globalThis.process.env`, node:process. */
const envReadIn = (home) => {
  const message = `The environment is read in ${home} only (STYLE.md habit 11): read it there and pass the value in.`;
  return {
    'no-restricted-properties': ['error', { object: 'process', property: 'env', message }],
    'no-restricted-syntax': [
      'error',
      { selector: "MemberExpression[property.name='env'][object.property.name='process']", message },
      {
        selector: 'ImportDeclaration[source.value=/^(node:)?process$/]',
        message: `${message} (Use the global process.)`,
      },
    ],
  };
};

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      '.serverless',
      '.esbuild',
      'dist',
      // The status page's bundle (ui/build.mjs) and the browser test's screenshots.
      'ui/dist',
      'test-artifacts',
      'coverage',
      '.data',
      '.prom-data',
      '.vitest-report.json',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
      parserOptions: { projectService: false, project: null },
    },
  },
  // Layers. The first block covers what no later one names (lib/config.ts, lib/wiring*.ts).
  { files: ['lib/**/*.ts'], rules: restrict(functionsDir) },
  { files: ['lib/domain/**/*.ts'], rules: restrict(adapters, app, functionsDir, io) },
  { files: ['lib/ports/**/*.ts'], rules: restrict(adapters, app, functionsDir, sdk) },
  { files: ['lib/app/**/*.ts'], rules: restrict(adapters, functionsDir, sdk) },
  { files: ['lib/loadtester/**/*.ts'], rules: restrict(adapters, app, functionsDir) },
  { files: ['lib/adapters/**/*.ts'], rules: restrict(app, functionsDir) },
  { files: ['functions/**/*.ts'], rules: restrict(adapters) },
  // The CLI takes types only from functions/ (the API's contract): its bundle holds none of the API.
  {
    files: ['cli/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/functions/**'],
              allowTypeImports: true,
              message:
                'cli/ imports only types from functions/ (import type): the API stays out of its bundle.',
            },
          ],
        },
      ],
    },
  },
  // The environment: one reader per program.
  {
    files: ['lib/**/*.ts', 'functions/**/*.ts'],
    ignores: ['lib/config.ts'],
    rules: envReadIn('lib/config.ts'),
  },
  { files: ['cli/**/*.ts'], ignores: ['cli/io.ts'], rules: envReadIn('cli/io.ts') },
  { files: ['local/**/*.ts'], ignores: ['local/config.ts'], rules: envReadIn('local/config.ts') },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // `arr[i]!` is harmless in tests and keeps them short (noUncheckedIndexedAccess is off).
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
);
