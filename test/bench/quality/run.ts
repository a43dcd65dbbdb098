/**
 * `npm run bench:quality`: simulated releases judged by Flagger's static thresholds and by the
 * canary-vs-primary judge, side by side (see cells.ts, releases.ts). Writes
 * .data/bench/quality.md and prints it. Options: `--releases N` (per cell, default 300),
 * `--seed S` (default 1), `--workers W` (child processes, default 2).
 *
 * Deterministic for a given seed and release count: the cells are split across workers, but each
 * release's traffic depends only on its seed.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KINDS, RATES, runCell, type CellResult } from './cells.js';
import { renderReport, summariseCell } from './report.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const n = arg('releases', 300);
const seed = arg('seed', 1);
const workers = arg('workers', 2);
const cells = RATES.flatMap((rps) => KINDS.map((kind) => ({ kind, rps })));

/** The seed of a cell's first release: cells never share releases. */
function cellSeed(index: number): number {
  return seed * 1_000_003 + index * 10_007;
}

async function inWorkers(): Promise<CellResult[]> {
  const script = fileURLToPath(import.meta.url);
  const parts = await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const child = spawn(
        process.execPath,
        [
          ...process.execArgv,
          script,
          '--worker',
          String(w),
          '--workers',
          String(workers),
          '--releases',
          String(n),
          '--seed',
          String(seed),
        ],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      return new Promise<CellResult[]>((resolve, reject) =>
        child.on('close', (code) =>
          code === 0
            ? resolve(JSON.parse(out) as CellResult[])
            : reject(new Error(`worker ${w} exited ${code}`)),
        ),
      );
    }),
  );
  return parts.flat();
}

function runShare(w: number): CellResult[] {
  return cells.flatMap((c, i) => (i % workers === w ? [runCell(c.kind, c.rps, n, cellSeed(i))] : []));
}

const worker = arg('worker', -1);
if (worker >= 0) {
  process.stdout.write(JSON.stringify(runShare(worker)));
} else {
  const started = performance.now();
  const results = workers > 1 ? await inWorkers() : runShare(0);
  const order = (r: CellResult) =>
    RATES.indexOf(r.rps as (typeof RATES)[number]) * KINDS.length + KINDS.findIndex((k) => k.id === r.kind);
  const summaries = results.sort((a, b) => order(a) - order(b)).map(summariseCell);
  const report = renderReport(summaries, { n, seed, seconds: (performance.now() - started) / 1000 });
  mkdirSync('.data/bench', { recursive: true });
  writeFileSync('.data/bench/quality.md', report);
  console.log(report);
}
