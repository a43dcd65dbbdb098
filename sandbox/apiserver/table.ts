/**
 * Server-side printing for `kubectl get`: when the Accept header asks for a meta.k8s.io/v1 Table,
 * GET answers are converted into one. Columns: Name, a few per-kind columns, Age. Row objects are
 * PartialObjectMetadata unless `includeObject=Object` (kubectl uses them for the NAMESPACE column).
 */
import { getPath, isObject, type KubeObject } from './json.js';
import type { ResourceType } from './resources.js';

interface Column {
  name: string;
  type: 'string' | 'integer';
  cell(obj: KubeObject): string | number;
}

const num = (obj: KubeObject, path: string): number => {
  const v = getPath(obj, path);
  return typeof v === 'number' ? v : 0;
};
const str = (obj: KubeObject, path: string, fallback = '<none>'): string => {
  const v = getPath(obj, path);
  return typeof v === 'string' ? v : fallback;
};

const COLUMNS: Record<string, Column[]> = {
  Deployment: [
    {
      name: 'Ready',
      type: 'string',
      cell: (o) => `${num(o, 'status.readyReplicas')}/${num(o, 'spec.replicas')}`,
    },
    { name: 'Up-to-date', type: 'integer', cell: (o) => num(o, 'status.updatedReplicas') },
    { name: 'Available', type: 'integer', cell: (o) => num(o, 'status.availableReplicas') },
  ],
  Pod: [
    { name: 'Status', type: 'string', cell: (o) => str(o, 'status.phase', 'Pending') },
    { name: 'Restarts', type: 'integer', cell: () => 0 },
  ],
  Namespace: [{ name: 'Status', type: 'string', cell: (o) => str(o, 'status.phase', 'Active') }],
  Service: [
    { name: 'Type', type: 'string', cell: (o) => str(o, 'spec.type', 'ClusterIP') },
    { name: 'Cluster-IP', type: 'string', cell: (o) => str(o, 'spec.clusterIP') },
  ],
};

/** True when the Accept header asks for a meta.k8s.io/v1 Table. */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '')
    .split(',')
    .some((part) => /as=Table/.test(part) && /v=v1(;|$)/.test(part) && /g=meta\.k8s\.io/.test(part));
}

function age(obj: KubeObject): string {
  const created = Date.parse(obj.metadata.creationTimestamp ?? '');
  if (Number.isNaN(created)) return '<unknown>';
  const s = Math.max(0, Math.floor((Date.now() - created) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** Converts a GET answer (an object or a list) into a Table; anything else passes through. */
export function asTable(rt: ResourceType, body: unknown, includeObject = 'Metadata'): unknown {
  if (!isObject(body) || body.kind === 'Status') return body;
  const items = (Array.isArray(body.items) ? body.items : [body]) as KubeObject[];
  const columns = COLUMNS[rt.kind] ?? [];
  const definitions = [
    { name: 'Name', type: 'string', format: 'name', description: 'Name', priority: 0 },
    ...columns.map((c) => ({ name: c.name, type: c.type, format: '', description: c.name, priority: 0 })),
    { name: 'Age', type: 'string', format: '', description: 'CreationTimestamp', priority: 0 },
  ];
  const rowObject = (o: KubeObject) =>
    includeObject === 'Object'
      ? o
      : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
  const rows = items.map((o) => ({
    cells: [o.metadata.name ?? '', ...columns.map((c) => c.cell(o)), age(o)],
    ...(includeObject === 'None' ? {} : { object: rowObject(o) }),
  }));
  const metadata = isObject(body.metadata) ? { resourceVersion: body.metadata.resourceVersion } : {};
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata, columnDefinitions: definitions, rows };
}
