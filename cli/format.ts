/**
 * Pure formatting: tables (plain and `-o wide`), the weight bar, relative times, error lines. The
 * items are the API's answers, typed from its contract (the fields each table reads).
 */
import type {
  AlertProviderView,
  CanarySummary,
  ClusterView,
  HistoryView,
  StoredCheck,
  TemplateView,
} from '../functions/api/contract.js';

/** Columns padded to their widest cell, separated by three spaces (like kubectl). */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('   ')
      .trimEnd();
  return [headers, ...rows].map(line).join('\n') + '\n';
}

/** `[#####-----] 50%`: the canary's share of traffic, `width` cells for 100 %. */
export function weightBar(weight: number, width = 10): string {
  const w = Math.max(0, Math.min(100, Math.round(weight)));
  const filled = Math.round((w / 100) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${w}%`;
}

/** `in 45s`, `in 3m`, `in 2h`, `now` (due or overdue), `-` (nothing scheduled). */
export function relative(iso: string | null | undefined, now: number): string {
  if (!iso) return '-';
  const ms = Date.parse(iso) - now;
  if (Number.isNaN(ms)) return '-';
  if (ms <= 0) return 'now';
  const s = Math.ceil(ms / 1000);
  if (s < 120) return `in ${s}s`;
  if (s < 7200) return `in ${Math.round(s / 60)}m`;
  return `in ${Math.round(s / 3600)}h`;
}

/** `age` of a past instant: `12s ago`, `5m ago`, `3h ago`, `2d ago`. */
export function ago(at: number, now: number): string {
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 120) return `${s}s ago`;
  if (s < 7200) return `${Math.round(s / 60)}m ago`;
  if (s < 172_800) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86_400)}d ago`;
}

/** A canary as listed by GET /canaries: the fields of the API's CanarySummary that the CLI shows. */
export type CanaryRow = Pick<
  CanarySummary,
  'cluster' | 'namespace' | 'name' | 'phase' | 'canaryWeight' | 'failedChecks' | 'paused' | 'nextRunAt'
> &
  Partial<Pick<CanarySummary, 'target' | 'iterations' | 'pendingCommand' | 'updatedAt'>>;

/**
 * CLUSTER NAMESPACE NAME PHASE WEIGHT FAILED NEXT; NEXT says "paused" for a paused canary.
 * `wide` adds TARGET, ITERATIONS, PENDING (operator command) and UPDATED.
 */
export function canaryTable(items: CanaryRow[], now: number, wide = false): string {
  const headers = ['CLUSTER', 'NAMESPACE', 'NAME', 'PHASE', 'WEIGHT', 'FAILED', 'NEXT'];
  const rows = items.map((c) => {
    const row = [
      c.cluster,
      c.namespace,
      c.name,
      c.phase,
      `${c.canaryWeight}%`,
      String(c.failedChecks),
      c.paused ? 'paused' : relative(c.nextRunAt, now),
    ];
    if (!wide) return row;
    const pending = c.pendingCommand
      ? `${c.pendingCommand.kind}${c.pendingCommand.gate ? ` ${c.pendingCommand.gate}` : ''}`
      : '-';
    const updated = c.updatedAt ? ago(Date.parse(c.updatedAt), now) : '-';
    return [...row, c.target ?? '-', String(c.iterations ?? 0), pending, updated];
  });
  return table(wide ? [...headers, 'TARGET', 'ITERATIONS', 'PENDING', 'UPDATED'] : headers, rows);
}

/** `-o name`: one `CLUSTER/NAMESPACE/NAME` per line (for scripts and shell completion). */
export function canaryNames(items: Pick<CanaryRow, 'cluster' | 'namespace' | 'name'>[]): string {
  return items.map((c) => `${c.cluster}/${c.namespace}/${c.name}\n`).join('');
}

type MetricCheck = Extract<StoredCheck, { verdict: unknown }>;
type HookCheck = Extract<StoredCheck, { ok: unknown }>;

/** A recorded check as the CLI reads it: a metric's `verdict`, or a webhook's `ok` and `type`. */
export type CheckItem = Partial<Pick<MetricCheck, 'name' | 'kind' | 'verdict' | 'explanation'>> &
  Partial<Pick<HookCheck, 'name' | 'ok' | 'type' | 'explanation'>>;

/** One history record as the API returns it: the fields the table shows. */
export type HistoryItem = Pick<
  HistoryView,
  | 'at'
  | 'kind'
  | 'actor'
  | 'phase'
  | 'reason'
  | 'explanation'
  | 'canaryWeight'
  | 'failedChecks'
  /** Steps that ended this way (the record and its unrecorded repeats), when more than one. */
  | 'count'
  | 'lastAt'
> & { checks?: readonly CheckItem[] };

/**
 * TIME KIND PHASE WEIGHT REASON ACTOR MESSAGE, newest first as the API lists them. `wide` adds
 * FAILED (the failed-check count after the step) and CHECKS (passed/run) before MESSAGE. A record
 * repeated by steps that changed nothing shows `REASON ×count` and the time of the latest.
 */
export function historyTable(items: HistoryItem[], wide = false): string {
  const rows = items.map((h) => {
    const head = [
      isoSeconds(h.at),
      h.kind,
      h.phase,
      h.canaryWeight === undefined ? '-' : `${h.canaryWeight}%`,
      h.count === undefined ? h.reason : `${h.reason} ×${h.count}`,
      h.actor,
    ];
    const checks = h.checks ?? [];
    const passed = checks.filter((k) => (k.verdict !== undefined ? k.verdict === 'pass' : k.ok === true));
    const extra = wide
      ? [
          h.failedChecks === undefined ? '-' : String(h.failedChecks),
          checks.length === 0 ? '-' : `${passed.length}/${checks.length}`,
        ]
      : [];
    const repeated = h.lastAt === undefined ? '' : ` (latest ${isoSeconds(h.lastAt)})`;
    return [...head, ...extra, oneLine(h.explanation) + repeated];
  });
  const headers = ['TIME', 'KIND', 'PHASE', 'WEIGHT', 'REASON', 'ACTOR'];
  return table([...headers, ...(wide ? ['FAILED', 'CHECKS'] : []), 'MESSAGE'], rows);
}

function isoSeconds(at: number): string {
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A registered cluster as GET /clusters shows it (secrets hidden by the API). */
export type ClusterItem = ClusterView;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * NAME KIND TARGET PROVIDER, TARGET being the EKS cluster, kubeconfig source or server URL.
 * `wide` adds CONTEXT (kubeconfig) and AUTH (how the control plane signs in).
 */
export function clusterTable(items: ClusterItem[], wide = false): string {
  const target = (c: ClusterItem): string => {
    if (c.kind === 'eks') return `${c.eksClusterName} (${text(c.region) ?? '?'})`;
    if (c.kind === 'endpoint') return text(c.server) ?? '-';
    return text(c.kubeconfigSecret) ?? text(c.kubeconfigParameter) ?? text(c.kubeconfig) ?? '-';
  };
  const auth = (c: ClusterItem): string => {
    if (c.kind === 'eks') return 'iam';
    if (c.kind === 'kubeconfig') return 'kubeconfig';
    if (text(c.tokenSecret)) return `token from ${text(c.tokenSecret)}`;
    return text(c.token) ? 'token' : 'none';
  };
  const rows = items.map((c) => {
    const row = [c.name, c.kind, target(c), text(c.defaultProvider) ?? '-'];
    return wide ? [...row, (c.kind === 'kubeconfig' && text(c.context)) || '-', auth(c)] : row;
  });
  const headers = ['NAME', 'KIND', 'TARGET', 'PROVIDER'];
  return table(wide ? [...headers, 'CONTEXT', 'AUTH'] : headers, rows);
}

/** A metric template as the API shows it (header values and URL credentials hidden). */
export type TemplateItem = Pick<
  TemplateView,
  'namespace' | 'name' | 'provider' | 'query' | 'source' | 'cluster'
>;

/** Where a template or alert provider comes from: `api`, or the cluster it is sourced from. */
const sourceOf = (i: { source?: string; cluster?: string }) =>
  (i.source === 'cluster' ? i.cluster : i.source) ?? '-';

/**
 * NAMESPACE NAME SOURCE PROVIDER ADDRESS (a CloudWatch template's region); `wide` adds SECRET and
 * QUERY (on one line).
 */
export function templateTable(items: TemplateItem[], wide = false): string {
  const rows = items.map((t) => {
    const p = t.provider;
    const address = p.type === 'cloudwatch' ? (p.region ?? '-') : p.address;
    const row = [t.namespace, t.name, sourceOf(t), p.type, address];
    return wide ? [...row, (p.type !== 'cloudwatch' && p.secretRef?.name) || '-', oneLine(t.query)] : row;
  });
  const headers = ['NAMESPACE', 'NAME', 'SOURCE', 'PROVIDER', 'ADDRESS'];
  return table(wide ? [...headers, 'SECRET', 'QUERY'] : headers, rows);
}

/** An alert provider as the API shows it (its address is never shown): the fields the table shows. */
export type AlertProviderItem = Pick<
  AlertProviderView,
  'namespace' | 'name' | 'type' | 'channel' | 'username' | 'verbose' | 'source' | 'cluster'
>;

/** NAMESPACE NAME SOURCE TYPE CHANNEL; `wide` adds USERNAME and VERBOSE. */
export function alertProviderTable(items: AlertProviderItem[], wide = false): string {
  const rows = items.map((a) => {
    const row = [a.namespace, a.name, sourceOf(a), a.type, a.channel ?? '-'];
    return wide ? [...row, a.username ?? '-', a.verbose ? 'yes' : 'no'] : row;
  });
  const headers = ['NAMESPACE', 'NAME', 'SOURCE', 'TYPE', 'CHANNEL'];
  return table(wide ? [...headers, 'USERNAME', 'VERBOSE'] : headers, rows);
}

/** The API's error as lines for stderr: one `error: path: message` per field error, else the message. */
export function errorLines(
  message: string,
  errors: { path: string; message: string }[],
  status?: number,
): string[] {
  // Path '' is the request as a whole: the message (with the status) says it better.
  const fields = errors.filter((e) => e.path !== '');
  if (fields.length > 0) return fields.map((e) => `error: ${e.path}: ${oneLine(e.message)}`);
  const suffix = status === undefined ? '' : ` (HTTP ${status})`;
  return [`error: ${oneLine(message)}${suffix}`];
}

/** Collapses a multi-line text to its lines joined with "; ". */
export function oneLine(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join('; ');
}
