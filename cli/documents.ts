/**
 * `-f` input as Kubernetes-style documents: a file (YAML, JSON, multi-document YAML), a directory
 * (every `*.yaml|*.yml|*.json` below it, recursively, as in a Flux or kustomize folder) or `-` for
 * standard input. `kind: List` documents are expanded into their items. Input that cannot be read
 * or parsed is a UsageError (exit 64) before anything is sent.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Io } from './io.js';
import { UsageError } from './io.js';

/** One document of the input. */
export interface Manifest {
  /** `path`, `path#N` for the N-th document of a multi-document file, `-` for standard input. */
  source: string;
  value: Record<string, unknown>;
  /** Its `kind`, or '' when it has none. */
  kind: string;
}

const manifestFile = /\.(ya?ml|json)$/i;

/** Every document of every `-f` path, in order (a directory's files sorted by path). */
export async function loadManifests(io: Io, paths: readonly string[]): Promise<Manifest[]> {
  const out: Manifest[] = [];
  for (const path of paths) {
    if (path === '-') out.push(...(await parseText(await io.readStdin(), '-')));
    else for (const file of await filesOf(path)) out.push(...(await parseText(await read(file), file)));
  }
  return out;
}

async function filesOf(path: string): Promise<string[]> {
  const info = await stat(path).catch((e: NodeJS.ErrnoException) => {
    throw new UsageError(
      `cannot read ${path}: ${e.code === 'ENOENT' ? 'no such file or directory' : e.message}`,
    );
  });
  if (!info.isDirectory()) return [path];
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    for (const e of entries) {
      if (e.name.startsWith('.')) continue; // .git, .github, editor files
      if (e.isDirectory()) await walk(join(dir, e.name));
      else if (e.isFile() && manifestFile.test(e.name)) files.push(join(dir, e.name));
    }
  };
  await walk(path);
  return files;
}

async function read(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

/** The documents of one text; JSON first when it looks like JSON (tabs are not YAML indentation). */
export async function parseText(text: string, source: string): Promise<Manifest[]> {
  let values: unknown[] | undefined;
  if (/^\s*[{[]/.test(text)) {
    try {
      values = [JSON.parse(text) as unknown];
    } catch {
      // Not strict JSON: YAML (a superset) parses it and reports errors with line and column.
    }
  }
  values ??= await yamlDocuments(text, source);
  const docs = values.flatMap(expandList).filter((v) => v !== null && v !== undefined);
  return docs.map((value, i) => {
    const where = docs.length > 1 ? `${source}#${i + 1}` : source;
    if (!isRecord(value)) throw new UsageError(`${where}: expected a mapping (a Kubernetes object)`);
    return { source: where, value, kind: typeof value.kind === 'string' ? value.kind : '' };
  });
}

async function yamlDocuments(text: string, source: string): Promise<unknown[]> {
  const { parseAllDocuments } = await import('./lazy.js');
  const parsed = parseAllDocuments(text);
  const docs = Array.isArray(parsed) ? parsed : [];
  const error = docs.flatMap((d) => d.errors)[0];
  if (error) {
    const pos = error.linePos?.[0];
    const at = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
    const first = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw new UsageError(`cannot parse ${source}: YAML syntax error${at}: ${first}`);
  }
  return docs.map((d) => d.toJS() as unknown);
}

/** `kind: List` (or `FooList`) with `items` → its items; anything else → itself. */
function expandList(v: unknown): unknown[] {
  if (isRecord(v) && typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items))
    return v.items as unknown[];
  return [v];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Splits `manifests` into those of `kind` and a note naming what was skipped, e.g.
 * `skipped 3 documents that are not Canary: Deployment ×2, Service`.
 */
export function ofKind(
  manifests: readonly Manifest[],
  kind: string,
): { selected: Manifest[]; skipped: string | undefined } {
  const selected = manifests.filter((m) => m.kind === kind);
  const others = manifests.filter((m) => m.kind !== kind);
  if (others.length === 0) return { selected, skipped: undefined };
  const counts = new Map<string, number>();
  for (const m of others) counts.set(m.kind || '(no kind)', (counts.get(m.kind || '(no kind)') ?? 0) + 1);
  const list = [...counts].map(([k, n]) => (n > 1 ? `${k} ×${n}` : k)).join(', ');
  const noun = others.length === 1 ? 'document that is' : 'documents that are';
  return { selected, skipped: `skipped ${others.length} ${noun} not ${kind}: ${list}` };
}

/** A document's place: its namespace (from metadata, else `-n`, else `default`) and name. */
export interface Placed {
  manifest: Manifest;
  namespace: string;
  name: string;
  /** The document to send: `metadata.namespace` filled in from `-n` where it was missing. */
  body: Record<string, unknown>;
}

/**
 * Namespace and name of each document, as `kubectl apply -n` does: `-n` fills a missing
 * namespace and must agree with a given one. The same object twice is a usage error.
 */
export function place(manifests: readonly Manifest[], namespace: string | undefined): Placed[] {
  const seen = new Map<string, string>();
  return manifests.map((m) => {
    const metadata = isRecord(m.value.metadata) ? m.value.metadata : {};
    const own = typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
    if (own && namespace && own !== namespace)
      throw new UsageError(`${m.source}: namespace "${own}" does not match -n ${namespace}`);
    const ns = own ?? namespace ?? 'default';
    const name = typeof metadata.name === 'string' ? metadata.name : '';
    const key = `${ns}/${name}`;
    if (name && seen.has(key))
      throw new UsageError(`${m.source}: ${m.kind} ${key} is also defined in ${seen.get(key)}`);
    seen.set(key, m.source);
    const body = own || !namespace ? m.value : { ...m.value, metadata: { ...metadata, namespace } };
    return { manifest: m, namespace: ns, name, body };
  });
}
