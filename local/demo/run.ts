/**
 * `runDemo()`: a whole canary story on one machine with no cloud account and no cluster. It starts
 * the environment (environment.ts), deploys podinfo 6.0.0 and registers its Canary through the
 * local API, then releases a good version (expected: promoted), a faulty one and one slower than
 * the primary but under the static latency bound (both expected: rolled back — the last by the
 * judge alone), showing progress live, and finally prints the Slack messages and the release history.
 */
import { withTimeout } from '../../lib/abort.js';
import type { DomainEvent } from '../../lib/domain/events.js';
import type { Logger } from '../../lib/ports/logger.js';
import { applyToSandbox } from '../sandbox.js';
import { callApi } from '../stack.js';
import { startEnvironment, type DemoEnvironment } from './environment.js';
import {
  DEMO,
  INITIAL_IMAGE,
  PODINFO_CANARY,
  podinfoDeployment,
  RELEASES,
  type Release,
} from './manifests.js';
import {
  waitForOutcome,
  waitForPhase,
  type CanaryView,
  type Outcome,
  type WatchOptions,
} from './progress.js';
import type { SlackMessage } from './slack.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Print nothing. */
  quiet?: boolean;
  /** Use Prometheus when its binary is found (default true); false forces the sandbox provider. */
  usePrometheus?: boolean;
  /** The prometheus binary; default: the first on PATH. */
  prometheusBin?: string;
  /** Seed of the simulated traffic; default the simulator's fixed seed. */
  trafficSeed?: number;
  /** Where lines go; default console.log. */
  print?: (line: string) => void;
  /** Per release; default 180 s. */
  releaseTimeoutMs?: number;
  /** Stops the demo early (it still cleans up, then rejects). */
  signal?: AbortSignal;
}

/** One history record as the API returns it (the fields the demo prints). */
interface HistoryItem {
  at: number;
  kind: string;
  phase: string;
  reason: string;
  explanation: string;
  canaryWeight?: number;
}

/** What happened to one release. */
interface ReleaseOutcome {
  image: string;
  expected: string;
  outcome: string;
  /** Distinct phases seen while it ran. */
  phases: string[];
}

/** The demo's result; `ok` when the releases ended as expected (Succeeded, Failed, Failed). */
export interface DemoResult {
  ok: boolean;
  /** The outcome of each release, in order: `['Succeeded', 'Failed', 'Failed']` when all went to plan. */
  phases: string[];
  releases: ReleaseOutcome[];
  slackMessages: SlackMessage[];
  /** Oldest first. */
  history: HistoryItem[];
  metrics: 'prometheus' | 'sandbox';
  durationMs: number;
}

/** Runs the demo; every server and process it started is closed before it returns or throws. */
export async function runDemo(opts: DemoOptions = {}): Promise<DemoResult> {
  const started = Date.now();
  const print = opts.quiet ? () => undefined : (opts.print ?? ((l: string) => console.log(l)));
  const env = await startEnvironment({
    usePrometheus: opts.usePrometheus,
    prometheusBin: opts.prometheusBin,
    trafficSeed: opts.trafficSeed,
    print,
    logger: opts.quiet ? undefined : problemsOnly(print),
  });
  try {
    const releases = await play(env, print, opts.releaseTimeoutMs ?? 180_000, opts.signal);
    const history = await historyOf(env);
    const result: DemoResult = {
      ok: releases.every((r) => r.outcome === r.expected),
      phases: releases.map((r) => r.outcome),
      releases,
      slackMessages: [...env.slack.messages],
      history,
      metrics: env.metrics,
      durationMs: Date.now() - started,
    };
    report(result, print);
    return result;
  } finally {
    await env.close();
  }
}

