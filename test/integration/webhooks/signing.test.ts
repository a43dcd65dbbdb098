/**
 * Webhooks to the stack's own load tester are SigV4-signed with the function's credentials
 * (execute-api); webhooks anywhere else are sent as Flagger sends them, unsigned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sigv4Signer } from '../../../lib/adapters/aws/sigv4.js';
import { makeHttpHooks } from '../../../lib/adapters/webhooks/index.js';
import type { HookCall } from '../../../lib/ports/hooks.js';
import { ownLoadtesterSigner } from '../../../lib/wiring-step.js';
import { startReceiver, type Receiver } from '../../support/receiver.js';
import { signedBy, verifySigned } from '../../stack/sigv4.js';

let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(() => rx.close());

const credentials = () => Promise.resolve({ accessKeyId: 'AKIAANALYZE', secretAccessKey: 'step-secret' });
const call = (url: string): HookCall => ({
  name: 'gate',
  type: 'confirm-promotion',
  url,
  timeoutMs: 2000,
  retries: 0,
  payload: { name: 'podinfo', namespace: 'test', phase: 'Progressing', checksum: 'abc' },
});

describe('signing webhooks to our own load tester', () => {
  const signerFor = ownLoadtesterSigner(`${'http://127.0.0.1'}:0/loadtester`, () =>
    sigv4Signer({ service: 'execute-api', region: 'eu-west-1', credentials }),
  );

  it('signs URLs under the load tester with SigV4 for execute-api, verifiably', async () => {
    const base = `${rx.url}/loadtester`;
    const hooks = makeHttpHooks({
      signerFor: ownLoadtesterSigner(base, () =>
        sigv4Signer({ service: 'execute-api', region: 'eu-west-1', credentials }),
      ),
    });
    const r = await hooks.call(call(`${base}/gate/check`), AbortSignal.timeout(5000));
    expect(r.ok).toBe(true);
    const [req] = rx.requestsTo('/loadtester/gate/check');
    const headers = req!.headers as Record<string, string>;
    expect(signedBy(headers)).toEqual({
      accessKeyId: 'AKIAANALYZE',
      region: 'eu-west-1',
      service: 'execute-api',
    });
    const received = {
      method: 'POST',
      host: new URL(rx.url).host,
      path: '/loadtester/gate/check',
      query: new URLSearchParams(),
      headers,
      body: req!.rawBody,
    };
    expect(await verifySigned(received, 'step-secret')).toBe(true);
    expect(await verifySigned(received, 'another-secret')).toBe(false);
  });

  it('leaves every other URL unsigned, including look-alike prefixes', async () => {
    expect(signerFor(new URL('http://127.0.0.1:0/loadtester-evil/gate/check'))).toBeUndefined();
    expect(signerFor(new URL('http://127.0.0.1:0/other'))).toBeUndefined();
    expect(signerFor(new URL('http://127.0.0.1:0/loadtester/gate/check'))).toBeDefined();
    const hooks = makeHttpHooks({ signerFor });
    await hooks.call(call(`${rx.url}/elsewhere`), AbortSignal.timeout(5000));
    expect((rx.requestsTo('/elsewhere')[0]!.headers as Record<string, string>).authorization).toBeUndefined();
  });
});
