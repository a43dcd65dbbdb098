/** Errors → one line each on stderr and an exit code of the contract (exit-codes.ts). */
import { ApiError, ConnectionError, InterruptedError } from './client.js';
import { exitCodes, type ExitCode } from './exit-codes.js';
import { errorLines, oneLine } from './format.js';
import { CliError, UsageError, type Io } from './io.js';

/** The exit code for a failure: 409 → refused (3), other API and transport errors → 4, usage → 64. */
export function exitCodeFor(e: unknown): ExitCode {
  if (e instanceof InterruptedError) return exitCodes.interrupted;
  if (e instanceof UsageError) return exitCodes.usage;
  if (e instanceof ApiError && e.status === 409) return exitCodes.refused;
  return exitCodes.apiError;
}

/**
 * The stderr lines of a failure, each `error: …`; none for Ctrl-C. A usage error may hold several
 * lines (one per field error of the input); others are one line. `prefix` names the object.
 */
export function failureLines(e: unknown, prefix = ''): string[] {
  if (e instanceof InterruptedError) return [];
  if (e instanceof ApiError)
    return errorLines(e.message, e.errors, e.status).map((l) => l.replace(/^error: /, `error: ${prefix}`));
  if (e instanceof UsageError) return e.message.split('\n').map((l) => `error: ${prefix}${l}`);
  const known = e instanceof UsageError || e instanceof CliError || e instanceof ConnectionError;
  const message = e instanceof Error ? e.message : String(e);
  return [`error: ${prefix}${oneLine(known ? message : `unexpected failure: ${message || String(e)}`)}`];
}

/** Writes the failure to stderr and returns its exit code. */
export function report(e: unknown, io: Io): ExitCode {
  const lines = failureLines(e);
  if (lines.length > 0) io.stderr.write(lines.join('\n') + '\n');
  return exitCodeFor(e);
}
