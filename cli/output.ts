/** Output formats (`-o`) shared by the reading commands: the table, `wide`, JSON, YAML, `name`. */
import { UsageError } from './io.js';

export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml' | 'name';

/** The formats every reading command accepts; `name` only where it lists ids (canaries). */
export const readFormats = ['json', 'yaml', 'wide'] as const satisfies readonly OutputFormat[];

/** Validates `-o`; absent means the human table. */
export function outputFormat(
  value: string | undefined,
  allowed: readonly OutputFormat[] = readFormats,
): OutputFormat {
  if (value === undefined || value === 'table') return 'table';
  const match = allowed.find((f) => f === value);
  if (match) return match;
  throw new UsageError(`-o: expected ${allowed.join(', ').replace(/, ([^,]+)$/, ' or $1')}, got "${value}"`);
}

/** True for the machine-readable formats, which print the API's answer as it is. */
export function isData(format: OutputFormat): format is 'json' | 'yaml' {
  return format === 'json' || format === 'yaml';
}

/** `data` as pretty JSON or YAML text ending with a newline (the YAML library is loaded on use). */
export async function render(data: unknown, format: 'json' | 'yaml'): Promise<string> {
  if (format === 'json') return JSON.stringify(data, null, 2) + '\n';
  const { stringify } = await import('./lazy.js');
  return stringify(data, { lineWidth: 0 });
}
