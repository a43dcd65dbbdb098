#!/usr/bin/env node
// Builds the status page into ui/dist/ (index.html, app.js, app.css): ui/src/main.ts and what it
// imports — uPlot and its CSS included — bundled by esbuild into one script and one stylesheet, so
// the page loads nothing but these files and the API. Run by `prepare`, by `npm run package`
// (serverless.yml puts ui/dist into the api zip) and by the tests that open the page.
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const uiDist = join(root, 'ui', 'dist');

/** Builds the page into `outdir` (default ui/dist). */
export async function buildUi(outdir = uiDist) {
  const { build } = await import('esbuild');
  await mkdir(outdir, { recursive: true });
  await build({
    entryPoints: { app: join(root, 'ui', 'src', 'main.ts') },
    outdir,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  await copyFile(join(root, 'ui', 'index.html'), join(outdir, 'index.html'));
  return outdir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await import('esbuild');
  } catch {
    console.warn('ui/build: esbuild is not installed; skipping the status page');
    process.exit(0);
  }
  await buildUi();
  console.log('ui/build: wrote ui/dist');
}
