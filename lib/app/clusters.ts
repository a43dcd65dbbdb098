/**
 * Cluster registration (`POST /clusters`) and removal. The stored record holds no secret material in AWS: a
 * kubeconfig is referenced by its Secrets Manager secret or SSM parameter name and read when a
 * step needs it. Inline kubeconfigs and endpoint tokens are accepted for local mode.
 */
import { z } from 'zod';
import { providers } from '../domain/spec/accessors.js';
import { label, nameSchema } from '../domain/spec/names.js';
import type { FieldError } from '../domain/spec/parse.js';
import type { CanaryStore, Documents } from '../ports/store.js';
import type { Access } from './access.js';
import { NotFoundError, StateConflictError, ValidationError } from './errors.js';

const name = nameSchema(label);
const namespace = nameSchema(label);
const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a Prometheus label name');
const labelValue = z
  .string()
  .regex(/^[A-Za-z0-9_.:/-]{0,128}$/, 'letters, digits and _ . : / - (at most 128)');
const clusterMetrics = z.strictObject({
  address: z.url().optional(),
  secret: z.string().min(1).optional(),
  labels: z.record(labelName, labelValue).optional(),
});
const labelKey = z
  .string()
  .regex(
    /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/,
    'a Kubernetes label key',
  )
  .max(316);
const clusterRouting = z.strictObject({
  istio: z.strictObject({ version: z.enum(['v1beta1', 'v1']).optional() }).optional(),
  gatewayapi: z.strictObject({ version: z.enum(['v1', 'v1beta1']).optional() }).optional(),
  linkerd: z.strictObject({ gatewayApiVersion: z.enum(['v1', 'v1beta1']).optional() }).optional(),
  nginx: z
    .strictObject({
      annotationsPrefix: z
        .string()
        .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/)
        .optional(),
    })
    .optional(),
  contour: z.strictObject({ ingressClass: z.string().min(1).max(253).optional() }).optional(),
  traefik: z.strictObject({ group: z.enum(['traefik.io', 'traefik.containo.us']).optional() }).optional(),
  selectorLabels: z.array(labelKey).min(1).max(10).optional(),
});
const base = {
  name,
  defaultProvider: z.enum(providers).optional(),
  metrics: clusterMetrics.optional(),
  routing: clusterRouting.optional(),
  serviceProxy: z
    .strictObject({ enabled: z.boolean().optional(), namespaces: z.array(namespace).max(200).optional() })
    .optional(),
  // Canary objects in the cluster as a second way in (docs/gitops.md, docs/clusters.md).
  gitops: z.strictObject({ enabled: z.boolean(), statusForApiCanaries: z.boolean().optional() }).optional(),
};
const roleArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
    'an IAM role ARN such as "arn:aws:iam::210987654321:role/flagger-serverless"',
  );

/** A cluster registration body (POST /clusters); also the OpenAPI schema of it. */
export const clusterRegistration = z.discriminatedUnion('kind', [
  z.strictObject({
    ...base,
    kind: z.literal('eks'),
    eksClusterName: z.string().min(1),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as "eu-west-1"'),
    assumeRole: z.strictObject({ roleArn, externalId: z.string().min(2).max(1224).optional() }).optional(),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('kubeconfig'),
    kubeconfig: z.string().min(1).optional(),
    kubeconfigSecret: z.string().min(1).optional(),
    kubeconfigParameter: z.string().min(1).optional(),
    context: z.string().optional(),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('endpoint'),
    server: z.url(),
    caData: z.string().optional(),
    token: z.string().optional(),
    tokenSecret: z.string().optional(),
    skipTLSVerify: z.boolean().optional(),
  }),
]);

/** What is stored: a ClusterRecord, or one whose secret parts are references. */
export type ClusterRegistration = z.infer<typeof clusterRegistration>;

/**
 * Where the functions may read secrets (their roles allow these prefixes only): Secrets Manager
 * names and SSM parameter names must start with them. Empty or absent: no restriction (local mode).
 */
export interface SecretPrefixes {
  secrets?: string;
  parameters?: string;
  /**
   * Roles the step role may assume (the stack's `assumableRoles`: comma-separated ARNs, `*`
   * matching any run of characters). Empty: no cluster may name a role.
   */
  assumableRoles?: string;
}

/** True when `arn` matches one of the comma-separated patterns (`*` matches any run of characters). */
function roleAllowed(arn: string, patterns: string): boolean {
  const escape = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  return patterns
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .some((p) => new RegExp(`^${p.split('*').map(escape).join('.*')}$`).test(arn));
}

