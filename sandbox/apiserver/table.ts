/**
 * Server-side printing for `kubectl get`: when the Accept header asks for a meta.k8s.io Table
 * (media.ts), GET and watch answers are converted into one. Built-in kinds get Name, a few per-kind
 * columns and Age, as kube-apiserver prints them. Custom resources get Name plus their
 * `additionalPrinterColumns` (JSONPath, typed as the CRD says: string cells print any JSON value,
 * integer/number/boolean cells are null unless the value has that type, date cells are rendered as
 * an age like "5m10s"); a CRD without columns gets Name and Age. Columns with priority > 0 are
 * listed with their priority, so kubectl shows them only with `-o wide`. Row objects are
 * PartialObjectMetadata unless `includeObject=Object` (kubectl uses them for the NAMESPACE column).
 */
import { compileJsonPath } from './jsonpath.js';
import { getPath, isObject, type KubeObject } from './json.js';
import { partialMetadata } from './media.js';
import type { PrinterColumn, ResourceType } from './resources.js';

interface Column {
  name: string;
  type: string;
  priority?: number;
  cell(obj: KubeObject): unknown;
}

const num = (obj: KubeObject, path: string): number => {
  const v = getPath(obj, path);
  return typeof v === 'number' ? v : 0;
};
const str = (obj: KubeObject, path: string, fallback = '<none>'): string => {
  const v = getPath(obj, path);
  return typeof v === 'string' ? v : fallback;
};

/** kube's duration.HumanDuration: "45s", "3m20s", "15m", "5h3m", "20h", "3d4h", "90d", "3y20d". */
function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(s / 3600);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 192) return h % 24 === 0 ? `${Math.floor(h / 24)}d` : `${Math.floor(h / 24)}d${h % 24}h`;
  const d = Math.floor(h / 24);
  if (d < 365 * 2) return `${d}d`;
  const y = Math.floor(d / 365);
  if (y < 8) return d % 365 === 0 ? `${y}y` : `${y}y${d % 365}d`;
  return `${y}y`;
}

function since(timestamp: unknown): string {
  if (typeof timestamp !== 'string') return '<unknown>';
  const t = Date.parse(timestamp);
  return Number.isNaN(t) ? '<invalid>' : humanDuration(Date.now() - t);
}

const AGE: Column = { name: 'Age', type: 'string', cell: (o) => since(o.metadata.creationTimestamp) };

const BUILTIN: Record<string, Column[]> = {
  Deployment: [
    {
      name: 'Ready',
      type: 'string',
      cell: (o) => `${num(o, 'status.readyReplicas')}/${num(o, 'spec.replicas')}`,
    },
    { name: 'Up-to-date', type: 'integer', cell: (o) => num(o, 'status.updatedReplicas') },
    { name: 'Available', type: 'integer', cell: (o) => num(o, 'status.availableReplicas') },
  ],
  DaemonSet: [
    { name: 'Desired', type: 'integer', cell: (o) => num(o, 'status.desiredNumberScheduled') },
    { name: 'Current', type: 'integer', cell: (o) => num(o, 'status.currentNumberScheduled') },
    { name: 'Ready', type: 'integer', cell: (o) => num(o, 'status.numberReady') },
    { name: 'Up-to-date', type: 'integer', cell: (o) => num(o, 'status.updatedNumberScheduled') },
    { name: 'Available', type: 'integer', cell: (o) => num(o, 'status.numberAvailable') },
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
  Ingress: [
    { name: 'Class', type: 'string', cell: (o) => str(o, 'spec.ingressClassName') },
    {
      name: 'Hosts',
      type: 'string',
      cell: (o) => {
        const rules = getPath(o, 'spec.rules');
        const hosts = Array.isArray(rules) ? rules.map((r) => (isObject(r) ? r.host : undefined)) : [];
        return hosts.filter((h) => typeof h === 'string').join(',') || '*';
      },
    },
  ],
  CustomResourceDefinition: [{ name: 'Created At', type: 'date', cell: (o) => o.metadata.creationTimestamp }],
};

function customCell(column: PrinterColumn, find: (v: unknown) => unknown[], obj: KubeObject): unknown {
  const value = find(obj)[0];
  if (value === undefined || value === null) return null;
  switch (column.type) {
    case 'string':
      return typeof value === 'string' ? value : JSON.stringify(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date':
      return since(value);
    default:
      return null;
  }
}

function columnsOf(rt: ResourceType): Column[] {
  if (rt.builtin)
    return [...(BUILTIN[rt.kind] ?? []), ...(rt.kind === 'CustomResourceDefinition' ? [] : [AGE])];
  if (!rt.columns || rt.columns.length === 0) return [AGE];
  return rt.columns.map((c) => {
    const find = compileJsonPath(c.jsonPath);
    return {
      name: c.name,
      type: c.type,
      priority: c.priority ?? 0,
      cell: (o: KubeObject) => customCell(c, find, o),
    };
  });
}

/** Converts a GET or watch answer (an object or a list) into a Table; anything else passes through. */
export function asTable(
  rt: ResourceType,
  body: unknown,
  includeObject = 'Metadata',
  version = 'v1',
): unknown {
  if (!isObject(body) || body.kind === 'Status') return body;
  const items = (Array.isArray(body.items) ? body.items : [body]) as KubeObject[];
  const columns = columnsOf(rt);
  const definitions = [
    { name: 'Name', type: 'string', format: 'name', description: 'Name', priority: 0 },
    ...columns.map((c) => ({
      name: c.name,
      type: c.type === 'date' ? 'string' : c.type,
      format: c.type === 'date' ? 'date' : '',
      description: c.name,
      priority: c.priority ?? 0,
    })),
  ];
  const rowObject = (o: KubeObject) => (includeObject === 'Object' ? o : partialMetadata(o, version));
  const rows = items.map((o) => ({
    cells: [o.metadata.name ?? '', ...columns.map((c) => c.cell(o))],
    ...(includeObject === 'None' ? {} : { object: rowObject(o) }),
  }));
  const metadata = isObject(body.metadata) ? { resourceVersion: body.metadata.resourceVersion } : {};
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${version}`,
    metadata,
    columnDefinitions: definitions,
    rows,
  };
}
