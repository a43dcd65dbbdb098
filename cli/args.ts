/** Argument helpers: canary ids, durations, and node:util parseArgs with usage errors. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './io.js';

/** Options every command accepts. */
export const commonOptions = {
  url: { type: 'string' },
  token: { type: 'string' },
  cluster: { type: 'string' },
  'request-timeout': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs in strict mode; its errors become UsageErrors (exit 64). */
export function parse<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({
      args,
      options: { ...commonOptions, ...options },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message.split('. ')[0]);
  }
}

export interface CanaryId {
  cluster: string;
  namespace: string;
  name: string;
}

/** `CLUSTER/NAMESPACE/NAME`, or `NAMESPACE/NAME` with the cluster from --cluster / FLAGGER_CLUSTER. */
export function parseCanaryId(text: string | undefined, cluster: string | undefined): CanaryId {
  if (!text)
    throw new UsageError(
      'missing canary id: expected CLUSTER/NAMESPACE/NAME or NAMESPACE/NAME with --cluster',
    );
  const parts = text.split('/');
  if (parts.some((p) => p === '') || parts.length < 2 || parts.length > 3) {
    throw new UsageError(
      `bad canary id "${text}": expected CLUSTER/NAMESPACE/NAME or NAMESPACE/NAME with --cluster`,
    );
  }
  if (parts.length === 3) return { cluster: parts[0], namespace: parts[1], name: parts[2] };
  if (!cluster)
    throw new UsageError(
      `canary id "${text}" has no cluster: use CLUSTER/${text}, --cluster or FLAGGER_CLUSTER`,
    );
  return { cluster, namespace: parts[0], name: parts[1] };
}

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `500ms`, `2s`, `10m`, `1h`, `1m30s` → milliseconds; a bare number means seconds. */
export function parseDuration(text: string, option: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new UsageError(`--${option}: expected a duration such as 30s, 10m or 1h, got "${text}"`);
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * units[p[2]], 0);
}

/** A positive integer option such as --limit. */
export function parseCount(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${option}: expected a positive integer, got "${text}"`);
  return n;
}

/** Refuses extra positionals beyond `max`. */
export function noExtra(positionals: string[], max: number, usage: string): void {
  if (positionals.length > max)
    throw new UsageError(`unexpected argument "${positionals[max]}"; usage: ${usage}`);
}
