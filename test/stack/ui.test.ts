/**
 * The status page's sign-in through the packaged api function and the template's routes: the page
 * and its assets come from the zip; the login link is minted only behind the IAM authorizer and
 * carries the signer's identity; a ticket signs in once, not after it expired, never forged; a
 * state-changing call needs the session's CSRF token and the page's origin. Every AWS call the
 * function makes is judged against its role.
 */
import { createHash } from 'node:crypto';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { ApiClient } from '../../cli/client.js';
import { ensurePackaged } from './package.js';
import { PackagedStack } from './stack.js';
import { ACCOUNT, API_ID, REGION } from './template.js';

let stack: PackagedStack;
let client: ApiClient;
let engineer: string;
const TABLE = 'flagger-serverless-dev';

/** A login ticket for the release engineer: the query value of the link's path. */
async function ticket(): Promise<string> {
  const link = await client.call<{ path: string; actor: string }>('POST', '/login-links');
  expect(link.actor).toBe(engineer);
  expect(link.path).toMatch(/^\/ui\/login\?t=[A-Za-z0-9_-]{43}$/);
  return link.path.split('=')[1]!;
}

const login = (t: string) => fetch(`${stack.api.url}/ui/login?t=${t}`, { redirect: 'manual' });

/** The session cookie (`name=value`) a login answer sets. */
function sessionCookie(res: Response): string {
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

beforeAll(async () => {
  engineer = `arn:aws:iam::${ACCOUNT}:user/release-engineer`;
  // The engineer is the deployment's admin: the page acts with the minter's grants.
  const parameters = { admins: `iam:${engineer}` };
  stack = await PackagedStack.start({ dir: ensurePackaged(parameters), parameters });
  const credentials = stack.user('release-engineer', [
    {
      Effect: 'Allow',
      Action: 'execute-api:Invoke',
      Resource: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/*`,
    },
  ]);
  client = new ApiClient(stack.api.url, { kind: 'sigv4', region: REGION, credentials });
}, 300_000);

afterAll(async () => {
  await stack?.close();
});

describe('the status page of the packaged api function', () => {
  beforeEach(() =>
    onTestFailed(() => {
      console.log(stack.ledger.denials().join('\n'), stack.api.refused.join('\n'));
    }),
  );

  it('serves the page and its bundled assets from the zip, without a session', async () => {
    for (const [path, type] of [
      ['/ui/', 'text/html'],
      ['/ui', 'text/html'],
      ['/ui/app.js', 'text/javascript'],
      ['/ui/app.css', 'text/css'],
    ]) {
      const res = await fetch(`${stack.api.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain(type);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    }
    const html = await (await fetch(`${stack.api.url}/ui/`)).text();
    expect(html).not.toMatch(/https?:\/\//);
    expect((await fetch(`${stack.api.url}/ui/session`)).status).toBe(401);
    expect((await fetch(`${stack.api.url}/ui/api/canaries`)).status).toBe(401);
  });

  it('mints login links only behind the IAM authorizer', async () => {
    const unsigned = await fetch(`${stack.api.url}/login-links`, { method: 'POST' });
    expect(unsigned.status).toBe(403);
    expect(stack.api.refused).toHaveLength(1);
    stack.api.refused.length = 0;
  });

  it('a valid ticket signs in once, as its minter, with a strict session cookie', async () => {
    const t = await ticket();
    const res = await login(t);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/ui/');
    const set = res.headers.get('set-cookie')!;
    expect(set).toMatch(
      /^fs_session=[A-Za-z0-9_-]{43}; Path=\/ui; HttpOnly; Secure; SameSite=Strict; Max-Age=28800$/,
    );
    const me = await fetch(`${stack.api.url}/ui/session`, { headers: { cookie: sessionCookie(res) } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ actor: engineer, csrf: expect.stringMatching(/^[\w-]{43}$/) });
    const list = await fetch(`${stack.api.url}/ui/api/canaries`, { headers: { cookie: sessionCookie(res) } });
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual({ items: [] });

    const reused = await login(t);
    expect(reused.status).toBe(401);
    expect(reused.headers.get('set-cookie')).toBeNull();
  });

  it('an expired ticket and a forged one are refused', async () => {
    const t = await ticket();
    const admin = new DynamoDBClient({
      region: REGION,
      endpoint: stack.dynamoEndpoint,
      credentials: { accessKeyId: 'admin', secretAccessKey: 'admin' },
    });
    // Five minutes later, as far as the ticket knows.
    const id = createHash('sha256').update(t).digest('base64url');
    await admin.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: { pk: { S: `U#ticket#${id}` }, sk: { S: 'ticket' } },
        UpdateExpression: 'SET #until = :past',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#until': 'until' },
        ExpressionAttributeValues: { ':past': { N: String(Date.now() - 1) } },
      }),
    );
    admin.destroy();
    expect((await login(t)).status).toBe(401);
    const forged = Buffer.alloc(32, 7).toString('base64url');
    expect((await login(forged)).status).toBe(401);
    expect((await login('')).status).toBe(401);
  });

  it('refuses a state-changing call without the CSRF token, with a wrong one, or from another origin', async () => {
    const cookie = sessionCookie(await login(await ticket()));
    const { csrf } = (await (await fetch(`${stack.api.url}/ui/session`, { headers: { cookie } })).json()) as {
      csrf: string;
    };
    const origin = stack.api.url;
    const pause = (headers: Record<string, string>) =>
      fetch(`${stack.api.url}/ui/api/canaries/prod/test/podinfo/actions/pause`, {
        method: 'POST',
        headers: { cookie, ...headers },
      });
    const refused = [
      await pause({ origin }),
      await pause({ origin, 'x-csrf-token': 'forged' }),
      await pause({ origin, 'x-csrf-token': `${csrf.slice(0, -1)}x` }),
      await pause({ 'x-csrf-token': csrf }),
      await pause({ origin: 'https://evil.example', 'x-csrf-token': csrf }),
      await pause({ origin, 'x-csrf-token': csrf, 'sec-fetch-site': 'cross-site' }),
    ];
    expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403, 403, 403]);
    // A session cannot renew itself through a login link of its own.
    const renew = await fetch(`${stack.api.url}/ui/api/login-links`, {
      method: 'POST',
      headers: { cookie, origin, 'x-csrf-token': csrf },
    });
    expect(renew.status).toBe(403);
    // Through: the operator route answers for a canary that does not exist.
    const through = await pause({ origin, 'x-csrf-token': csrf });
    expect(through.status).toBe(404);
    expect(((await through.json()) as { message: string }).message).toBe(
      'canary prod/test/podinfo not found',
    );
  });

  it('made no AWS call its role does not allow, and no request the gateway refused', () => {
    expect(stack.ledger.denials()).toEqual([]);
    expect(stack.api.refused).toEqual([]);
    expect(stack.incidents).toEqual([]);
  });
});
