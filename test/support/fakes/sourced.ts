/** In-memory {@link SourcedObjects} (one cluster's objects) and {@link SourcedStore}, with calls counted. */
import type {
  SourcedKind,
  SourcedMeta,
  SourcedObjects,
  SourcedRow,
  SourcedStore,
} from '../../../lib/ports/sourced.js';
import { Calls } from './calls.js';

const id = (kind: string, namespace: string, name: string) => `${kind} ${namespace}/${name}`;

export class FakeSourcedObjects implements SourcedObjects {
  readonly calls = new Calls();
  private readonly objects = new Map<string, { meta: SourcedMeta; kind: SourcedKind; body: object }>();

  /** Creates or changes an object (its generation moves, as the API server's does on a spec change). */
  apply(kind: SourcedKind, namespace: string, name: string, spec: object): void {
    const was = this.objects.get(id(kind, namespace, name));
    const meta = { namespace, name, generation: (was?.meta.generation ?? 0) + 1 };
    const k = kind === 'template' ? 'MetricTemplate' : 'AlertProvider';
    const body = { apiVersion: 'flagger.app/v1beta1', kind: k, metadata: { ...meta }, spec };
    this.objects.set(id(kind, namespace, name), { meta, kind, body });
  }

  remove(kind: SourcedKind, namespace: string, name: string): void {
    this.objects.delete(id(kind, namespace, name));
  }

  async list(kind: SourcedKind): Promise<SourcedMeta[]> {
    await this.calls.enter('list', kind);
    return [...this.objects.values()].filter((o) => o.kind === kind).map((o) => ({ ...o.meta }));
  }

  async read(kind: SourcedKind, namespace: string, name: string): Promise<object | undefined> {
    await this.calls.enter('read', id(kind, namespace, name));
    return structuredClone(this.objects.get(id(kind, namespace, name))?.body);
  }
}

export class FakeSourcedStore implements SourcedStore {
  readonly calls = new Calls();
  readonly rows = new Map<string, SourcedRow>();

  async list(cluster: string): Promise<SourcedRow[]> {
    await this.calls.enter('list', cluster);
    return [...this.rows].filter(([k]) => k.startsWith(`${cluster}|`)).map(([, r]) => structuredClone(r));
  }

  async get<K extends SourcedKind>(
    cluster: string,
    kind: K,
    namespace: string,
    name: string,
  ): Promise<SourcedRow<K> | undefined> {
    await this.calls.enter('get', cluster, id(kind, namespace, name));
    const r = this.rows.get(`${cluster}|${id(kind, namespace, name)}`);
    return r && (structuredClone(r) as SourcedRow<K>);
  }

  async put(cluster: string, row: SourcedRow): Promise<void> {
    await this.calls.enter('put', cluster, id(row.kind, row.namespace, row.name));
    this.rows.set(`${cluster}|${id(row.kind, row.namespace, row.name)}`, structuredClone(row));
  }

  async delete(cluster: string, row: Pick<SourcedRow, 'kind' | 'namespace' | 'name'>): Promise<void> {
    await this.calls.enter('delete', cluster, id(row.kind, row.namespace, row.name));
    this.rows.delete(`${cluster}|${id(row.kind, row.namespace, row.name)}`);
  }

  /** The row of one object, as stored. */
  peek(cluster: string, kind: SourcedKind, namespace: string, name: string): SourcedRow | undefined {
    return this.rows.get(`${cluster}|${id(kind, namespace, name)}`);
  }
}
