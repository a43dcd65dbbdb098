/** The `status` block (pure) and the end states `--watch` and `--wait` stop at. */
import type * as Contract from '../functions/api/contract.js';
import { ago, oneLine, relative, weightBar, type CheckItem } from './format.js';

/**
 * How the block shows instants: `relative` (`in 45s`, `12s ago`) for a terminal that redraws it,
 * `absolute` (`12:00:45Z`) for a pipe, where a block is printed only when it changes.
 */
export type Clock = 'relative' | 'absolute';

type Detail = Contract.CanaryDetail;
type Analysis = NonNullable<Detail['spec']['analysis']>;

/**
 * GET /canaries/{c}/{ns}/{n}: canaryView(full) plus the last history record — the fields the
 * block reads, typed from the API's contract (spec, status and last step may be partial).
 */
export type CanaryDetail = Pick<
  Detail,
  | 'cluster'
  | 'namespace'
  | 'name'
  | 'target'
  | 'phase'
  | 'canaryWeight'
  | 'failedChecks'
  | 'iterations'
  | 'paused'
  | 'pendingCommand'
  | 'nextRunAt'
> &
  Partial<Pick<Detail, 'updatedAt' | 'version'>> & {
    spec?: {
      analysis?: Partial<Pick<Analysis, 'threshold' | 'iterations'>>;
      targetRef?: Partial<Pick<Detail['spec']['targetRef'], 'kind'>>;
    };
    status?: Partial<Pick<Detail['status'], 'lastAppliedSpec' | 'lastPromotedSpec' | 'lastTransitionTime'>>;
    lastStep?: LastStep | null;
  };

type LastStep = Pick<Contract.HistoryView, 'at' | 'kind' | 'actor' | 'reason' | 'explanation'> & {
  checks?: Check[];
};

/** A metric CheckResult (`verdict`) or a webhook HookOutcome (`ok`) as stored in history. */
type Check = CheckItem;

/**
 * Lines of the status block, e.g. `weight    [##--------] 20%`. `failures` counts the failed
 * checks of this analysis against `threshold`, the count at which the release rolls back.
 * `wide` adds the revisions and the record's last update.
 */
export function statusBlock(c: CanaryDetail, now: number, clock: Clock = 'relative', wide = false): string[] {
  const threshold = Math.max(1, c.spec?.analysis?.threshold ?? 1);
  const iterations = c.spec?.analysis?.iterations ?? 0;
  const lines = [
    `canary    ${c.cluster}/${c.namespace}/${c.name} (target ${c.spec?.targetRef?.kind ?? 'Deployment'}/${c.target})`,
    `phase     ${c.phase}${c.paused ? ' (paused)' : ''}`,
    `weight    ${weightBar(c.canaryWeight)}`,
    `failures  ${failures(c.failedChecks, threshold)}`,
  ];
  if (iterations > 0) lines.push(`iteration ${c.iterations} of ${iterations}`);
  lines.push(`next      ${c.paused ? 'paused' : at(c.nextRunAt, now, clock)}`);
  if (c.pendingCommand) lines.push(`pending   ${describeCommand(c.pendingCommand)}`);
  if (wide) lines.push(...wideLines(c));
  if (c.lastStep) lines.push(...lastStepLines(c.lastStep, now, clock));
  return lines;
}

/** `2 (rollback at 5)`: never "2 of 5", which reads as "2 of 5 checks failed". */
export function failures(failedChecks: number, threshold: number): string {
  return `${failedChecks} (rollback at ${threshold})`;
}

function at(iso: string | null, now: number, clock: Clock): string {
  if (clock === 'relative' || !iso) return relative(iso, now);
  return isoSeconds(Date.parse(iso));
}

function isoSeconds(ms: number): string {
  return Number.isNaN(ms) ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function wideLines(c: CanaryDetail): string[] {
  const applied = c.status?.lastAppliedSpec ?? '-';
  const promoted = c.status?.lastPromotedSpec ?? '-';
  return [
    `revision  ${applied} (promoted ${promoted})`,
    `since     ${c.status?.lastTransitionTime ?? '-'}`,
    `updated   ${c.updatedAt ?? '-'} (version ${c.version ?? '-'})`,
  ];
}

function describeCommand(p: NonNullable<CanaryDetail['pendingCommand']>): string {
  return `${p.kind}${p.gate ? ` ${p.gate}` : ''}${p.by ? ` (by ${p.by})` : ''}`;
}

function lastStepLines(s: LastStep, now: number, clock: Clock): string[] {
  const when = clock === 'relative' ? ago(s.at, now) : `at ${isoSeconds(s.at)}`;
  const head = `last      ${when} ${s.kind} by ${s.actor}: ${s.reason}`;
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
