/** Machine-readable output (`-o json|yaml`) shared by the listing commands. */
import { stringify } from 'yaml';
import { UsageError } from './io.js';

export type OutputFormat = 'table' | 'json' | 'yaml';

/** Validates `-o`; absent means the human table. */
export function outputFormat(value: string | undefined): OutputFormat {
  if (value === undefined || value === 'table') return 'table';
  if (value === 'json' || value === 'yaml') return value;
  throw new UsageError(`-o: expected json or yaml, got "${value}"`);
}

/** `data` as pretty JSON or YAML text ending with a newline. */
export function render(data: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? JSON.stringify(data, null, 2) + '\n' : stringify(data);
}
