/**
 * The permissions table of docs/deploy.md — function, AWS action, the Sid of the role statement
 * that allows it — read from the document and built from what the stack test observed, so the
 * two are compared and cannot drift apart.
 */
import { readFileSync } from 'node:fs';
import type { Call } from './iam.js';

export type PermissionRow = `${string} | ${string} | ${string}`;

/** `function | action | Sid` rows of the calls functions made (not the test's own users). */
export function permissionRows(calls: readonly Call[], functions: readonly string[]): PermissionRow[] {
  const rows = new Set<PermissionRow>();
  for (const c of calls) {
    if (!functions.includes(c.principal) || !c.allowed) continue;
    for (const sid of c.allowedBy) rows.add(`${c.principal} | ${c.action} | ${sid}`);
  }
  return [...rows].sort();
}

/** The rows of the table under the heading "Permissions" of `path` (first three columns). */
export function documentedPermissions(path: string): PermissionRow[] {
  const text = readFileSync(path, 'utf8');
  const section = text.split(/^## /m).find((s) => s.startsWith('Permissions'));
  if (!section) throw new Error(`${path} has no "## Permissions" section`);
  const rows = section
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|\s*-/.test(l))
    .slice(1)
    .map((l) =>
      l
        .split('|')
        .slice(1, 4)
        .map((c) => c.trim().replace(/`/g, '')),
    )
    .map(([f, a, s]) => `${f} | ${a} | ${s}` as PermissionRow);
  return [...new Set(rows)].sort();
}
