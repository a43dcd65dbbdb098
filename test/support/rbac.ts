/**
 * infra/kubernetes/rbac.yaml as a predicate, and the access a recorded Kubernetes API request
 * needs: so a test can show that every request the controller made against the sandbox is one the
 * shipped ClusterRoles grant.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { RecordedRequest } from '../../sandbox/apiserver/requests.js';

/** What one request needs: `verb` on `resource` (with `/subresource`) of API group `group`. */
export interface Access {
  group: string;
  resource: string;
  verb: string;
}

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/** Whether the ClusterRole `role` of rbac.yaml grants `a`. */
export function rbacGrants(role: string): (a: Access) => boolean {
  const text = readFileSync(new URL('../../infra/kubernetes/rbac.yaml', import.meta.url), 'utf8');
  const doc = parseAllDocuments(text)
    .map((d) => d.toJS() as { kind?: string; metadata?: { name?: string }; rules?: Rule[] })
    .find((d) => d.kind === 'ClusterRole' && d.metadata?.name === role);
  if (!doc) throw new Error(`no ClusterRole ${role} in rbac.yaml`);
  const rules = doc.rules ?? [];
  return (a) =>
    rules.some(
      (r) => r.apiGroups.includes(a.group) && r.resources.includes(a.resource) && r.verbs.includes(a.verb),
    );
}

const VERBS: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

/**
 * The access a request needs: `/api/v1/…` is the core group ''; a GET without a name is a list
 * (`watch` when watching); a namespaced or cluster-scoped path, with or without a subresource.
 */
export function accessOf(r: RecordedRequest): Access {
  const parts = r.path.split('?')[0].split('/').filter(Boolean);
  const [group, rest] = parts[0] === 'api' ? ['', parts.slice(2)] : [parts[1], parts.slice(3)];
  const scoped = rest[0] === 'namespaces' && rest.length > 2 ? rest.slice(2) : rest;
  const [resource, name, sub] = scoped;
  const verb = r.method === 'GET' ? (name ? 'get' : r.watch ? 'watch' : 'list') : VERBS[r.method];
  return { group, resource: sub ? `${resource}/${sub}` : resource, verb: verb ?? r.method };
}
