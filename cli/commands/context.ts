/** What a command is (for main(), `--help` and shell completion) and what main() hands it. */
import type { Options } from '../args.js';
import type { Io } from '../io.js';
import type { Credentials } from '../sigv4.js';

export interface CommandContext {
  /** Prints `usage` (prefixed with the program name) to stdout; returns exit code 0. */
  help(usage: string): number;
  /** SigV4 credentials to use instead of the default AWS chain (tests). */
  credentials?: Credentials;
  /** Every command (for `completion`). */
  commands: readonly CommandSpec[];
}

/** A command: arguments after its name → exit code. Errors are thrown and mapped by main(). */
type Command = (args: string[], io: Io, ctx: CommandContext) => Promise<number>;

/**
 * What a command's first argument is, for completion: canary ids (from `get -A -o name`), or fixed
 * words (subcommands, shells); with `ids`, the word after `get`/`delete` is an id listed by
 * `<command> list -o name`.
 */
type Operand = { kind: 'canary' } | { kind: 'words'; words: readonly string[]; ids?: boolean };

export interface CommandSpec {
  name: string;
  /** Usage lines, without the program name. */
  usage: string;
  /** Its options besides the common ones (--url, --token, --cluster, --request-timeout, --help). */
  options: Options;
  /** The values `-o` accepts, if it has -o. */
  formats?: readonly string[];
  operand?: Operand;
  run: Command;
}
