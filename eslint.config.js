// Flat config: type-aware TypeScript rules plus the dependency direction of STYLE.md:
// functions → lib/app → lib/domain + lib/ports ← lib/adapters. Only lib/wiring*.ts and local/
// may import adapters; lib/domain imports nothing with I/O.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const adapters = {
  group: ['**/adapters/**'],
  message: 'Only lib/wiring*.ts and local/ import adapters (STYLE.md).',
};
const app = { group: ['**/app/**'], message: 'lib/domain and lib/ports must not depend on lib/app.' };
const functionsDir = { group: ['**/functions/**'], message: 'lib/ must not import Lambda handlers.' };
const io = {
  group: [
    'node:fs',
    'node:fs/*',
    'node:http',
    'node:https',
    'node:net',
    'node:child_process',
    '@aws-sdk/*',
    '@kubernetes/*',
  ],
  message: 'lib/domain is pure: no I/O.',
};

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      '.serverless',
      '.esbuild',
      'dist',
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
  {
    files: ['lib/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [adapters, app, functionsDir, io] }],
    },
  },
  {
    files: ['lib/ports/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [adapters, app, functionsDir] }],
    },
  },
  {
    files: ['lib/app/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [adapters, functionsDir] }] },
  },
  {
    files: ['lib/loadtester/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [adapters, app, functionsDir] }],
    },
  },
  {
    files: ['lib/adapters/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [app, functionsDir] }] },
  },
  {
    files: ['functions/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [adapters] }] },
  },
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
