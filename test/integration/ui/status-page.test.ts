/**
 * The status page in a real Chromium (Debian's, through playwright-core): the control plane's api
 * handler behind local mode's server, a podinfo release analysed on the traffic simulator's metrics
 * and held at confirm-promotion, a login link
 * minted with local mode's token. The page lists the canary mid-release, its chart plots the
 * weights of the history, and its approve button records the approval with the caller.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckItem } from '../../../ui/src/types.js';
import { startLocalServer, type LocalServer } from '../../../local/server.js';
import { buildUi } from '../../../ui/build.mjs';
import { artifactPath, browserAvailable, launchChromium } from '../../support/browser.js';
import { startControlPlane, type ControlPlane } from '../../support/controlplane.js';
import { reply, startReceiver, type Receiver } from '../../support/receiver.js';
import {
  apply,
  initializeCanary,
  podinfoCanary,
  podinfoDeployment,
  podinfoKey as key,
} from '../../support/release.js';
import { startSandbox, type Sandbox } from '../../support/sandbox.js';
import {
  sandboxMetricsProvider,
  startTrafficSimulator,
  type TrafficSimulator,
} from '../../../sandbox/traffic/index.js';

const TOKEN = 'local-test-token-0123456789';
const id = 'sandbox/test/podinfo';
const run = browserAvailable('status page');

let sandbox: Sandbox;
let hooks: Receiver;
let cp: ControlPlane;
let sim: TrafficSimulator;
let server: LocalServer;
let browser: Browser;
let page: Page;

/** A login link for the bearer of local mode's token, as `flagger-serverless ui` asks for it. */
async function loginLink(): Promise<string> {
  const res = await fetch(`${server.url}/login-links`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { path: string; actor: string };
  expect(body.actor).toBe('local-token');
  return `${server.url}${body.path}`;
}

/** Screenshots: test-artifacts/ always; docs/images/ when UPDATE_DOCS_IMAGES=1. */
async function screenshot(name: string, selector?: string): Promise<void> {
  const file = artifactPath(name);
  if (selector) await page.locator(selector).screenshot({ path: file });
  else await page.screenshot({ path: file, fullPage: true });
  if (process.env.UPDATE_DOCS_IMAGES === '1') {
    mkdirSync('docs/images', { recursive: true });
    copyFileSync(file, `docs/images/${name}`);
  }
}

/** One interval: 10 s of simulated traffic, then the due step. */
async function interval() {
  for (let t = 0; t < 10; t++) {
    cp.clock.now += 1000;
    sim.tick();
  }
  return cp.tick(key, 0);
}

beforeAll(async () => {
  if (!run) return;
  await buildUi();
  sandbox = await startSandbox({ rolloutDelayMs: 0, namespaces: ['default', 'test'] });
  hooks = await startReceiver();
  const start = Date.now();
  // The simulator lives on the control plane's clock: the same requests every run.
  sim = await startTrafficSimulator({
    store: sandbox.store,
    namespaces: ['test'],
    autoStart: false,
    serve: false,
    now: () => cp?.clock.now ?? start,
  });
  // As in local mode (local/stack.ts), the holder of the token is an admin; the page acts as them.
  cp = await startControlPlane({
    metrics: sandboxMetricsProvider(sim),
    start,
    env: { ADMIN_PRINCIPALS: 'iam:arn:aws:iam::123456789012:user/tester,local:token' },
  });
  server = await startLocalServer({ api: cp.apiHandler, token: TOKEN });
  await initializeCanary(
    cp,
    sandbox,
    podinfoCanary(`threshold: 2
maxWeight: 20
stepWeight: 10
metrics:
  - { name: request-success-rate, thresholdRange: { min: 99 }, interval: 10s }
  - { name: request-duration, thresholdRange: { max: 500 }, interval: 10s }
webhooks:
  - { name: promotion-gate, type: confirm-promotion, url: "${hooks.url}/promotion" }`),
  );
  hooks.respond('/promotion', reply(403, 'closed'));
  await apply(sandbox, podinfoDeployment('podinfo:6.0.1'));
  let row = await interval();
  for (let i = 0; i < 10 && row?.status.phase !== 'WaitingPromotion'; i++) row = await interval();
  // Two more held steps: the wait is recorded once and counted.
  await interval();
  row = await interval();
  expect(row?.status).toMatchObject({ phase: 'WaitingPromotion', canaryWeight: 20 });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await sim?.close();
  await cp?.close();
  await hooks?.close();
  await sandbox?.close();
});

describe.skipIf(!run)('the status page in Chromium', () => {
  it('without a session it explains how to sign in and shows no canary', async () => {
    await page.goto(`${server.url}/ui/`);
    await expect.poll(() => page.locator('#message').textContent()).toContain('flagger-serverless ui');
    expect(await page.locator('#canaries').isHidden()).toBe(true);
  });

  it('a login link signs in once, then lists the canary mid-release with its pending gate', async () => {
    const link = await loginLink();
    const landed = await page.goto(link);
    expect(page.url()).toBe(`${server.url}/ui/`);
    expect(landed?.status()).toBe(200);
    const row = page.locator(`#canary-list tr[data-canary="${id}"]`);
    await row.waitFor();
    expect(await row.locator('td').allTextContents()).toEqual([
      'sandbox',
      'test',
      'podinfo',
      'WaitingPromotion',
      '20%',
      'WaitingPromotion',
      'confirm-promotion',
    ]);
    expect(await page.locator('#who').textContent()).toBe('signed in as local-token');
    const cookies = await page.context().cookies();
    expect(cookies).toEqual([
      expect.objectContaining({
        name: 'fs_session',
        httpOnly: true,
        secure: true,
        sameSite: 'Strict',
        path: '/ui',
      }),
    ]);
    // The same link again: used up.
    const again = await fetch(link, { redirect: 'manual' });
    expect(again.status).toBe(401);
  });

  it('charts the weights of the history, step by step, with the decisions marked', async () => {
    const history = (await cp.api('GET', `/canaries/${id}/history`, undefined, { limit: '200' })).body
      .items as { kind: string; canaryWeight?: number; reason: string; count?: number }[];
    expect(history[0]).toMatchObject({ reason: 'WaitingPromotion', count: 3 });
    const steps = history.filter((h) => h.kind === 'step').reverse();
    const chart = page.locator('figure[data-chart="weight"]');
    await chart.waitFor();
    const plotted = JSON.parse((await chart.getAttribute('data-plotted'))!) as number[][];
    expect(plotted[1]).toEqual(steps.map((s) => s.canaryWeight ?? null));
    // The release's weights in the order they were set: held at 0 (initialized), 10 %, 20 %.
    expect(plotted[1].filter((w, i) => w !== plotted[1][i - 1])).toEqual([0, 10, 20]);
    const marks = JSON.parse((await chart.getAttribute('data-marks'))!) as string[];
    expect(marks).toEqual(expect.arrayContaining(['CanaryWeightIncreased', 'WaitingPromotion']));
    // Each metric check against its bounds, step by step (no value before the analysis starts).
    const checkOf = (name: string) =>
      steps.map((s) => (s as { checks?: CheckItem[] }).checks?.find((c) => c.name === name));
    for (const [name, bound] of [
      ['request-success-rate', 'min'],
      ['request-duration', 'max'],
    ] as const) {
      const figure = page.locator(`figure[data-chart="check:${name}"]`);
      const [, values, mins, maxs] = JSON.parse((await figure.getAttribute('data-plotted'))!) as number[][];
      expect(values).toEqual(checkOf(name).map((c) => c?.value ?? null));
      expect(bound === 'min' ? mins : maxs).toEqual(checkOf(name).map((c) => c?.[bound] ?? null));
      // The two analysed steps before the gate (the held ones repeat the last record).
      expect(values.filter((v) => v !== null)).toHaveLength(2);
    }
    expect(checkOf('request-success-rate').at(-1)).toMatchObject({ value: 100, min: 99, verdict: 'pass' });
    // The history table: one row per record, the held wait counted.
    expect(await page.locator('#history tbody tr').count()).toBe(history.length);
    await expect
      .poll(() => page.locator('#history tbody tr').first().locator('td').nth(5).textContent())
      .toBe(`WaitingPromotion ×${history[0].count}`);
    expect(await page.content()).not.toContain(sandbox.token);
    expect(await page.content()).not.toContain(TOKEN);
    await screenshot('status-page.png');
    await screenshot('status-page-chart.png', '.charts');
    await screenshot('status-page-gate.png', '#gate');
  });

  it('approve opens the gate through the operator route, recorded with the caller', async () => {
    await page.locator('#gate button[data-action="approve"]').click();
    await expect.poll(() => page.locator('#message').textContent()).toContain('approve requested');
    const history = (await cp.api('GET', `/canaries/${id}/history`)).body.items as Record<string, unknown>[];
    expect(history[0]).toMatchObject({
      kind: 'operator',
      reason: 'OperatorApprove',
      actor: 'local-token',
      explanation: 'local-token requested approve (confirm-promotion)',
    });
    const canary = (await cp.api('GET', `/canaries/${id}`)).body;
    expect(canary.pendingCommand).toEqual({ kind: 'approve', gate: 'confirm-promotion', by: 'local-token' });
    // The queued action step, then the next analysed step: the gate opens and the release promotes.
    await cp.deliver();
    const row = await interval();
    expect(row?.status.phase).toBe('Promoting');
    await page.locator('#refresh').click();
    await expect
      .poll(() => page.locator(`#canary-list tr[data-canary="${id}"] td`).nth(3).textContent())
      .toBe('Promoting');
    await expect.poll(() => page.locator('#gate button').count()).toBe(0);
    await screenshot('status-page-approved.png');
  });

  it('a state-changing call without the CSRF token or from another origin is refused', async () => {
    const status = (headers: Record<string, string>) =>
      page.evaluate(async ({ h, path }) => (await fetch(path, { method: 'POST', headers: h })).status, {
        h: headers,
        path: `/ui/api/canaries/${id}/actions/pause`,
      });
    expect(await status({})).toBe(403);
    expect(await status({ 'x-csrf-token': 'forged' })).toBe(403);
    const history = (await cp.api('GET', `/canaries/${id}/history`)).body.items as { reason: string }[];
    expect(history.map((h) => h.reason)).not.toContain('OperatorPause');
  });
});
