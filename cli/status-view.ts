/** The `status` block (pure) and the end states `--watch` and `--wait` stop at. */
import { ago, oneLine, relative, weightBar } from './format.js';

/** GET /canaries/{c}/{ns}/{n}: canaryView(full) plus the last history record. */
export interface CanaryDetail {
  cluster: string;
  namespace: string;
  name: string;
  target: string;
  phase: string;
  canaryWeight: number;
  failedChecks: number;
  iterations: number;
  paused: boolean;
  pendingCommand: { kind: string; by?: string; gate?: string } | null;
  nextRunAt: string | null;
  spec?: { analysis?: { threshold?: number; iterations?: number } };
  lastStep?: LastStep | null;
}

export interface LastStep {
  at: number;
  kind: string;
  actor: string;
  reason: string;
  explanation: string;
  checks?: Check[];
}

/** A metric CheckResult (`verdict`) or a webhook HookOutcome (`ok`) as stored in history. */
interface Check {
  name?: string;
  verdict?: string;
  ok?: boolean;
  type?: string;
  explanation?: string;
}

/** Lines of the status block, e.g. `weight    [##--------] 20%`. */
export function statusBlock(c: CanaryDetail, now: number): string[] {
  const threshold = Math.max(1, c.spec?.analysis?.threshold ?? 1);
  const iterations = c.spec?.analysis?.iterations ?? 0;
  const lines = [
    `canary    ${c.cluster}/${c.namespace}/${c.name} (target Deployment/${c.target})`,
    `phase     ${c.phase}${c.paused ? ' (paused)' : ''}`,
    `weight    ${weightBar(c.canaryWeight)}`,
    `failed    ${c.failedChecks} of ${threshold} checks`,
  ];
  if (iterations > 0) lines.push(`iteration ${c.iterations} of ${iterations}`);
  lines.push(`next      ${c.paused ? 'paused' : relative(c.nextRunAt, now)}`);
  if (c.pendingCommand) lines.push(`pending   ${describeCommand(c.pendingCommand)}`);
  if (c.lastStep) lines.push(...lastStepLines(c.lastStep, now));
  return lines;
}

function describeCommand(p: NonNullable<CanaryDetail['pendingCommand']>): string {
  return `${p.kind}${p.gate ? ` ${p.gate}` : ''}${p.by ? ` (by ${p.by})` : ''}`;
}

function lastStepLines(s: LastStep, now: number): string[] {
  const head = `last      ${ago(s.at, now)} ${s.kind} by ${s.actor}: ${s.reason}`;
  const checks = (s.checks ?? []).map(
    (k) => `  ${checkMark(k)} ${checkLabel(k)}${k.explanation ? `: ${oneLine(k.explanation)}` : ''}`,
  );
  return [head, `          ${oneLine(s.explanation)}`, ...checks];
}

function checkMark(k: Check): string {
  const pass = k.verdict !== undefined ? k.verdict === 'pass' : k.ok === true;
  return pass ? '✓' : '✗';
}

function checkLabel(k: Check): string {
  return k.type ? `${k.type} ${k.name ?? ''}`.trim() : (k.name ?? '?');
}

/**
 * Where a release ended: Succeeded → 'succeeded'; Failed or Terminated → 'failed'; otherwise
 * (or while an operator command is pending, e.g. retry after Failed) undefined: still going.
 */
export function endState(
  c: Pick<CanaryDetail, 'phase' | 'pendingCommand'>,
): 'succeeded' | 'failed' | undefined {
  if (c.pendingCommand) return undefined;
  if (c.phase === 'Succeeded') return 'succeeded';
  if (c.phase === 'Failed' || c.phase === 'Terminated') return 'failed';
  return undefined;
}