async function play(
  env: DemoEnvironment,
  print: (l: string) => void,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<ReleaseOutcome[]> {
  print(`\n▶ deploying ${INITIAL_IMAGE} and registering the podinfo canary`);
  await applyToSandbox(env.sandbox, podinfoDeployment(INITIAL_IMAGE));
  const created = await callApi(env.stack, 'POST', `/canaries?cluster=${DEMO.cluster}`, PODINFO_CANARY);
  if (created.status >= 300)
    throw new Error(`registering the canary failed: HTTP ${created.status} ${JSON.stringify(created.body)}`);
  const watch = {
    get: () => canaryView(env),
    print: (l: string) => print(`  ${l}`),
    timeoutMs: 60_000,
    signal,
  };
  if (!(await waitForPhase({ ...watch, phase: 'Initialized' })))
    throw new Error('the canary did not initialize within 60 s');
  const out: ReleaseOutcome[] = [];
  for (const release of RELEASES) {
    print(`\n▶ releasing ${release.image}: ${release.story}; expecting ${release.expect}`);
    const outcome = await releaseAndWait(env, release, { ...watch, timeoutMs });
    print(
      `  → ${outcome.phase}${outcome.phase === release.expect ? ' (as expected)' : ` (expected ${release.expect})`}`,
    );
    out.push({
      image: release.image,
      expected: release.expect,
      outcome: outcome.phase,
      phases: outcome.phases,
    });
    if (outcome.phase === 'Timeout') break;
  }
  return out;
}

/** Time left, after a release's outcome, for its last step's notifications to be delivered. */
const NOTIFY_MARGIN_MS = 30_000;

/**
 * Applies `image` and waits for the release's outcome and then for the notifications of its last
 * step. The API shows the terminal phase as soon as the step has saved it, before the step
 * publishes its events; the wait for them is set up before the release starts, so it cannot miss
 * them, and ends (without leaving anything registered) with the release.
 */
async function releaseAndWait(env: DemoEnvironment, release: Release, watch: WatchOptions): Promise<Outcome> {
  return withTimeout(watch.signal, watch.timeoutMs + NOTIFY_MARGIN_MS, async (signal) => {
    const notified = env.stack.bus.delivered(isLastStepOfRelease, signal);
    notified.catch(() => undefined);
    await applyToSandbox(env.sandbox, podinfoDeployment(release.image, release.annotations));
    const outcome = await waitForOutcome(watch);
    if (outcome.phase !== 'Timeout') await notified;
    return outcome;
  });
}

/** An event of the step that ended a release of the demo's canary (all of them carry its phase). */
function isLastStepOfRelease(e: DomainEvent): boolean {
  const { cluster, namespace, name } = e.canary;
  const ours = cluster === DEMO.cluster && namespace === DEMO.namespace && name === DEMO.name;
  return ours && (e.phase === 'Succeeded' || e.phase === 'Failed');
}

function report(r: DemoResult, print: (l: string) => void): void {
  print(`\nSlack messages received (${r.slackMessages.length}):`);
  for (const m of r.slackMessages)
    print(`  ${new Date(m.receivedAt).toISOString().slice(11, 19)}  ${m.text}`);
  print(`\nRelease history (${r.history.length} records):`);
  for (const h of r.history) {
    const weight = h.canaryWeight === undefined ? '' : ` w=${h.canaryWeight}`;
    print(
      `  ${new Date(h.at).toISOString().slice(11, 19)}  ${h.phase.padEnd(16)}${weight.padEnd(6)} ${h.reason}: ${h.explanation}`,
    );
  }
  print(
    `\n${r.ok ? '✔' : '✘'} ${r.releases.map((x) => `${x.image} → ${x.outcome}`).join(', ')} in ${(r.durationMs / 1000).toFixed(0)} s (metrics: ${r.metrics})`,
  );
}

async function canaryView(env: DemoEnvironment): Promise<CanaryView> {
  const res = await callApi(env.stack, 'GET', `/canaries/${DEMO.cluster}/${DEMO.namespace}/${DEMO.name}`);
  if (res.status !== 200)
    throw new Error(`reading the canary failed: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as CanaryView;
}

async function historyOf(env: DemoEnvironment): Promise<HistoryItem[]> {
  const res = await callApi(
    env.stack,
    'GET',
    `/canaries/${DEMO.cluster}/${DEMO.namespace}/${DEMO.name}/history?limit=500`,
  );
  const items = (res.body as { items?: HistoryItem[] } | undefined)?.items ?? [];
  return [...items].reverse();
}

/** A logger for the stack that shows warnings and errors only, on the demo's output. */
function problemsOnly(print: (l: string) => void): Logger {
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    print(`  ${level}: ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
  return { info: () => undefined, warn: line('warn'), error: line('error') };
}
