import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'cli-completion-'));
/** Stands in for flagger-serverless: logs its arguments and lists ids like `-o name` does. */
const stub = join(dir, 'flagger-serverless');
const calls = join(dir, 'calls.log');
const hasZsh = spawnSync('zsh', ['-c', 'true']).status === 0;
const scripts: Record<string, string> = {};

async function script(shell: string): Promise<string> {
  let out = '';
  const code = await main(['completion', shell], {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: () => true },
    env: {},
    readStdin: () => Promise.resolve(''),
  });
  expect(code).toBe(0);
  const path = join(dir, `completion.${shell}`);
  writeFileSync(path, out);
  return path;
}

beforeAll(async () => {
  writeFileSync(
    stub,
    `#!/bin/sh
echo "$*" >> ${calls}
case "$1" in
  get) printf 'prod/test/podinfo\\nprod/test/backend\\nstage/web/frontend\\n' ;;
  clusters) printf 'prod\\nstage\\n' ;;
  templates) printf 'test/error-rate\\ntest/latency\\n' ;;
esac
`,
  );
  chmodSync(stub, 0o755);
  scripts.bash = await script('bash');
  if (hasZsh) scripts.zsh = await script('zsh');
});

/** The candidates bash offers for the command line `words` (the last word is being completed). */
function bash(...words: string[]): string[] {
  const line = [stub, ...words].map((w) => `'${w}'`).join(' ');
  const program = `source ${scripts.bash}; COMP_WORDS=(${line}); COMP_CWORD=${words.length}; _flagger_serverless; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['-c', program], { cwd: dir, encoding: 'utf8' }).split('\n').filter(Boolean);
}

/** The same with zsh, with compsys's compadd and _files stood in for. */
function zsh(...words: string[]): string[] {
  const line = [stub, ...words].map((w) => `'${w}'`).join(' ');
  const program = `compdef() { :; }; compadd() { shift; print -l -- "$@"; }; _files() { print FILES; }
source ${scripts.zsh}; words=(${line}); CURRENT=${words.length + 1}; _flagger_serverless || true`;
  return execFileSync('zsh', ['-c', program], { cwd: dir, encoding: 'utf8' }).split('\n').filter(Boolean);
}

const cases = [
  { line: ['st'], want: ['status'] },
  { line: ['status', ''], want: ['prod/test/podinfo', 'prod/test/backend', 'stage/web/frontend'] },
  { line: ['promote', 'prod/'], want: ['prod/test/podinfo', 'prod/test/backend'] },
  { line: ['status', 'prod/test/podinfo', ''], want: [] },
  { line: ['status', '--w'], want: ['--watch', '--wait'] },
  { line: ['get', '-o', ''], want: ['json', 'yaml', 'wide', 'name'] },
  { line: ['history', '-o', ''], want: ['json', 'yaml', 'wide'] },
  { line: ['apply', '--cluster', ''], want: ['prod', 'stage'] },
  { line: ['approve', 'a/b/c', '--gate', 'confirm-p'], want: ['confirm-promotion'] },
  { line: ['templates', ''], want: ['list', 'get', 'apply', 'delete'] },
  { line: ['templates', 'get', ''], want: ['test/error-rate', 'test/latency'] },
  { line: ['alert-providers', 'list', ''], want: [] },
  { line: ['completion', ''], want: ['bash', 'zsh'] },
];

describe('bash completion', () => {
  it('completes the commands and the global flags', () => {
    const all = bash('');
    expect(all).toEqual(
      expect.arrayContaining(['apply', 'diff', 'delete', 'templates', 'alert-providers', '--version']),
    );
    expect(all).toContain('completion');
  });

  it.each(cases)('$line → $want', ({ line, want }) => {
    expect(bash(...line)).toEqual(want);
  });

  it('asks the API with the --url and --token typed on the line, and a short timeout', () => {
    writeFileSync(calls, '');
    bash('status', '--url', 'http://api:8080', '--token', 't0k', '');
    expect(readFileSync(calls, 'utf8')).toBe(
      'get -A -o name --url http://api:8080 --token t0k --request-timeout 2s\n',
    );
  });

  it('completes file names after -f', () => {
    expect(bash('apply', '-f', 'completion.b')).toEqual(['completion.bash']);
  });
});

describe.skipIf(!hasZsh)('zsh completion', () => {
  it.each(cases.filter((c) => c.line[c.line.length - 1] === ''))('$line → $want', ({ line, want }) => {
    expect(zsh(...line)).toEqual(want);
  });

  it('offers files after -f', () => {
    expect(zsh('diff', '-f', '')).toEqual(['FILES']);
  });
});
