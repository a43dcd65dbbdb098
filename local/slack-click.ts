/**
 * `npm run slack-click -- ACTION CLUSTER/NAMESPACE/NAME [--gate GATE]`: a click on a Slack button
 * sent to local mode as Slack sends one (docs/slack.md, "Try it locally") — a `block_actions`
 * payload, form-encoded, signed with SLACK_SIGNING_SECRET (v0 HMAC-SHA256 of
 * `v0:<timestamp>:<body>`) — so the interactivity route can be tried without a Slack workspace.
 * The click's `response_url` is served by this command on a loopback port: the answers Slack
 * would show are printed. Each run is a click on a new message (a new nonce) unless `--value`
 * repeats a button's value. Exit codes: 0 the click was answered 200, 1 otherwise, 64 usage error.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { slackSignature } from '../functions/slack/signature.js';
import { decodeButton, encodeButton, type ButtonAction } from '../lib/domain/buttons.js';
import type { ConfirmGate } from '../lib/domain/status.js';
import { slackClickEnv } from './config.js';

const USAGE = `Usage: npm run slack-click -- ACTION CLUSTER/NAMESPACE/NAME [--gate GATE] [--team T] [--user U]
       npm run slack-click -- --value VALUE [--team T] [--user U]
Sends local mode a Slack button click signed with SLACK_SIGNING_SECRET, at
FLAGGER_API_URL/slack/interactions (default http://127.0.0.1:8080), and prints the answers.
ACTION is approve (with --gate confirm-rollout|confirm-traffic-increase|confirm-promotion),
abort or pause; VALUE a button's value copied from a message. The clicker is
slack:<team>/<user>, default slack:T0LOCAL/U0LOCAL.
`;

const env = slackClickEnv();

async function main(argv: string[]): Promise<number> {
  let args: Exclude<ReturnType<typeof parse>, 'help'>;
  try {
    const parsed = parse(argv);
    if (parsed === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    args = parsed;
  } catch (e) {
    process.stderr.write(`slack-click: ${(e as Error).message.split('\n')[0]}\n\n${USAGE}`);
    return 64;
  }
  if (!env.signingSecret) {
    process.stderr.write('slack-click: SLACK_SIGNING_SECRET is not set (use the one local mode runs with)\n');
    return 1;
  }
  const replies = await startResponseUrl();
  try {
    const body = new URLSearchParams({ payload: JSON.stringify(payload(args, replies.url)) }).toString();
    const timestamp = String(Math.floor(Date.now() / 1000));
    const url = `${env.apiUrl}/slack/interactions`;
    let status: number;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': timestamp,
          'x-slack-signature': slackSignature(env.signingSecret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(15_000),
      });
      status = res.status;
      const text = await res.text();
      console.log(`POST ${url} as slack:${args.team}/${args.user}: HTTP ${status}${text ? ` ${text}` : ''}`);
    } catch (e) {
      process.stderr.write(
        `slack-click: cannot reach ${url} (${(e as Error).message}): is \`npm start\` running?\n`,
      );
      return 1;
    }
    for (const r of replies.received) console.log(r);
    return status === 200 ? 0 : 1;
  } finally {
    await replies.close();
  }
}

/** Slack's `block_actions` payload for a click on the button `args` describes. */
function payload(args: Args, responseUrl: string): Record<string, unknown> {
  return {
    type: 'block_actions',
    team: { id: args.team },
    user: { id: args.user },
    actions: [
      { type: 'button', block_id: 'flagger-actions', action_id: `flagger:${args.action}`, value: args.value },
    ],
    response_url: responseUrl,
    message: { text: 'a message of local mode' },
  };
}

/** A loopback response_url: what the button use case answers, as lines to print. */
async function startResponseUrl() {
  const received: string[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      received.push(describeReply(text));
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/actions/local`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** `reply (everyone): …` for a settled message, `reply (you only): …` for an ephemeral one. */
function describeReply(text: string): string {
  type Block = { type?: string; elements?: { text?: string }[] };
  let body: {
    replace_original?: boolean;
    text?: string;
    attachments?: { blocks?: Block[] }[];
    blocks?: Block[];
  };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return `reply: ${text}`;
  }
  if (body.replace_original !== true) return `reply (you only): ${body.text ?? ''}`;
  const blocks = [...(body.attachments ?? []).flatMap((a) => a.blocks ?? []), ...(body.blocks ?? [])];
  const note = blocks.filter((b) => b.type === 'context').at(-1)?.elements?.[0]?.text;
  return `reply (everyone, the buttons removed): ${note ?? ''}`;
}

interface Args {
  action: ButtonAction;
  value: string;
  team: string;
  user: string;
}

const actions: readonly ButtonAction[] = ['approve', 'abort', 'pause'];
const gates: readonly ConfirmGate[] = ['confirm-rollout', 'confirm-traffic-increase', 'confirm-promotion'];

/** The click to send; throws with a one-line message. */
function parse(argv: string[]): Args | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      gate: { type: 'string' },
      value: { type: 'string' },
      team: { type: 'string', default: 'T0LOCAL' },
      user: { type: 'string', default: 'U0LOCAL' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const { team, user } = values;
  if (values.value !== undefined) {
    const button = decodeButton(values.value);
    if (!button || positionals.length > 0)
      throw new Error('expected --value with a Flagger button value alone');
    return { action: button.action, value: values.value, team, user };
  }
  const [action, id, ...rest] = positionals;
  if (!actions.includes(action as ButtonAction))
    throw new Error(`expected approve, abort or pause, got ${JSON.stringify(action ?? '')}`);
  const parts = (id ?? '').split('/');
  if (parts.length !== 3 || parts.some((p) => p === '') || rest.length > 0)
    throw new Error(`expected CLUSTER/NAMESPACE/NAME, got ${JSON.stringify(id ?? '')}`);
  const gate = values.gate as ConfirmGate | undefined;
  if ((action === 'approve') !== (gate !== undefined) || (gate !== undefined && !gates.includes(gate)))
    throw new Error(`approve needs --gate ${gates.join('|')}, and only approve takes one`);
  const [cluster, namespace, name] = parts;
  const value = encodeButton({
    canary: { cluster, namespace, name },
    action: action as ButtonAction,
    ...(gate ? { gate } : {}),
    // A new message each run: its own nonce (one decision per message).
    nonce: randomBytes(12).toString('base64url'),
  });
  return { action: action as ButtonAction, value, team, user };
}

// Last: the constants above are initialized by now.
process.exitCode = await main(process.argv.slice(2));
