/**
 * GitOps sourcing of MetricTemplates and AlertProviders (docs/gitops.md), the sweep's third job
 * for a cluster that opted in (`gitops.enabled`): one metadata-only LIST per kind, one Query of
 * the rows sourced from the cluster; an object whose generation is neither the one served nor the
 * one last refused is read in full, validated as the API validates a body, and stored keyed by
 * its cluster; a row whose object is gone is deleted. Nothing is written to the objects.
 *
 * An invalid generation is refused with a log line naming the field, and the valid version before
 * it keeps serving (it is never dropped silently): the row records the refused generation so the
 * object is not read again until it changes.
 */
import { redactText } from '../domain/redaction.js';
import { planSourced, refOf } from '../domain/gitops/sourced-plan.js';
import type { Logger } from '../ports/logger.js';
import {
  sourcedKinds,
  type SourcedDocs,
  type SourcedKind,
  type SourcedMeta,
  type SourcedObjects,
  type SourcedRow,
  type SourcedStore,
} from '../ports/sourced.js';
import { ValidationError } from './errors.js';
import { parseAlertProvider, parseTemplate } from './views.js';

export interface TemplateSyncDeps {
  /** Whether the cluster's record opted in (`gitops.enabled`). */
  enabled(cluster: string, signal: AbortSignal): Promise<boolean>;
  objects(cluster: string, signal: AbortSignal): Promise<SourcedObjects>;
  store: SourcedStore;
  logger: Logger;
}

/** What one sync did, by `kind namespace/name`. */
export interface TemplateSyncOutcome {
  /** Objects listed, of both kinds. */
  objects: number;
  stored: string[];
  /** Generations refused (the row keeps the version before, if any). */
  refused: string[];
  removed: string[];
  /** Kinds that could not be listed, objects that could not be read or stored (retried next sweep). */
  failed: string[];
}

/** Undefined when the cluster did not opt in (nothing is listed). */
export async function syncTemplateObjects(
  deps: TemplateSyncDeps,
  cluster: string,
  signal: AbortSignal,
): Promise<TemplateSyncOutcome | undefined> {
  if (!(await deps.enabled(cluster, signal))) return undefined;
  const out: TemplateSyncOutcome = { objects: 0, stored: [], refused: [], removed: [], failed: [] };
  let objects: SourcedObjects;
  try {
    objects = await deps.objects(cluster, signal);
  } catch (e) {
    failed(deps, out, cluster, 'cluster', e, signal, 'could not be reached');
    return out;
  }
  const listed = new Map<SourcedKind, SourcedMeta[]>();
  for (const kind of sourcedKinds) {
    try {
      listed.set(kind, await objects.list(kind, signal));
    } catch (e) {
      // Never read as "no objects": a failed LIST deletes nothing.
      failed(deps, out, cluster, kind, e, signal, 'could not be listed');
    }
  }
  if (listed.size === 0) return out;
  let rows: SourcedRow[];
  try {
    rows = await deps.store.list(cluster, signal);
  } catch (e) {
    failed(deps, out, cluster, 'stored rows', e, signal, 'could not be read');
    return out;
  }
  const ctx: Ctx = { deps, objects, cluster, signal, out };
  for (const [kind, metas] of listed) {
    out.objects += metas.length;
    const own = rows.filter((r) => r.kind === kind);
    const plan = planSourced(metas, own);
    const byRef = new Map(own.map((r) => [refOf(r), r]));
    for (const o of plan.read) {
      try {
        await changed(ctx, kind, o, byRef.get(refOf(o)));
      } catch (e) {
        failed(deps, out, cluster, `${kind} ${refOf(o)}`, e, signal, 'could not be synced');
      }
    }
    for (const r of plan.remove) {
      try {
        await deps.store.delete(cluster, r, signal);
        out.removed.push(`${kind} ${refOf(r)}`);
      } catch (e) {
        failed(deps, out, cluster, `${kind} ${refOf(r)}`, e, signal, 'could not be removed');
      }
    }
  }
  if (out.stored.length + out.removed.length > 0)
    deps.logger.info('cluster objects sourced', {
      cluster,
      stored: out.stored.slice(0, 20),
      removed: out.removed.slice(0, 20),
      reason: 'ClusterObjectsSourced',
    });
  return out;
}

