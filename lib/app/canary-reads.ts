/**
 * What the API shows of canaries, as the caller may see it: lists keep only the canaries in
 * namespaces the caller may read (a caller never learns of the others); one canary or its history
 * is refused (403) before anything is read unless the caller may read its namespace.
 */
import type { CanaryStatus } from '../domain/status.js';
import type { CanaryKey, CanaryRecord, CanaryStore, History, HistoryRecord } from '../ports/store.js';
import { keyString } from '../ports/store.js';
import type { Access } from './access.js';
import { NotFoundError } from './errors.js';

export interface CanaryReadDeps {
  store: Pick<CanaryStore<CanaryStatus>, 'get' | 'list'>;
  history: Pick<History, 'list'>;
}

/** The canaries matching `filter` that the caller may read. */
export async function listCanaries(
  deps: CanaryReadDeps,
  access: Access,
  filter: { cluster?: string; namespace?: string },
  signal: AbortSignal,
): Promise<CanaryRecord<CanaryStatus>[]> {
  const rows = await deps.store.list(filter, signal);
  return access.filter(rows, (r) => r.key);
}

/** One canary and its latest history record (404 if absent). */
export async function getCanary(
  deps: CanaryReadDeps,
  access: Access,
  key: CanaryKey,
  signal: AbortSignal,
): Promise<{ record: CanaryRecord<CanaryStatus>; last: HistoryRecord[] }> {
  await access.require('read', key);
  const record = await deps.store.get(key, signal);
  if (!record) throw new NotFoundError(`canary ${keyString(key)} not found`);
  return { record, last: await deps.history.list(key, { limit: 1 }, signal) };
}

/** A canary's history, newest first, and its row (for the repeat count still going on). */
export async function canaryHistory(
  deps: CanaryReadDeps,
  access: Access,
  key: CanaryKey,
  page: { limit: number; before?: number },
  signal: AbortSignal,
): Promise<{ records: HistoryRecord[]; row: CanaryRecord<CanaryStatus> | undefined }> {
  await access.require('read', key);
  const [records, row] = await Promise.all([
    deps.history.list(key, page, signal),
    deps.store.get(key, signal),
  ]);
  return { records, row };
}
