/**
 * The docs stay navigable: every relative link and `#anchor` in README.md and docs/*.md points at a
 * file that exists and, for an anchor, at a heading of that file (GitHub's slugs). And no file refers
 * to the behavioural spec that lives outside the repository: its section signs and its file name are
 * gone, replaced by links to docs/flagger-compatibility.md.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** README.md and every docs/*.md, repo-relative. */
function markdownFiles(): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs];
}

/** The text outside fenced code blocks, line by line (fenced lines become empty, numbering kept). */
function proseLines(text: string): string[] {
  let fence: string | undefined;
  return text.split('\n').map((line) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== undefined) {
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      return '';
    }
    if (marker !== undefined) {
      fence = marker;
      return '';
    }
    return line;
  });
}

/** Inline code spans removed: `[x](y)` inside backticks is not a link. */
function withoutCodeSpans(line: string): string {
  return line.replace(/(`+)[\s\S]*?\1/g, '');
}

/**
 * GitHub's heading anchor: the rendered text (code spans, links and emphasis reduced to their
 * text), lower-cased, punctuation other than `-` and `_` dropped, each space a hyphen.
 */
export function githubSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/(\*\*|__|\*)/g, '');
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a file offers: its headings' slugs (repeats get `-1`, `-2`, …) and explicit ids. */
export function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of proseLines(text)) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line)?.[1];
    if (heading !== undefined) {
      const base = githubSlug(heading);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      anchors.add(n === 0 ? base : `${base}-${n}`);
    }
    for (const m of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]);
  }
  return anchors;
}

/** The link destinations of a markdown text with their line numbers (inline and reference links). */
export function linksOf(text: string): { target: string; line: number }[] {
  const out: { target: string; line: number }[] = [];
  proseLines(text).forEach((raw, i) => {
    const line = withoutCodeSpans(raw);
    for (const m of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
      out.push({ target: m[1], line: i + 1 });
    const def = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(line);
    if (def) out.push({ target: def[1], line: i + 1 });
  });
  return out;
}

/** What a link checker needs from the file system (a fake in the self-test). */
interface Files {
  exists(path: string): boolean;
  isDirectory(path: string): boolean;
  read(path: string): string;
}

const disk: Files = {
  exists: (p) => existsSync(join(root, p)),
  isDirectory: (p) => statSync(join(root, p)).isDirectory(),
  read: (p) => readFileSync(join(root, p), 'utf8'),
};

/** `file:line: target — why` for every relative link of `file` that does not resolve. */
export function brokenLinks(file: string, files: Files): string[] {
  const text = files.read(file);
  const broken: string[] = [];
  for (const { target, line } of linksOf(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: …
    const hash = target.indexOf('#');
    const pathPart = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
    const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
    const where = `${file}:${line}: ${target}`;
    const resolved = pathPart === '' ? file : relative(root, resolve(root, dirname(file), pathPart));
    if (resolved.startsWith('..')) {
      broken.push(`${where} — points outside the repository`);
      continue;
    }
    if (!files.exists(resolved)) {
      broken.push(`${where} — no such file ${resolved}`);
      continue;
    }
    if (anchor === undefined || anchor === '') continue;
    if (!resolved.endsWith('.md') || files.isDirectory(resolved)) {
      broken.push(`${where} — an anchor into a file that is not markdown`);
      continue;
    }
    if (!anchorsOf(files.read(resolved)).has(anchor)) {
      broken.push(`${where} — ${resolved} has no heading with anchor #${anchor}`);
    }
  }
  return broken;
}

describe('markdown links', () => {
  it.each(markdownFiles())('%s: every relative link and anchor resolves', (file) => {
    expect(brokenLinks(file, disk)).toEqual([]);
  });

  it('reports a missing file, a missing anchor and a missing in-page anchor', () => {
    const fake: Record<string, string> = {
      'docs/a.md': [
        '# Title',
        'See [b](b.md#second-part), [gone](missing.md), [bad](b.md#nope), [self](#title), [up](#nowhere).',
        '```sh',
        'echo "[not a link](ignored.md)"',
        '```',
        'And `[code](span.md)` is not a link either; [site](https://example.com/x.md) is not checked.',
      ].join('\n'),
      'docs/b.md': '# B\n\n## Second part\n',
    };
    const files: Files = {
      exists: (p) => p in fake,
      isDirectory: () => false,
      read: (p) => fake[p] ?? '',
    };
    expect(brokenLinks('docs/a.md', files)).toEqual([
      'docs/a.md:2: missing.md — no such file docs/missing.md',
      'docs/a.md:2: b.md#nope — docs/b.md has no heading with anchor #nope',
      'docs/a.md:2: #nowhere — docs/a.md has no heading with anchor #nowhere',
    ]);
  });

  it.each([
    ['Deliberate differences from Flagger', 'deliberate-differences-from-flagger'],
    ['Webhook gates against the deployed load tester', 'webhook-gates-against-the-deployed-load-tester'],
    ['1. Stop Flagger from acting', '1-stop-flagger-from-acting'],
    ['Template variables: `{{ cluster }}`', 'template-variables--cluster-'],
    ['Slack (`slack`) — incoming webhook, Block Kit', 'slack-slack--incoming-webhook-block-kit'],
    ['The `flagger-serverless` CLI', 'the-flagger-serverless-cli'],
    ['SMI (`provider: smi:v1alpha1` … `smi:v1alpha4`)', 'smi-provider-smiv1alpha1--smiv1alpha4'],
  ])('slugs a heading as GitHub does: %s', (heading, slug) => {
    expect(githubSlug(heading)).toBe(slug);
  });

  it('numbers repeated headings as GitHub does', () => {
    expect([...anchorsOf('# A\n## Tests\n## Tests\n```\n# not a heading\n```\n')]).toEqual([
      'a',
      'tests',
      'tests-1',
    ]);
  });
});

/** Repository files a reader or a tool can open (no dependencies, build output or local data). */
function sourceFiles(dir = ''): string[] {
  const skip = new Set(['node_modules', 'dist', 'coverage']);
  const out: string[] = [];
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = dir === '' ? e.name : `${dir}/${e.name}`;
    if (e.isSymbolicLink() || skip.has(e.name) || (e.name.startsWith('.') && e.name !== '.ci')) continue;
    if (e.isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|mts|js|mjs|cjs|md|ya?ml|json|sh|txt)$/.test(e.name) || dir === '.ci') out.push(path);
  }
  return out;
}

describe('the compatibility reference lives in the repository', () => {
  const section = '\u00a7';
  const outsideSpec = ['flagger', 'spec.md'].join('-');

  it(`no file cites sections (${section}) of a document the repository does not hold`, () => {
    const files = sourceFiles();
    expect(files.length).toBeGreaterThan(100);
    const hits = files.flatMap((f) =>
      readFileSync(join(root, f), 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          line.includes(section) || line.includes(outsideSpec) ? [`${f}:${i + 1}: ${line.trim()}`] : [],
        ),
    );
    expect(hits).toEqual([]);
  });

  it('README.md links the compatibility reference', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme.includes('(docs/flagger-compatibility.md)'), 'README.md has no link to it').toBe(true);
  });
});