interface Ctx {
  deps: TemplateSyncDeps;
  objects: SourcedObjects;
  cluster: string;
  signal: AbortSignal;
  out: TemplateSyncOutcome;
}

async function changed(ctx: Ctx, kind: SourcedKind, o: SourcedMeta, row: SourcedRow | undefined) {
  const { deps, objects, cluster, signal, out } = ctx;
  const full = (await objects.read(kind, o.namespace, o.name, signal)) as Record<string, unknown> | undefined;
  // Gone since the LIST: the next sweep removes its row.
  if (!full) return;
  const generation = (full.metadata as { generation?: number } | undefined)?.generation ?? o.generation;
  const at = `${kind} ${refOf(o)}`;
  const base = { kind, namespace: o.namespace, name: o.name };
  let doc: SourcedDocs[SourcedKind];
  try {
    doc = parse(kind, full, cluster, o);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    // Through the redaction rule, as logs are: a message may quote a value.
    const error = redactText(e.message).slice(0, 1000);
    await deps.store.put(cluster, { ...base, served: row?.served, refused: { generation, error } }, signal);
    out.refused.push(at);
    deps.logger.warn(`${kindName[kind]} object refused; ${keeps(row)}`, {
      cluster,
      object: `${kindName[kind]} ${refOf(o)}`,
      generation,
      error,
      reason: 'ClusterObjectInvalid',
    });
    return;
  }
  await deps.store.put(cluster, { ...base, served: { generation, doc } }, signal);
  out.stored.push(at);
}

const kindName: Record<SourcedKind, string> = {
  template: 'MetricTemplate',
  'alert-provider': 'AlertProvider',
};

function keeps(row: SourcedRow | undefined): string {
  return row?.served
    ? `its generation ${row.served.generation} keeps serving the cluster's canaries until a valid one is applied`
    : 'nothing of it serves the cluster’s canaries (an API-registered one of the same name would)';
}

/** The object validated as the API validates a body (field paths under `spec.`), marked as the cluster's. */
function parse(kind: SourcedKind, full: Record<string, unknown>, cluster: string, o: SourcedMeta) {
  switch (kind) {
    case 'template':
      return { ...parseTemplate(full, o.namespace, o.name), cluster };
    case 'alert-provider':
      return parseSourcedAlertProvider(full, cluster, o);
    default: {
      const never: never = kind;
      throw new Error(`unknown sourced kind ${String(never)}`);
    }
  }
}

/**
 * An AlertProvider from a cluster: inline `spec.address` only. The notify function, which posts,
 * has no cluster credentials, and the sweep may not copy a Secret's value into a row; so a
 * `spec.secretRef` is refused with that reason (docs/gitops.md).
 */
function parseSourcedAlertProvider(full: Record<string, unknown>, cluster: string, o: SourcedMeta) {
  const spec = (full.spec ?? {}) as Record<string, unknown>;
  if (spec.secretRef !== undefined)
    throw new ValidationError(
      'spec.secretRef is not supported for an AlertProvider sourced from a cluster (the notify function ' +
        'has no access to the cluster’s Secrets); give spec.address, or register the provider through ' +
        'the API (docs/gitops.md)',
      [{ path: 'spec.secretRef', message: 'not supported for an AlertProvider sourced from a cluster' }],
    );
  return { ...parseAlertProvider({ ...full, kind: 'AlertProvider' }, o.namespace, o.name), cluster };
}

function failed(
  deps: TemplateSyncDeps,
  out: TemplateSyncOutcome,
  cluster: string,
  what: string,
  e: unknown,
  signal: AbortSignal,
  verb: string,
): void {
  signal.throwIfAborted();
  out.failed.push(what);
  deps.logger.warn(`${what} ${verb}; retried at the next sweep`, {
    cluster,
    error: (e as Error).message,
    reason: 'ClusterObjectSyncFailed',
  });
}
