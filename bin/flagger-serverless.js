#!/usr/bin/env node
// Launcher of the CLI. Runs the bundle, dist/cli/flagger-serverless.mjs: plain Node ESM built by
// cli/build.mjs (`npm run build:cli`, and the `prepare` script on `npm ci`), no tsx at run time.
// Only in a development checkout without the bundle does it fall back to running cli/main.ts
// through tsx (a devDependency), and it says so on stderr. After changing cli/, rebuild the bundle.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import process from 'node:process';

const bundle = new URL('../dist/cli/flagger-serverless.mjs', import.meta.url);
const args = process.argv.slice(2);

if (existsSync(bundle)) {
  const { run } = await import(bundle.href);
  process.exitCode = await run(args);
} else {
  process.stderr.write(
    'note: no CLI bundle (dist/cli/); running cli/main.ts with tsx. `npm run build:cli` builds the bundle.\n',
  );
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
    process.exitCode = await run(args);
  } else {
    const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(main), ...args], {
      stdio: 'inherit',
    });
    process.exitCode = child.status ?? 4;
  }
}
