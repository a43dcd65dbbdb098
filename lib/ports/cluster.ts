/**
 * Which Kubernetes clusters the controller drives and how it reaches them. A record is data (it
 * may be stored in DynamoDB, Secrets Manager or SSM); the Kubernetes adapter turns it into API
 * clients (lib/adapters/kubernetes/client.ts). See docs/clusters.md.
 */
import type { Provider } from '../domain/spec/accessors.js';

interface ClusterRecordBase {
  /** Our name for the cluster: the `cluster` of a CanaryRef. Unique per installation. */
  name: string;
  /** Provider used by canaries of this cluster that do not set `spec.provider`. */
  defaultProvider?: Provider;
  /**
   * In-cluster webhook and Prometheus addresses (`svc.ns`, `*.svc[.cluster.local]`) reached
   * through the API server's service proxy. Default: on for `eks` records, off otherwise;
   * `namespaces` limits it to those (where RBAC grants `services/proxy`).
   */
  serviceProxy?: { enabled?: boolean; namespaces?: string[] };
  /** This cluster's metrics (one Prometheus or AMP workspace may serve many clusters). */
  metrics?: ClusterMetrics;
  /** What the routers and workloads write in this cluster (API versions, label keys). */
  routing?: ClusterRouting;
  /** Canary objects of this cluster as a second way in (docs/gitops.md); absent: off. */
  gitops?: ClusterGitOps;
}

/**
 * GitOps sourcing (docs/gitops.md): with `enabled`, the sweep lists the cluster's
 * `canaries.flagger.app` and registers, updates and deletes canaries from them, and steps write
 * Flagger's status fields back to those objects. `statusForApiCanaries` also writes the status of
 * API-registered canaries to a Canary object of the same namespace and name, where one exists.
 */
export interface ClusterGitOps {
  enabled: boolean;
  statusForApiCanaries?: boolean;
}

/**
 * Per-cluster routing choices, each optional (Flagger's command-line flags, per cluster):
 * API versions of the routing objects, ingress-nginx's annotation prefix, Contour's ingress class,
 * Traefik's API group, and the selector label keys that may carry the app name.
 */
interface ClusterRouting {
  istio?: { version?: 'v1beta1' | 'v1' };
  gatewayapi?: { version?: 'v1' | 'v1beta1' };
  linkerd?: { gatewayApiVersion?: 'v1' | 'v1beta1' };
  nginx?: { annotationsPrefix?: string };
  contour?: { ingressClass?: string };
  traefik?: { group?: 'traefik.io' | 'traefik.containo.us' };
  /** Flagger's `-selector-labels`; default `app`, `name`, `app.kubernetes.io/name`. */
  selectorLabels?: string[];
}

/**
 * Where a cluster's metrics live and how to tell them apart: `address` (a Prometheus or an AMP
 * workspace, SigV4 automatically) instead of the deployment's PROMETHEUS_URL, `secret` (Secrets
 * Manager name under the stage prefix: Flagger's `token` or `username`/`password`), and `labels`
 * that the builtin queries add to every selector (and templates get as `{{ clusterLabels }}`).
 */
interface ClusterMetrics {
  address?: string;
  secret?: string;
  labels?: Record<string, string>;
}

/**
 * An EKS cluster reached with the function's IAM role: endpoint and CA come from EKS
 * DescribeCluster, the bearer token is a presigned STS GetCallerIdentity URL.
 */
export interface EksClusterRecord extends ClusterRecordBase {
  kind: 'eks';
  /** The cluster's name in EKS (may differ from `name`). */
  eksClusterName: string;
  region: string;
  /**
   * A role to assume for this cluster (another account): EKS DescribeCluster, the EKS token and
   * Amazon Managed Prometheus queries use its credentials. The step role may assume only the
   * roles the stack's `assumableRoles` parameter names.
   */
  assumeRole?: { roleArn: string; externalId?: string };
}

/**
 * Any cluster described by a kubeconfig document (YAML or JSON). Only static credentials work in
 * Lambda (token, client certificate); `exec` plugins need binaries the runtime lacks.
 */
interface KubeconfigClusterRecord extends ClusterRecordBase {
  kind: 'kubeconfig';
  kubeconfig: string;
  /** Context to use; default the kubeconfig's `current-context`. */
  context?: string;
}

/** A bare API server URL with an optional CA and bearer token (the sandbox, local clusters). */
interface EndpointClusterRecord extends ClusterRecordBase {
  kind: 'endpoint';
  server: string;
  /** Base64 PEM CA bundle. */
  caData?: string;
  token?: string;
  /** Skip TLS verification; always on for `http://` servers. */
  skipTLSVerify?: boolean;
}

/** How to reach one cluster. */
export type ClusterRecord = EksClusterRecord | KubeconfigClusterRecord | EndpointClusterRecord;

/** The service proxy policy of a record, defaults applied. */
export function serviceProxyPolicy(record: ClusterRecord): { enabled: boolean; namespaces?: string[] } {
  const p = record.serviceProxy ?? {};
  return {
    enabled: p.enabled ?? (p.namespaces !== undefined || record.kind === 'eks'),
    namespaces: p.namespaces,
  };
}
