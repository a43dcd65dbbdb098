#!/usr/bin/env node
// Bundles the CLI (cli/main.ts and everything it imports, node_modules included) into plain Node
// ESM files under dist/cli/ that bin/flagger-serverless.js runs: no tsx, no TypeScript at run
// time. Run by `npm run build:cli` and by the `prepare` script (so the bundle exists after
// `npm ci`); dist/ is never committed.
//
// Code splitting keeps start-up small: what the CLI loads with `await import()` (the AWS SDK for
// SigV4, yaml, zod for `diff`, log-update) lives in chunks read only when a command needs them,
// so `--help` and `--version` read one ~40 kB file.
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const defaultOutdir = resolve(root, 'dist/cli');
export const entryName = 'flagger-serverless.mjs';

/**
 * Builds the bundle into `outdir` (entry `flagger-serverless.mjs`, chunks under `chunks/`).
 * A concurrent run of the CLI never sees a half-written bundle: the build goes to a scratch
 * directory; the content-hashed chunks are moved in first, the entry is renamed over the old one
 * last, then chunks that no entry needs any more are removed.
 */
export async function buildCli(outdir = defaultOutdir) {
  const { build } = await import('esbuild');
  const scratch = `${outdir}.${process.pid}.tmp`;
  await rm(scratch, { recursive: true, force: true });
  await build({
    entryPoints: { 'flagger-serverless': resolve(root, 'cli/main.ts') },
    outdir: scratch,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    // CommonJS dependencies (the AWS SDK) call require() for Node's builtins.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  await mkdir(join(outdir, 'chunks'), { recursive: true });
  const chunks = await readdir(join(scratch, 'chunks')).catch(() => []);
  for (const c of chunks) await rename(join(scratch, 'chunks', c), join(outdir, 'chunks', c));
  await rename(join(scratch, entryName), join(outdir, entryName));
  for (const old of await readdir(join(outdir, 'chunks')))
    if (!chunks.includes(old)) await rm(join(outdir, 'chunks', old), { force: true });
  await rm(scratch, { recursive: true, force: true });
  return join(outdir, entryName);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await import('esbuild');
  } catch {
    // `npm ci --omit=dev` has no esbuild: leave the bundle out rather than fail the install.
    console.warn('build:cli: esbuild is not installed; skipping the CLI bundle');
    process.exit(0);
  }
  const entry = await buildCli(process.argv[2] ? resolve(process.argv[2]) : undefined);
  console.log(`build:cli: wrote ${entry.replace(`${root}/`, '')}`);
}
