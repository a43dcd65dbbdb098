import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { SERVICE_PROXY_ROLE, serviceProxyBindings } from '../../../cli/rbac.js';

const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as Record<string, any>);

describe('service-proxy RBAC', () => {
  it('binds the ClusterRole in each listed namespace, once, to the functions group', () => {
    const bindings = docs(serviceProxyBindings(['test', 'istio-system', 'test']));
    expect(bindings.map((b) => [b.kind, b.metadata.namespace])).toEqual([
      ['RoleBinding', 'istio-system'],
      ['RoleBinding', 'test'],
    ]);
    for (const b of bindings) {
      expect(b.roleRef).toEqual({
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'flagger-serverless-service-proxy',
      });
      expect(b.subjects).toEqual([
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'flagger-serverless' },
      ]);
    }
  });

  it('binds cluster-wide only when asked', () => {
    expect(docs(serviceProxyBindings('cluster-wide')).map((b) => b.kind)).toEqual(['ClusterRoleBinding']);
  });

  it('prints the same ClusterRole as infra/kubernetes/service-proxy.yaml', () => {
    const file = docs(readFileSync('infra/kubernetes/service-proxy.yaml', 'utf8'));
    expect(docs(SERVICE_PROXY_ROLE)).toEqual(file);
  });
});
