/**
 * `npm run bench:hostile`: local mode's HTTP server under hostile requests, as a report (not a
 * test). Two phases against one `startStack` (dynalite in memory, the API behind its token):
 *
 * 1. bursts: each hostile body of issue 14 sent CONCURRENCY times at once, ROUNDS times (one
 *    phase per body);
 * 2. fuzz: the fuzz test's generator (test/unit/api/hostile.ts), FUZZ_RUNS requests over HTTP.
 *
 * Local mode runs in a child process that measures itself per phase: RSS (before, max, after a
 * GC) and the event loop's delay (perf_hooks.monitorEventLoopDelay, 10 ms resolution: p99, max);
 * this process is only the client. Reports requests and status counts too (5xx and connection
 * errors counted together). Writes .data/bench/hostile.md and prints it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import fc from 'fast-check';
import { parse } from 'yaml';
import { silentLogger } from '../../lib/ports/logger.js';
import { startStack } from '../../local/stack.js';
import { hostileRequest } from '../unit/api/hostile.js';

const CONCURRENCY = Number(process.env.CONCURRENCY ?? 20);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 5000);
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 42);

const yaml = readFileSync('test/fixtures/podinfo-canary.yaml', 'utf8');
const manifest = parse(yaml) as { spec: Record<string, unknown> };
const nest = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;

const bodies: [string, string][] = [
  ['the podinfo manifest (valid)', yaml],
  ['200 KB of "["', '['.repeat(200_000)],
  [
    'unknown field nested 2,000 deep',
    JSON.stringify({ ...manifest, spec: { ...manifest.spec, x: 0 } }).replace('"x":0', `"x":${nest(2000)}`),
  ],
  ['YAML "- " nested 100,000 deep', `${'- '.repeat(100_000)}x`],
  [
    'billion laughs',
    [
      'a: &a [x,x,x,x,x,x,x,x,x]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
    ].join('\n'),
  ],
  ['250 KB YAML of 12,000 keys', Array.from({ length: 12_000 }, (_, i) => `key${i}: value${i}`).join('\n')],
  ['1 MiB body', 'a'.repeat(1 << 20)],
  ['10 MiB body', 'a'.repeat(10 << 20)],
];

interface Phase {
  name: string;
  requests: number;
  statuses: Map<string, number>;
  maxRss: number;
  rssBefore: number;
  rssAfter: number;
  delayMaxMs: number;
  delayP99Ms: number;
  seconds: number;
}

/** Where the client sends: the child's URL and token. */
interface Target {
  url: string;
  token: string;
}

type ServerStats = Pick<Phase, 'rssBefore' | 'maxRss' | 'rssAfter' | 'delayMaxMs' | 'delayP99Ms'>;

/** The server side: local mode in this child process, measuring itself between 'start' and 'stop'. */
async function serve(): Promise<void> {
  const stack = await startStack({ token: 'bench', logger: silentLogger, dispatchEveryMs: 3_600_000 });
  await stack.registerCluster({ name: 'c', kind: 'endpoint', server: 'http://127.0.0.1:9', token: 'x' });
  const h = monitorEventLoopDelay({ resolution: 10 });
  let maxRss = 0;
  let rssBefore = 0;
  const sampler = setInterval(() => (maxRss = Math.max(maxRss, process.memoryUsage.rss())), 20);
  process.on('message', (m: string) => {
    if (m === 'start') {
      global.gc?.();
      rssBefore = maxRss = process.memoryUsage.rss();
      h.reset();
      h.enable();
      process.send!({ started: true });
    } else if (m === 'stop') {
      h.disable();
      maxRss = Math.max(maxRss, process.memoryUsage.rss());
      global.gc?.();
      const rssAfter = process.memoryUsage.rss();
      const stats: ServerStats = {
        rssBefore,
        maxRss,
        rssAfter,
        delayMaxMs: h.max / 1e6,
        delayP99Ms: h.percentile(99) / 1e6,
      };
      process.send!(stats);
    } else if (m === 'exit') {
      clearInterval(sampler);
      void stack.close().then(() => process.exit(0));
    }
  });
  const target: Target = { url: stack.url, token: stack.token };
  process.send!(target);
}

function ask<T>(child: ChildProcess, message: string): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as T));
    child.send(message);
  });
}

