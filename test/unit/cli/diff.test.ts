import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../../cli/diff.js';

const dir = mkdtempSync(join(tmpdir(), 'cli-diff-'));

/** GNU diff -u of the same texts, without its two header lines. */
function gnuDiff(before: string, after: string): string {
  writeFileSync(join(dir, 'a'), before);
  writeFileSync(join(dir, 'b'), after);
  try {
    execFileSync('diff', ['-u', join(dir, 'a'), join(dir, 'b')], { encoding: 'utf8' });
    return '';
  } catch (e) {
    return (e as { stdout: string }).stdout.split('\n').slice(2).join('\n');
  }
}

/** Applies our diff's hunks to `before` (checking every context and removed line). */
function patch(before: string, diff: string): string {
  const old = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let at = 0;
  for (const hunk of diff
    .split('\n')
    .slice(2, -1)
    .join('\n')
    .split(/^(?=@@)/m)) {
    const [header, ...body] = hunk.replace(/\n$/, '').split('\n');
    const m = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/.exec(header);
    if (!m) throw new Error(`bad hunk header ${header}`);
    const start = m[2] === '0' ? Number(m[1]) : Number(m[1]) - 1;
    out.push(...old.slice(at, start));
    at = start;
    for (const line of body) {
      if (line[0] !== '+') expect(old[at++]).toBe(line.slice(1));
      if (line[0] !== '-') out.push(line.slice(1));
    }
  }
  out.push(...old.slice(at));
  return out.length === 0 ? '' : out.join('\n') + '\n';
}

const numbered = (n: number, f: (i: number) => string = (i) => `line ${i}`) =>
  Array.from({ length: n }, (_, i) => f(i + 1)).join('\n') + '\n';

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\n', 'a\n', 'x', 'y')).toBe('');
  });

  it('writes headers and a hunk with three lines of context, as diff -u', () => {
    const before = numbered(20);
    const after = before.replace('line 10\n', 'line ten\n');
    const d = unifiedDiff(before, after, 'prod/test/podinfo (stored)', 'prod/test/podinfo (canary.yaml)');
    expect(d.split('\n').slice(0, 2)).toEqual([
      '--- prod/test/podinfo (stored)',
      '+++ prod/test/podinfo (canary.yaml)',
    ]);
    expect(d.split('\n').slice(2).join('\n')).toBe(gnuDiff(before, after));
    expect(d).toContain('@@ -7,7 +7,7 @@\n line 7\n line 8\n line 9\n-line 10\n+line ten\n line 11\n');
  });

  it.each([
    {
      name: 'two distant changes',
      before: numbered(30),
      after: numbered(30, (i) => (i === 3 || i === 25 ? `x${i}` : `line ${i}`)),
    },
    {
      name: 'close changes merged',
      before: numbered(30),
      after: numbered(30, (i) => (i === 10 || i === 15 ? `x${i}` : `line ${i}`)),
    },
    { name: 'lines added at the end', before: numbered(5), after: numbered(8) },
    {
      name: 'lines removed at the start',
      before: numbered(8),
      after: numbered(8).split('\n').slice(3).join('\n'),
    },
    { name: 'a new file', before: '', after: numbered(3) },
    { name: 'a single line', before: 'a\n', after: 'b\n' },
  ])('matches GNU diff -u: $name', ({ before, after }) => {
    expect(unifiedDiff(before, after, 'a', 'b').split('\n').slice(2).join('\n')).toBe(gnuDiff(before, after));
  });

  it('always describes a patch that turns the old text into the new one', () => {
    const text = fc
      .array(fc.constantFrom('a', 'b', 'c', 'spec:', '  x: 1', '  y: 2'), { maxLength: 25 })
      .map((ls) => (ls.length === 0 ? '' : ls.join('\n') + '\n'));
    fc.assert(
      fc.property(text, text, (before, after) => {
        const d = unifiedDiff(before, after, 'a', 'b');
        expect(d === '').toBe(before === after);
        if (d !== '') expect(patch(before, d)).toBe(after);
      }),
      { numRuns: 300 },
    );
  });
});
