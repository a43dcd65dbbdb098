/**
 * The RBAC that lets the functions reach in-cluster addresses through the API server's service
 * proxy (docs/security.md): the ClusterRole `flagger-serverless-service-proxy` (infra/kubernetes/
 * service-proxy.yaml) bound per namespace with RoleBindings — or, as an explicit choice, cluster-wide.
 * Pure: the same namespaces give the same YAML.
 */
const GROUP = 'flagger-serverless';
const ROLE = 'flagger-serverless-service-proxy';

/** The ClusterRole of infra/kubernetes/service-proxy.yaml (a test keeps the two equal). */
export const SERVICE_PROXY_ROLE = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: ${ROLE}
  labels:
    app.kubernetes.io/name: flagger-serverless
rules:
  - apiGroups: ['']
    resources: ['services/proxy']
    verbs: ['get', 'create']
`;

/** YAML documents binding the service-proxy ClusterRole in each namespace (or cluster-wide). */
export function serviceProxyBindings(namespaces: readonly string[] | 'cluster-wide'): string {
  const subjects = `subjects:\n  - apiGroup: rbac.authorization.k8s.io\n    kind: Group\n    name: ${GROUP}\n`;
  const roleRef = `roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: ${ROLE}\n`;
  if (namespaces === 'cluster-wide') {
    return `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: ${ROLE}\n${roleRef}${subjects}`;
  }
  return [...new Set(namespaces)]
    .sort()
    .map(
      (ns) =>
        `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: ${ROLE}\n  namespace: ${ns}\n${roleRef}${subjects}`,
    )
    .join('---\n');
}