/** Validates a registration body; exactly one kubeconfig source for kind kubeconfig. */
export function parseClusterRegistration(body: unknown, prefixes: SecretPrefixes = {}): ClusterRegistration {
  const r = clusterRegistration.safeParse(body);
  if (!r.success) {
    const errors: FieldError[] = r.error.issues.map((i) => ({
      path: i.path.join('.'),
      message: i.message,
    }));
    throw new ValidationError(
      `invalid cluster: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      errors,
    );
  }
  const c = r.data;
  if (
    c.kind === 'kubeconfig' &&
    [c.kubeconfig, c.kubeconfigSecret, c.kubeconfigParameter].filter(Boolean).length !== 1
  ) {
    const message =
      'expected exactly one of kubeconfig, kubeconfigSecret (Secrets Manager) or kubeconfigParameter (SSM)';
    throw new ValidationError(`invalid cluster: ${message}`, [{ path: 'kubeconfig', message }]);
  }
  const refs: [string, string | undefined, string | undefined][] = [
    ['metrics.secret', c.metrics?.secret, prefixes.secrets],
    ['kubeconfigSecret', 'kubeconfigSecret' in c ? c.kubeconfigSecret : undefined, prefixes.secrets],
    ['tokenSecret', 'tokenSecret' in c ? c.tokenSecret : undefined, prefixes.secrets],
    [
      'kubeconfigParameter',
      'kubeconfigParameter' in c ? c.kubeconfigParameter : undefined,
      prefixes.parameters,
    ],
  ];
  const role = c.kind === 'eks' ? c.assumeRole?.roleArn : undefined;
  if (role && prefixes.assumableRoles !== undefined && !roleAllowed(role, prefixes.assumableRoles)) {
    const message = prefixes.assumableRoles
      ? `expected a role the stack may assume (assumableRoles: ${prefixes.assumableRoles}), got "${role}"`
      : `this deployment may assume no roles (deploy with --param="assumableRoles=arn:aws:iam::ACCOUNT:role/NAME") , got "${role}"`;
    throw new ValidationError(`invalid cluster: assumeRole.roleArn: ${message}`, [
      { path: 'assumeRole.roleArn', message },
    ]);
  }
  for (const [path, value, prefix] of refs) {
    if (value && prefix && !value.startsWith(prefix)) {
      const message = `expected a name under "${prefix}" (the functions may read only those), got "${value}"`;
      throw new ValidationError(`invalid cluster: ${path}: ${message}`, [{ path, message }]);
    }
  }
  return c;
}

/** A registration as shown by the API: inline secrets are never echoed back. */
export function publicView(c: ClusterRegistration): Record<string, unknown> {
  const { ...copy } = c as Record<string, unknown>;
  if ('kubeconfig' in copy && copy.kubeconfig) copy.kubeconfig = '(inline, hidden)';
  if ('token' in copy && copy.token) copy.token = '(hidden)';
  return copy;
}

/** What the cluster use cases need. */
export interface ClusterDeps {
  clusters: Documents<ClusterRegistration>;
  store: Pick<CanaryStore, 'list'>;
  /** Secret and parameter name prefixes the functions may read (validated at registration). */
  secretPrefixes?: SecretPrefixes;
}

/** A cluster's own scope: every namespace of it. */
const wholeCluster = (name: string) => ({ cluster: name, namespace: '*' });

/** The cluster records the caller may read (`read` in every namespace of the cluster). */
export async function listClusters(
  deps: ClusterDeps,
  access: Access,
  signal: AbortSignal,
): Promise<ClusterRegistration[]> {
  const all = await deps.clusters.list(signal);
  return (await access.filter(all, (c) => wholeCluster(c.name))).map((c) => c.doc);
}

/** One cluster record; 403 before it is read unless the caller may read it, 404 if absent. */
export async function getCluster(
  deps: ClusterDeps,
  access: Access,
  name: string,
  signal: AbortSignal,
): Promise<ClusterRegistration> {
  await access.require('read', wholeCluster(name));
  const c = await deps.clusters.get(name, signal);
  if (!c) throw new NotFoundError(`cluster "${name}" not found`);
  return c;
}

/**
 * Registers or updates a cluster from the API's body (admin of the cluster); `created` when the
 * name is new.
 */
export async function registerCluster(
  deps: ClusterDeps,
  access: Access,
  body: unknown,
  signal: AbortSignal,
): Promise<{ created: boolean; cluster: ClusterRegistration }> {
  const cluster = parseClusterRegistration(body, deps.secretPrefixes);
  await access.require('admin', wholeCluster(cluster.name));
  const existed = (await deps.clusters.get(cluster.name, signal)) !== undefined;
  await deps.clusters.put(cluster.name, cluster, signal);
  return { created: !existed, cluster };
}

/** Removes a cluster record (admin of the cluster); refused while canaries still belong to it (their steps need it). */
export async function removeCluster(
  deps: ClusterDeps,
  access: Access,
  name: string,
  signal: AbortSignal,
): Promise<void> {
  await access.require('admin', wholeCluster(name));
  const used = await deps.store.list({ cluster: name }, signal);
  if (used.length > 0)
    throw new StateConflictError(`cluster "${name}" still has ${used.length} canaries; delete them first`);
  await deps.clusters.delete(name, signal);
}
