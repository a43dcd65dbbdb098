/**
 * The part of the AWS Load Balancer Controller the sandbox plays: for an Ingress of class `alb`
 * (the `kubernetes.io/ingress.class` annotation or `spec.ingressClassName`), one
 * TargetGroupBinding (`elbv2.k8s.aws/v1beta1`) per backend Service — the Services of its paths and
 * default backend, and those its forward actions name (paths with `port.name: use-annotation`) —
 * named as the controller names target groups (`k8s-<namespace>-<service>-<hash>`), with an ARN
 * whose `targetgroup/<name>/<id>` is the TargetGroup dimension sandbox/cloudwatch/alb-source.ts
 * reports. Bindings the Ingress no longer needs are deleted, and all of them with the Ingress.
 * One ALB per Ingress (no IngressGroups); writes only what changes.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from './json.js';
import { findResource, type ResourceType } from './resources.js';
import type { Store } from './store.js';
import type { StoreHooks, WriteEvent } from './writes.js';

/** The region and account of the sandbox's ALBs. */
const ALB_REGION = 'us-east-1';
const ALB_ACCOUNT = '123456789012';
/** Labels tying a binding to its Ingress (the controller's stack). */
export const STACK_NAME = 'ingress.k8s.aws/stack-name';
const STACK_NAMESPACE = 'ingress.k8s.aws/stack-namespace';

const BINDINGS = findResource('elbv2.k8s.aws', 'v1beta1', 'targetgroupbindings')!;
const hex = (s: string, n: number) => createHash('sha256').update(s).digest('hex').slice(0, n);

/** What the controller names for `service` behind the Ingress `ingress`. */
export interface AlbNames {
  /** The target group's (and its binding's) name. */
  name: string;
  /** The `TargetGroup` dimension, `targetgroup/<name>/<id>`. */
  targetGroup: string;
  targetGroupArn: string;
  /** The `LoadBalancer` dimension of the Ingress's ALB, `app/<name>/<id>`. */
  loadBalancer: string;
}

/** The controller's names: `k8s-<ns>-<svc>-<hash>` (8 + 8 + 10 characters), one ALB per Ingress. */
export function albNames(namespace: string, service: string, ingress: string): AlbNames {
  const tg = `k8s-${namespace.slice(0, 8)}-${service.slice(0, 8)}-${hex(`${namespace}/${service}`, 10)}`;
  const lb = `k8s-${namespace.slice(0, 8)}-${ingress.slice(0, 8)}-${hex(`${namespace}/${ingress}`, 10)}`;
  const targetGroup = `targetgroup/${tg}/${hex(tg, 16)}`;
  return {
    name: tg,
    targetGroup,
    targetGroupArn: `arn:aws:elasticloadbalancing:${ALB_REGION}:${ALB_ACCOUNT}:${targetGroup}`,
    loadBalancer: `app/${lb}/${hex(lb, 16)}`,
  };
}

interface IngressSpec {
  ingressClassName?: string;
  defaultBackend?: Backend;
  rules?: { http?: { paths?: { backend?: Backend }[] } }[];
}
interface Backend {
  service?: { name?: string; port?: { name?: string; number?: number } };
}
interface ForwardAction {
  forwardConfig?: { targetGroups?: { serviceName?: string; servicePort?: string | number }[] };
}

/** The backend Services of an `alb` Ingress with their ports; none for another class. */
function albBackends(ing: KubeObject): Map<string, string | number | undefined> {
  const annotations = ing.metadata.annotations ?? {};
  const spec = (ing.spec ?? {}) as IngressSpec;
  const out = new Map<string, string | number | undefined>();
  if ((spec.ingressClassName ?? annotations['kubernetes.io/ingress.class']) !== 'alb') return out;
  const backends = [
    spec.defaultBackend,
    ...(spec.rules ?? []).flatMap((r) => r.http?.paths ?? []).map((p) => p.backend),
  ];
  for (const svc of backends.map((b) => b?.service)) {
    if (!svc?.name) continue;
    if (svc.port?.name !== 'use-annotation') {
      out.set(svc.name, svc.port?.number ?? svc.port?.name);
      continue;
    }
    let action: ForwardAction | undefined;
    try {
      action = JSON.parse(
        annotations[`alb.ingress.kubernetes.io/actions.${svc.name}`] ?? 'null',
      ) as ForwardAction;
    } catch {
      continue; // The controller reports a malformed action as an event; it binds nothing for it.
    }
    for (const g of action?.forwardConfig?.targetGroups ?? []) {
      if (g.serviceName) out.set(g.serviceName, g.servicePort);
    }
  }
  return out;
}

/** The binding of `service` behind `ingress`. */
function binding(namespace: string, ingress: string, service: string, port: string | number | undefined) {
  const names = albNames(namespace, service, ingress);
  return {
    apiVersion: 'elbv2.k8s.aws/v1beta1',
    kind: 'TargetGroupBinding',
    metadata: {
      name: names.name,
      namespace,
      labels: { [STACK_NAME]: ingress, [STACK_NAMESPACE]: namespace },
    },
    spec: {
      serviceRef: { name: service, ...(port === undefined ? {} : { port }) },
      targetGroupARN: names.targetGroupArn,
      targetType: 'ip',
    },
  };
}

/** Keeps each `alb` Ingress's TargetGroupBindings in step with its backends. */
export class AlbController {
  constructor(private readonly store: Store) {}

  hooks(): StoreHooks {
    return {
      afterCommit: (e) => this.afterCommit(e),
      afterDelete: (rt, obj) => {
        if (isIngress(rt)) this.sync(obj, new Map());
      },
    };
  }

  private afterCommit({ rt, next }: WriteEvent): void {
    if (isIngress(rt) && !next.metadata.deletionTimestamp) this.sync(next, albBackends(next));
  }

  private sync(ing: KubeObject, backends: Map<string, string | number | undefined>): void {
    const namespace = ing.metadata.namespace ?? 'default';
    const ingress = ing.metadata.name ?? '';
    const want = [...backends].map(([svc, port]) => binding(namespace, ingress, svc, port));
    for (const b of want) {
      const live = this.store.get(BINDINGS, namespace, b.metadata.name);
      if (!live || JSON.stringify(live.spec) !== JSON.stringify(b.spec))
        this.store.put(BINDINGS, b, 'controller');
    }
    const names = new Set(want.map((b) => b.metadata.name));
    for (const live of this.store.list(BINDINGS, namespace)) {
      const labels = live.metadata.labels ?? {};
      if (labels[STACK_NAME] === ingress && !names.has(live.metadata.name ?? ''))
        this.store.removeNow(BINDINGS, namespace, live.metadata.name ?? '');
    }
  }
}

const isIngress = (rt: ResourceType) => rt.group === 'networking.k8s.io' && rt.kind === 'Ingress';
