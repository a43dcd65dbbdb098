/**
 * Cold start and bundle sizes of what `npm run package` ships: each zip's size, and the time to
 * import the step function's handler module in a fresh `node` compared with bare `node -e 0`
 * (alternating runs, medians; the ratio is what the goal is about).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ColdStart {
  zips: { name: string; bytes: number }[];
  bareMs: number;
  importMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function wallMs(args: string[]): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** Undefined when .serverless/ has no zips (run `npm run package` first). */
export function benchColdStart(runs = 9): ColdStart | undefined {
  const dir = '.serverless';
  if (!existsSync(join(dir, 'step.zip'))) return undefined;
  const zips = readdirSync(dir)
    .filter((f) => f.endsWith('.zip'))
    .map((f) => ({ name: f, bytes: statSync(join(dir, f)).size }));
  const out = mkdtempSync(join(tmpdir(), 'coldstart-'));
  try {
    execFileSync('unzip', ['-q', join(dir, 'step.zip'), '-d', out]);
    const handler = join(out, 'functions/step/handler.mjs');
    const bare: number[] = [];
    const imported: number[] = [];
    for (let i = 0; i < runs; i++) {
      bare.push(wallMs(['-e', '0']));
      imported.push(wallMs(['--input-type=module', '-e', `await import(${JSON.stringify(handler)})`]));
    }
    return { zips, bareMs: median(bare), importMs: median(imported) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
