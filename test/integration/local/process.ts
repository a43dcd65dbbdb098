/**
 * Local mode as a user runs it: a real process (`npm start …` through a shell, or the module
 * entry local/main.ts), its output collected, waited on by what it prints, stopped with Ctrl-C
 * (SIGINT to its process group: npm, tsx and node, as a terminal sends it). And README's shell
 * blocks, read from the file so that the tests run the commands the reader is given.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The environment of every process: no AWS SDK Node warning, no kubeconfig of the machine's. */
export function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    KUBECONFIG: '/nonexistent/kubeconfig',
    ...extra,
  };
}

/** A finished process. */
export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node --import tsx local/main.ts …args` to its end. */
export function runMain(args: string[], timeoutMs = 150_000): Promise<Finished> {
  return finish(
    spawn(process.execPath, ['--import', 'tsx', 'local/main.ts', ...args], { cwd: root, env: baseEnv() }),
    timeoutMs,
  );
}

/** Runs one shell command line in the repository to its end. */
export function runShell(line: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Finished> {
  return finish(spawn('sh', ['-c', line], { cwd: root, env }), timeoutMs);
}

function finish(child: ChildProcess, timeoutMs: number): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

/** A local mode started from a shell line, running until {@link LocalMode.stop}. */
export interface LocalMode {
  /** `http://127.0.0.1:<port>`, from its banner. */
  url: string;
  /** Everything it printed so far. */
  output(): string;
  /** Ctrl-C, then waits for every process of its group to be gone. */
  stop(): Promise<number | null>;
}

/**
 * Starts `line` (an `npm start …` command) in its own process group and resolves once it has
 * printed `ready` — local mode prints the release commands once the canary is Initialized.
 */
export function startLocalMode(line: string, ready: string, timeoutMs: number): Promise<LocalMode> {
  const child = spawn('sh', ['-c', line], { cwd: root, env: baseEnv(), detached: true });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGINT');
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`local mode did not print "${ready}" within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`local mode exited (${code}) before printing "${ready}":\n${out}`));
    });
    const check = () => {
      const url = /local mode on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      if (!url || !out.includes(ready)) return;
      clearTimeout(timer);
      child.stdout.off('data', check);
      resolve({ url, output: () => out, stop });
    };
    child.stdout.on('data', check);
  });
}

/** The lines of the ```sh blocks of README's section `heading`, one array per block. */
export function readmeBlocks(heading: string): string[][] {
  const text = readFileSync(`${root}README.md`, 'utf8');
  const from = text.indexOf(`\n${heading}\n`);
  if (from < 0) throw new Error(`README.md has no "${heading}"`);
  const section = text.slice(from + heading.length + 2).split(/\n## /)[0];
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) =>
    m[1]
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  );
}
