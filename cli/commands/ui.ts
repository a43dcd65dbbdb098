/**
 * `ui` prints a sign-in link to the status page: single-use, valid for a few minutes, bound to the
 * identity the CLI calls with (SigV4, JWT or local mode's token). Open it in a browser; it is
 * exchanged on first use for a session cookie (docs/status-page.md).
 */
import { call } from '../api.js';
import { noExtra, parse } from '../args.js';
import { clientFor } from '../client.js';
import type { Io } from '../io.js';
import type { CommandContext, CommandSpec } from './context.js';

const usage = 'ui   (prints a single-use sign-in link to the status page)';

async function ui(args: string[], io: Io, ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (values.help) return ctx.help(usage);
  noExtra(positionals, 0, usage);
  const client = clientFor(values, io, ctx.credentials);
  const link = await call(client, 'POST /login-links');
  io.stdout.write(`${client.baseUrl.replace(/\/+$/, '')}${link.path}\n`);
  io.stderr.write(`signs in once as ${link.actor}, until ${link.expiresAt}\n`);
  return 0;
}

export const spec: CommandSpec = { name: 'ui', usage, options: {}, run: ui };
