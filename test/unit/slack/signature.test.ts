/**
 * Slack's request signature, checked against the example of Slack's documentation
 * ("Verifying requests from Slack") and against the ways a request can fail it.
 */
import { describe, expect, it } from 'vitest';
import { slackSignature, verifySlackRequest } from '../../../functions/slack/signature.js';

// The example of https://api.slack.com/authentication/verifying-requests-from-slack.
const docs = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body: 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};
const at = Number(docs.timestamp) * 1000;
const headers = (o: Partial<Record<string, string>> = {}) => ({
  'x-slack-request-timestamp': docs.timestamp,
  'x-slack-signature': docs.signature,
  ...o,
});

describe('Slack request signature', () => {
  it("computes the signature of Slack's documented example", () => {
    expect(slackSignature(docs.secret, docs.timestamp, docs.body)).toBe(docs.signature);
  });

  it.each([
    { name: 'the documented request, on time', h: headers(), body: docs.body, now: at + 1000, want: 'valid' },
    { name: 'five minutes late, still', h: headers(), body: docs.body, now: at + 300_000, want: 'valid' },
    {
      name: 'a tampered body',
      h: headers(),
      body: docs.body.replace('U2CERLKJA', 'U0ADMIN00'),
      now: at,
      want: 'mismatch',
    },
    { name: 'older than five minutes', h: headers(), body: docs.body, now: at + 301_000, want: 'expired' },
    {
      name: 'more than five minutes ahead',
      h: headers(),
      body: docs.body,
      now: at - 301_000,
      want: 'expired',
    },
    {
      name: 'no signature',
      h: headers({ 'x-slack-signature': undefined }),
      body: docs.body,
      now: at,
      want: 'unsigned',
    },
    {
      name: 'no timestamp',
      h: headers({ 'x-slack-request-timestamp': undefined }),
      body: docs.body,
      now: at,
      want: 'unsigned',
    },
    {
      name: 'a timestamp that is not a number',
      h: headers({ 'x-slack-request-timestamp': '1e9' }),
      body: docs.body,
      now: at,
      want: 'unsigned',
    },
    {
      name: 'a signature of another length',
      h: headers({ 'x-slack-signature': 'v0=abc' }),
      body: docs.body,
      now: at,
      want: 'mismatch',
    },
    {
      name: 'the timestamp moved (signed for another instant)',
      h: headers({ 'x-slack-request-timestamp': '1531420619' }),
      body: docs.body,
      now: at,
      want: 'mismatch',
    },
  ])('$name: $want', ({ h, body, now, want }) => {
    expect(verifySlackRequest(h, Buffer.from(body), docs.secret, now)).toBe(want);
  });

  it('refuses the documented request under another secret', () => {
    expect(verifySlackRequest(headers(), Buffer.from(docs.body), `${docs.secret}x`, at)).toBe('mismatch');
  });
});
