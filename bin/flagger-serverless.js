#!/usr/bin/env node
// Launcher for `npx flagger-serverless` in a checkout: registers tsx's ESM loader (a
// devDependency) and runs cli/main.ts. Falls back to `node --import tsx` when the API is missing.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import process from 'node:process';

const main = new URL('../cli/main.ts', import.meta.url);
let api;
try {
  api = await import('tsx/esm/api');
} catch {
  api = undefined;
}

if (api?.register) {
  api.register();
  const { run } = await import(main.href);
  process.exitCode = await run(process.argv.slice(2));
} else {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(main), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  process.exitCode = child.status ?? 1;
}
