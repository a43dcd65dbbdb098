/** The parts of the API's answers the page reads (functions/api/routes.ts, lib/app/views.ts). */
export interface CanaryItem {
  cluster: string;
  namespace: string;
  name: string;
  phase: string;
  canaryWeight: number;
  failedChecks: number;
  pendingGates: string[];
  lastStep?: HistoryItem | null;
}

export interface CheckItem {
  name: string;
  kind: 'metric' | 'webhook';
  verdict: string;
  value?: number;
  min?: number;
  max?: number;
  explanation: string;
}

export interface HistoryItem {
  at: number;
  id: string;
  kind: 'step' | 'operator' | 'registration';
  actor: string;
  phase: string;
  reason: string;
  explanation: string;
  canaryWeight?: number;
  checks?: CheckItem[];
  judgements?: { metric: string; verdict: string }[];
  count?: number;
}
