/** Pure formatting: tables, the weight bar, relative times, history rows, error lines. */

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

/** A canary as listed by GET /canaries (the fields of canaryView that the CLI shows). */
export interface CanaryRow {
  cluster: string;
  namespace: string;
  name: string;
  phase: string;
  canaryWeight: number;
  failedChecks: number;
  paused: boolean;
  nextRunAt: string | null;
}

/** CLUSTER NAMESPACE NAME PHASE WEIGHT FAILED NEXT; NEXT says "paused" for a paused canary. */
export function canaryTable(items: CanaryRow[], now: number): string {
  const rows = items.map((c) => [
    c.cluster,
    c.namespace,
    c.name,
    c.phase,
    `${c.canaryWeight}%`,
    String(c.failedChecks),
    c.paused ? 'paused' : relative(c.nextRunAt, now),
  ]);
  return table(['CLUSTER', 'NAMESPACE', 'NAME', 'PHASE', 'WEIGHT', 'FAILED', 'NEXT'], rows);
}

/** One history record as the API returns it. */
export interface HistoryItem {
  at: number;
  kind: string;
  actor: string;
  phase: string;
  reason: string;
  explanation: string;
  canaryWeight?: number;
}

/** TIME KIND PHASE WEIGHT REASON ACTOR MESSAGE, newest first as the API lists them. */
export function historyTable(items: HistoryItem[]): string {
  const rows = items.map((h) => [
    new Date(h.at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    h.kind,
    h.phase,
    h.canaryWeight === undefined ? '-' : `${h.canaryWeight}%`,
    h.reason,
    h.actor,
    oneLine(h.explanation),
  ]);
  return table(['TIME', 'KIND', 'PHASE', 'WEIGHT', 'REASON', 'ACTOR', 'MESSAGE'], rows);
}

/** A registered cluster as GET /clusters shows it (secrets hidden by the API). */
export type ClusterItem = Record<string, unknown> & { name: string; kind: string };

/** NAME KIND TARGET PROVIDER, TARGET being the EKS cluster, kubeconfig source or server URL. */
export function clusterTable(items: ClusterItem[]): string {
  const target = (c: ClusterItem): string => {
    const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
    const eks = text(c.eksClusterName) && `${text(c.eksClusterName)} (${text(c.region) ?? '?'})`;
    return (
      eks ??
      text(c.server) ??
      text(c.kubeconfigSecret) ??
      text(c.kubeconfigParameter) ??
      text(c.kubeconfig) ??
      '-'
    );
  };
  const rows = items.map((c) => [
    c.name,
    c.kind,
    target(c),
    typeof c.defaultProvider === 'string' ? c.defaultProvider : '-',
  ]);
  return table(['NAME', 'KIND', 'TARGET', 'PROVIDER'], rows);
}

/** The API's error as lines for stderr: one `error: path: message` per field error, else the message. */
export function errorLines(
  message: string,
  errors: { path: string; message: string }[],
  status?: number,
): string[] {
  if (errors.length > 0) return errors.map((e) => `error: ${e.path}: ${oneLine(e.message)}`);
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
