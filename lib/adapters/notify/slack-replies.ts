/**
 * Answers to a click on our Slack buttons, posted to the click's `response_url` (Slack's
 * "responding to interactions"): `tell` is an ephemeral message to the person who clicked;
 * `settle` replaces the message, its text kept, its buttons swapped for who decided what. The
 * response URL is a credential for the channel: errors show it only as `scheme://host/…`.
 */
import type { ClickReplies, ReplyTarget } from '../../ports/buttons.js';
import type { AlertProvider } from '../../ports/notifier.js';
import { postJson, type HttpNotifierOptions } from './http.js';
import { ACTIONS_BLOCK } from './slack.js';

type Block = Record<string, unknown>;
interface Message {
  text?: string;
  blocks?: Block[];
  attachments?: { color?: string; blocks?: Block[] }[];
}

/** Replies through Slack's response URLs. */
export function makeSlackReplies(options: HttpNotifierOptions = {}): ClickReplies {
  const post = (target: ReplyTarget, body: unknown, signal: AbortSignal) =>
    postJson(responder(target.url), body, signal, options);
  return {
    tell: (target, text, signal) =>
      post(target, { response_type: 'ephemeral', replace_original: false, text }, signal),
    settle: (target, text, signal) => post(target, settled(target.message, text), signal),
  };
}

/** The record postJson names in errors (the address redacted there). */
function responder(url: string): AlertProvider {
  return { name: 'response_url', namespace: '', type: 'slack', address: url };
}

/**
 * The message as it was, without its buttons, with `text` below it (in the last attachment, where
 * our messages keep their blocks). Pure.
 */
function settled(original: unknown, text: string): Record<string, unknown> {
  const note: Block = { type: 'context', elements: [{ type: 'mrkdwn', text }] };
  const m = (typeof original === 'object' && original !== null ? original : {}) as Message;
  const keep = (blocks: Block[] = []) =>
    blocks.filter((b) => b.block_id !== ACTIONS_BLOCK && b.type !== 'actions');
  const out: Record<string, unknown> = { replace_original: true, text: m.text ?? text };
  const attachments = (m.attachments ?? []).map((a) => ({
    ...(a.color ? { color: a.color } : {}),
    blocks: keep(a.blocks),
  }));
  if (attachments.length > 0) {
    attachments.at(-1)!.blocks.push(note);
    out.attachments = attachments;
    if (m.blocks) out.blocks = keep(m.blocks);
  } else out.blocks = [...keep(m.blocks), note];
  return out;
}
