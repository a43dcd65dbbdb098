/**
 * The parts of the API's answers the page reads: the CLI's canary row (cli/format.ts) with the
 * view's `pendingGates` and `lastStep`, and history records (lib/ports/store.ts) with their checks
 * (lib/domain/check.ts). Types only: nothing of these modules is bundled.
 */
import type { CanaryRow } from '../../cli/format.js';
import type { CheckResult } from '../../lib/domain/check.js';
import type { HistoryRecord } from '../../lib/ports/store.js';

export interface CanaryItem extends CanaryRow {
  pendingGates: string[];
  lastStep?: HistoryItem | null;
}

export type CheckItem = CheckResult;

export interface HistoryItem extends Omit<HistoryRecord, 'checks' | 'judgements'> {
  checks?: CheckItem[];
  judgements?: { metric: string; verdict: string }[];
}
