/** An in-memory {@link CanaryObjects}: Canary objects by `namespace/name`, with calls counted. */
import {
  ERROR_ANNOTATION,
  FINALIZER,
  GENERATION_ANNOTATION,
  type CanaryObjectMark,
  type CanaryObjectMeta,
  type CanaryObjects,
  type FlaggerStatus,
} from '../../../lib/ports/canary-objects.js';
import { Calls } from './calls.js';

interface Stored {
  meta: CanaryObjectMeta;
  spec: object;
  status?: FlaggerStatus;
  /** Moves on every write, as the API server's `metadata.resourceVersion` does. */
  version: number;
}

export class FakeCanaryObjects implements CanaryObjects {
  readonly calls = new Calls();
  readonly objects = new Map<string, Stored>();
  /** `namespace/name` of a Flagger Deployment, when one runs. */
  flaggerAt: string | undefined;

  /** Creates or changes an object (its generation moves on a change, as the API server's does). */
  put(namespace: string, name: string, spec: object, annotations: Record<string, string> = {}): void {
    const id = `${namespace}/${name}`;
    const was = this.objects.get(id);
    const meta: CanaryObjectMeta = {
      namespace,
      name,
      generation: (was?.meta.generation ?? 0) + 1,
      annotations: { ...was?.meta.annotations, ...annotations },
      finalizers: was?.meta.finalizers ?? [],
      deleting: false,
    };
    this.objects.set(id, { ...was, meta, spec, version: (was?.version ?? 0) + 1 });
  }

  /** `kubectl delete`: gone at once without finalizers, else marked as deleting. */
  remove(namespace: string, name: string): void {
    const id = `${namespace}/${name}`;
    const o = this.objects.get(id);
    if (!o) return;
    if (o.meta.finalizers.length === 0) this.objects.delete(id);
    else o.meta = { ...o.meta, deleting: true };
  }

  async list(): Promise<CanaryObjectMeta[]> {
    await this.calls.enter('list');
    return [...this.objects.values()].map((o) => structuredClone(o.meta));
  }

  async flagger(): Promise<string | undefined> {
    await this.calls.enter('flagger');
    return this.flaggerAt;
  }

  async read(namespace: string, name: string): Promise<object | undefined> {
    await this.calls.enter('read', `${namespace}/${name}`);
    const o = this.objects.get(`${namespace}/${name}`);
    return (
      o && {
        apiVersion: 'flagger.app/v1beta1',
        kind: 'Canary',
        metadata: { name, namespace, resourceVersion: String(o.version) },
        spec: o.spec,
        ...(o.status && { status: structuredClone(o.status) }),
      }
    );
  }

  async mark(namespace: string, name: string, mark: CanaryObjectMark): Promise<void> {
    await this.calls.enter('mark', `${namespace}/${name}`, mark);
    const id = `${namespace}/${name}`;
    const o = this.objects.get(id);
    if (!o) return;
    const annotations: Record<string, string> = { ...o.meta.annotations };
    annotations[GENERATION_ANNOTATION] = String(mark.generation);
    if (mark.error) annotations[ERROR_ANNOTATION] = mark.error;
    else delete annotations[ERROR_ANNOTATION];
    const others = o.meta.finalizers.filter((f) => f !== FINALIZER);
    const finalizers = mark.finalizer === 'add' ? [...others, FINALIZER] : others;
    if (o.meta.deleting && finalizers.length === 0) this.objects.delete(id);
    else {
      o.meta = { ...o.meta, annotations, finalizers };
      o.version++;
    }
  }

  async writeStatus(
    namespace: string,
    name: string,
    status: FlaggerStatus,
    _signal?: AbortSignal,
    ifVersion?: string,
  ): Promise<boolean> {
    await this.calls.enter('writeStatus', `${namespace}/${name}`, status);
    const o = this.objects.get(`${namespace}/${name}`);
    if (!o || (ifVersion !== undefined && ifVersion !== String(o.version))) return false;
    o.status = structuredClone(status);
    o.version++;
    return true;
  }
}
