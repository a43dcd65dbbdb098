/** What main() hands every command besides its arguments and the Io. */
import type { Io } from '../io.js';
import type { Credentials } from '../sigv4.js';

export interface CommandContext {
  /** Prints `usage` (prefixed with the program name) to stdout; returns exit code 0. */
  help(usage: string): number;
  /** SigV4 credentials to use instead of the default AWS chain (tests). */
  credentials?: Credentials;
}

/** A command: arguments after its name → exit code. Errors are thrown and mapped by main(). */
export type Command = (args: string[], io: Io, ctx: CommandContext) => Promise<number>;
