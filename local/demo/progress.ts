/**
 * The demo's live view of a canary, read from the local API (`GET /canaries/…`, whose answer
 * includes `lastStep` with the checks of the latest analysis step): one line per change with the
 * phase, a weight bar and the last checks; and the wait for a release's outcome.
 */

/** A check as the history records it (lib/domain/check.ts `CheckResult`, the fields shown). */
interface StepCheck {
  name: string;
  verdict?: string;
  value?: number;
  explanation?: string;
}

/** The fields of the API's canary view the demo shows. */
export interface CanaryView {
  phase: string;
  canaryWeight: number;
  failedChecks: number;
  lastStep: { reason?: string; checks?: StepCheck[]; judgements?: StepJudgement[] } | null;
}

/** What the progress line shows of one of the judge's verdicts (lib/domain/judge Judgement). */
interface StepJudgement {
  metric: string;
  verdict: string;
  effect: { unit: string; estimate: number | null };
}

/** `[████████░░░░░░░░░░░░]  40%` */
export function weightBar(weight: number, width = 20): string {
  const w = Math.max(0, Math.min(100, Math.round(weight)));
  const full = Math.round((w / 100) * width);
  return `[${'█'.repeat(full)}${'░'.repeat(width - full)}] ${String(w).padStart(3)}%`;
}

/** One status line: phase, weight bar, failed checks, the last step's reason and checks. */
export function formatProgress(v: CanaryView): string {
  const checks = (v.lastStep?.checks ?? [])
    .filter((c) => c.value !== undefined || c.verdict !== undefined)
    .map((c) => `${c.name} ${c.value === undefined ? '–' : round(c.value)} ${verdictMark(c.verdict)}`)
    .join(', ');
  const judged = (v.lastStep?.judgements ?? []).map(formatJudgement).join(', ');
  const reason = v.lastStep?.reason ?? '';
  return `${v.phase.padEnd(16)} ${weightBar(v.canaryWeight)}  failed ${v.failedChecks}  ${reason}${checks ? `  | ${checks}` : ''}${judged ? `  | judge: ${judged}` : ''}`;
}

/** `request-duration ×2.91 ✗`: the effect against the primary (pp of errors, or a latency factor). */
function formatJudgement(j: StepJudgement): string {
  const e = j.effect.estimate;
  const effect =
    e === null ? '–' : j.effect.unit === 'pp' ? `${e >= 0 ? '+' : ''}${round(e)}pp` : `×${e.toFixed(2)}`;
  return `${j.metric} ${effect} ${j.verdict === 'inconclusive' ? '?' : verdictMark(j.verdict)}`;
}

function verdictMark(verdict: string | undefined): string {
  if (verdict === 'pass') return '✓';
  if (verdict === undefined) return '';
  return verdict === 'fail' ? '✗' : `(${verdict})`;
}

function round(n: number): string {
  return Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(1);
}

/** How to read the canary and where progress lines go. */
export interface WatchOptions {
  get(): Promise<CanaryView>;
  print(line: string): void;
  /** Poll period; default 500 ms. */
  everyMs?: number;
  timeoutMs: number;
  /** Aborts the wait (it then throws the signal's reason). */
  signal?: AbortSignal;
}

/** What a release went through. */
export interface Outcome {
  /** The terminal phase reached (`Succeeded`/`Failed`), or `Timeout`. */
  phase: string;
  /** Every distinct phase seen, in order. */
  phases: string[];
}

const TERMINAL = ['Succeeded', 'Failed'];

/**
 * Polls until the canary reaches a terminal phase after having left the one it started in (a
 * release that starts from `Succeeded` must first be seen progressing). Prints a line per change.
 */
export async function waitForOutcome(opts: WatchOptions): Promise<Outcome> {
  const deadline = Date.now() + opts.timeoutMs;
  const phases: string[] = [];
  let lastLine = '';
  let started = false;
  while (Date.now() < deadline) {
    opts.signal?.throwIfAborted();
    const view = await opts.get();
    if (phases.at(-1) !== view.phase) phases.push(view.phase);
    const line = formatProgress(view);
    if (line !== lastLine) opts.print(line);
    lastLine = line;
    started ||= !TERMINAL.includes(view.phase) && view.phase !== 'Initialized';
    if (started && TERMINAL.includes(view.phase)) return { phase: view.phase, phases };
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 500));
  }
  return { phase: 'Timeout', phases };
}

/** Polls until `phase` is reached (e.g. `Initialized`); false on timeout. */
export async function waitForPhase(opts: WatchOptions & { phase: string }): Promise<boolean> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastLine = '';
  while (Date.now() < deadline) {
    opts.signal?.throwIfAborted();
    const view = await opts.get();
    const line = formatProgress(view);
    if (line !== lastLine) opts.print(line);
    lastLine = line;
    if (view.phase === opts.phase) return true;
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 500));
  }
  return false;
}
