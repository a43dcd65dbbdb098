/** `completion bash|zsh`: prints the shell completion script (see cli/completion.ts). */
import { noExtra, parse } from '../args.js';
import { completionScript, shells, type Shell } from '../completion.js';
import { UsageError, type Io } from '../io.js';
import { program } from '../program.js';
import type { CommandContext, CommandSpec } from './context.js';

const usage = 'completion bash|zsh   (bash: source <(flagger-serverless completion bash))';

function completion(args: string[], io: Io, ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (values.help) return Promise.resolve(ctx.help(usage));
  noExtra(positionals, 1, usage);
  const shell = positionals[0];
  if (!shells.includes(shell as Shell))
    throw new UsageError(
      `completion: expected ${shells.join(' or ')}, got ${shell ? `"${shell}"` : 'nothing'}`,
    );
  io.stdout.write(completionScript(shell as Shell, ctx.commands, program));
  return Promise.resolve(0);
}

export const spec: CommandSpec = {
  name: 'completion',
  usage,
  options: {},
  operand: { kind: 'words', words: shells },
  run: completion,
};
