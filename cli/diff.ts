/** A line diff in the unified format of `diff -u` (pure). */

type Op = { type: ' ' | '-' | '+'; line: string };

/** Above this many cells the middle of two texts is shown as replaced rather than aligned. */
const maxCells = 4_000_000;

/**
 * The unified diff of `before` → `after` with `context` lines around each change, under
 * `--- fromLabel` / `+++ toLabel` headers; '' when the texts are equal.
 */
export function unifiedDiff(
  before: string,
  after: string,
  fromLabel: string,
  toLabel: string,
  context = 3,
): string {
  if (before === after) return '';
  const ops = lineOps(lines(before), lines(after));
  const hunks = hunkRanges(ops, context).map(([from, to]) => hunkText(ops, from, to));
  return [`--- ${fromLabel}`, `+++ ${toLabel}`, ...hunks].join('\n') + '\n';
}

function lines(text: string): string[] {
  if (text === '') return [];
  const all = text.split('\n');
  return all[all.length - 1] === '' ? all.slice(0, -1) : all;
}

/** Equal lines (' '), removals ('-') and additions ('+') along a longest common subsequence. */
function lineOps(a: string[], b: string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const same = (from: number, to: number): Op[] => a.slice(from, to).map((line) => ({ type: ' ', line }));
  const middle = alignMiddle(a.slice(start, endA), b.slice(start, endB));
  return [...same(0, start), ...middle, ...same(endA, a.length)];
}

function alignMiddle(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  if (n * m > maxCells) return [...a.map((line) => del(line)), ...b.map((line) => add(line))];
  // lcs[i * (m + 1) + j]: length of the LCS of a[i..] and b[j..].
  const lcs = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => lcs[i * (m + 1) + j];
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i * (m + 1) + j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ type: ' ', line: a[i] });
      i++;
      j++;
    } else if (i < n && (j === m || at(i + 1, j) >= at(i, j + 1))) {
      ops.push(del(a[i++])); // removals before additions, as diff -u shows a changed line
    } else {
      ops.push(add(b[j++]));
    }
  }
  return ops;
}

const del = (line: string): Op => ({ type: '-', line });
const add = (line: string): Op => ({ type: '+', line });

/** [from, to) index ranges of `ops`: each change with `context` lines, overlapping ones merged. */
function hunkRanges(ops: Op[], context: number): [number, number][] {
  const ranges: [number, number][] = [];
  ops.forEach((op, i) => {
    if (op.type === ' ') return;
    const from = Math.max(0, i - context);
    const to = Math.min(ops.length, i + 1 + context);
    const last = ranges[ranges.length - 1];
    if (last && from <= last[1]) last[1] = to;
    else ranges.push([from, to]);
  });
  return ranges;
}

function hunkText(ops: Op[], from: number, to: number): string {
  const before = ops.slice(0, from);
  const body = ops.slice(from, to);
  const oldBefore = before.filter((o) => o.type !== '+').length;
  const newBefore = before.filter((o) => o.type !== '-').length;
  const oldLen = body.filter((o) => o.type !== '+').length;
  const newLen = body.filter((o) => o.type !== '-').length;
  const header = `@@ -${range(oldBefore, oldLen)} +${range(newBefore, newLen)} @@`;
  return [header, ...body.map((o) => o.type + o.line)].join('\n');
}

/** `start,len` as GNU diff writes it: `,len` omitted when 1; an empty range starts at the line before. */
function range(linesBefore: number, len: number): string {
  if (len === 0) return `${linesBefore},0`;
  return len === 1 ? `${linesBefore + 1}` : `${linesBefore + 1},${len}`;
}
