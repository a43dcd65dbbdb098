/**
 * The zips `osls package` writes (docs/architecture.md, "Cold start"): each at most 1 MB and
 * holding its own function only (the api zip also the status page); the step function's handler module free of the use case,
 * client-node and the AWS SDK clients, which come in chunks read on the first invocation; no zod,
 * whatwg-url or ws in the step zip at all. Byte and content checks only; the times are in
 * `npm run bench`.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePackaged } from '../../stack/package.js';
import { unzip } from '../../stack/unzip.js';

const FUNCTIONS = ['api', 'dispatch', 'loadtester', 'notify', 'slack', 'step'];

/** Text that only the named code contains, as it survives minification (each was in the step zip
 * before the step bundle was trimmed). */
const MARKERS = {
  // A path template of client-node's generated CoreV1Api.
  clientNode: '/api/v1/namespaces/{namespace}/configmaps',
  // An operation of the EKS client (DescribeCluster), from its command and schema.
  awsSdkClient: 'DescribeCluster',
  // The step use case (lib/app/gather.ts), which batch.ts brings.
  useCase: 'still needed inputs after',
  // zod 4's base type, named by its constructor.
  zod: '$ZodType',
  // Punycode's prefix in tr46 (whatwg-url's IDNA tables).
  tr46: 'xn--',
  // ws, which only client-node's exec/attach/port-forward use.
  ws: 'ws+unix',
};

let dir: string;
let root: string;
const files = new Map<string, string[]>();

beforeAll(() => {
  dir = ensurePackaged();
  root = mkdtempSync(join(tmpdir(), 'bundles-'));
  for (const fn of FUNCTIONS) files.set(fn, unzip(join(dir, `${fn}.zip`), join(root, fn)));
}, 300_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The step module's files that load with it: the handler and what it imports statically. */
function staticClosure(base: string, entry: string): string[] {
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(join(base, file), 'utf8');
    // `import{a as b}from"./x.mjs"` and `import"./x.mjs"`, not `import("./x.mjs")`.
    for (const m of text.matchAll(/(?:from|import)\s*"\.\/([^"]+)"/g)) todo.push(m[1]!);
  }
  return [...seen];
}

const read = (base: string, names: string[]) =>
  names.map((f) => readFileSync(join(base, f), 'utf8')).join('\n');

/** The names of the markers `text` contains (a short failure message, not the bundle). */
const found = (text: string, names: (keyof typeof MARKERS)[]) =>
  names.filter((n) => text.includes(MARKERS[n]));

describe('the packaged zips', () => {
  it.each(FUNCTIONS)('%s.zip is at most 1 MB and holds its own function only', (fn) => {
    expect(statSync(join(dir, `${fn}.zip`)).size).toBeLessThanOrEqual(2 ** 20);
    const names = files.get(fn)!;
    expect(names).toContain(`functions/${fn}/handler.mjs`);
    const page = fn === 'api' ? ['ui/dist/app.css', 'ui/dist/app.js', 'ui/dist/index.html'] : [];
    expect(names.filter((n) => !n.startsWith(`functions/${fn}/handler.`)).sort()).toEqual(page);
  });

  it('the api zip holds the status page as built from ui/, self-contained (no CDN)', () => {
    const base = join(root, 'api', 'ui/dist');
    const html = readFileSync(join(base, 'index.html'), 'utf8');
    expect(html).toContain('<script type="module" src="/ui/app.js"></script>');
    expect(html).not.toMatch(/https?:\/\//);
    const js = readFileSync(join(base, 'app.js'), 'utf8');
    // uPlot is bundled in (its root class name), and the script loads nothing from elsewhere.
    expect(js).toContain('uplot');
    expect(js).not.toMatch(/\bimport\s*\(?\s*["']https?:/);
    expect(readFileSync(join(base, 'app.css'), 'utf8')).toContain('.uplot');
  });

  it('the step handler module loads without the use case, client-node or the AWS SDK clients', () => {
    const base = join(root, 'step', 'functions/step');
    const loaded = staticClosure(base, 'handler.mjs');
    const all = readdirSync(base).filter((f) => f.endsWith('.mjs'));
    const lazy = ['useCase', 'clientNode', 'awsSdkClient'] as const;
    // Each is in the zip (so the check can fail), but not in what loads with the module: the
    // first invocation imports them (batch.ts and the wiring).
    expect(found(read(base, all), [...lazy])).toEqual(lazy);
    expect(found(read(base, loaded), [...lazy])).toEqual([]);
  });

  it('the step zip carries no zod, whatwg-url/tr46 or ws at all', () => {
    const base = join(root, 'step', 'functions/step');
    const everything = read(
      base,
      readdirSync(base).filter((f) => f.endsWith('.mjs')),
    );
    expect(found(everything, ['zod', 'tr46', 'ws'])).toEqual([]);
    // The zod marker is found where zod is: the api function validates manifests with it.
    expect(found(read(join(root, 'api', 'functions/api'), ['handler.mjs']), ['zod'])).toEqual(['zod']);
  });

  it('the slack zip carries no zod, client-node or EKS client: Slack waits 3 s for its answer', () => {
    const base = join(root, 'slack', 'functions/slack');
    const everything = read(
      base,
      readdirSync(base).filter((f) => f.endsWith('.mjs')),
    );
    expect(found(everything, ['zod', 'clientNode', 'awsSdkClient', 'useCase'])).toEqual([]);
  });
});