async function measure(
  child: ChildProcess,
  name: string,
  run: (count: (s: string) => void) => Promise<number>,
): Promise<Phase> {
  const statuses = new Map<string, number>();
  const count = (s: string) => statuses.set(s, (statuses.get(s) ?? 0) + 1);
  await ask(child, 'start');
  const t = performance.now();
  const requests = await run(count);
  const seconds = (performance.now() - t) / 1000;
  const stats = await ask<ServerStats>(child, 'stop');
  return { name, requests, statuses, seconds, ...stats };
}

async function send(target: Target, path: string, init: { method: string; body?: string }): Promise<string> {
  try {
    const res = await fetch(`${target.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${target.token}` },
    });
    await res.arrayBuffer();
    return String(res.status);
  } catch (e) {
    return `error ${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message}`;
  }
}

async function burst(target: Target, body: string, count: (s: string) => void): Promise<number> {
  for (let round = 0; round < ROUNDS; round++) {
    const all = Array.from({ length: CONCURRENCY }, () =>
      send(target, '/canaries?cluster=c', { method: 'POST', body }),
    );
    for (const s of await Promise.all(all)) count(s);
  }
  return ROUNDS * CONCURRENCY;
}

/** The first requests answered 5xx (or not at all), for the report. */
const failures: string[] = [];

async function fuzz(target: Target, count: (s: string) => void): Promise<number> {
  const reqs = fc.sample(hostileRequest(manifest), { seed: FUZZ_SEED, numRuns: FUZZ_RUNS });
  for (let i = 0; i < reqs.length; i += 10) {
    const batch = reqs.slice(i, i + 10).map((r) => {
      const body = r.base64 && r.body !== undefined ? Buffer.from(r.body, 'base64').toString('utf8') : r.body;
      const q = new URLSearchParams(r.query).toString();
      const method = r.method === 'HEAD' ? 'GET' : r.method;
      return send(target, `${r.path}${q ? `?${q}` : ''}`, {
        method,
        body: method === 'GET' || method === 'DELETE' ? undefined : body,
      });
    });
    const got = await Promise.all(batch);
    got.forEach((s, j) => {
      count(s);
      if (!/^[1-4]/.test(s) && failures.length < 5)
        failures.push(`${s}: ${JSON.stringify(reqs[i + j]).slice(0, 300)}`);
    });
  }
  return reqs.length;
}

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

function report(phases: Phase[]): string {
  const lines = [
    '# Hostile requests against local mode',
    '',
    `${new Date().toISOString()} · node ${process.version} · each body: ${CONCURRENCY} concurrent POST /canaries × ${ROUNDS} rounds · fuzz: ${FUZZ_RUNS} requests of the fuzz test's generator, 10 concurrent`,
    '',
    '| phase | requests | statuses | 5xx | server RSS before → max → after | event-loop delay p99 / max | time |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const p of phases) {
    const statuses = [...p.statuses]
      .sort()
      .map(([s, n]) => `${s}: ${n}`)
      .join(', ');
    const fives = [...p.statuses]
      .filter(([s]) => s.startsWith('5') || s.startsWith('error'))
      .reduce((a, [, n]) => a + n, 0);
    lines.push(
      `| ${p.name} | ${p.requests} | ${statuses} | ${fives} | ${mb(p.rssBefore)} → ${mb(p.maxRss)} → ${mb(p.rssAfter)} | ${p.delayP99Ms.toFixed(0)} ms / ${p.delayMaxMs.toFixed(0)} ms | ${p.seconds.toFixed(1)} s |`,
    );
  }
  if (failures.length > 0) lines.push('', 'First failures:', '', ...failures.map((f) => `- ${f}`));
  lines.push('', 'Body sizes:', '', ...bodies.map(([name, b]) => `- ${name}: ${b.length} bytes`));
  return `${lines.join('\n')}\n`;
}

if (process.argv.includes('--server')) {
  await serve();
} else {
  const child = fork(fileURLToPath(import.meta.url), ['--server'], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
  });
  const target = await new Promise<Target>((resolve) => child.once('message', (m) => resolve(m as Target)));
  await send(target, '/canaries?cluster=c', { method: 'POST', body: yaml });
  const phases: Phase[] = [];
  for (const [name, body] of bodies) phases.push(await measure(child, name, (c) => burst(target, body, c)));
  phases.push(await measure(child, `fuzz (seed ${FUZZ_SEED})`, (c) => fuzz(target, c)));
  child.send('exit');
  const text = report(phases);
  mkdirSync('.data/bench', { recursive: true });
  writeFileSync('.data/bench/hostile.md', text);
  console.log(text);
}
