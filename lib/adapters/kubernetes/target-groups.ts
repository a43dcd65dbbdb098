/**
 * The load balancer target groups Services are registered in, from the AWS Load Balancer
 * Controller's TargetGroupBindings (`elbv2.k8s.aws/v1beta1`, `spec.serviceRef.name` →
 * `spec.targetGroupARN`). One LIST per namespace, made on the first question and shared by the
 * later ones: a lookup serves one step (the cluster access builds one per handle), so the `alb`
 * builtins of a step cost one request however many checks ask. Other providers never ask.
 */
import type { ClusterClients } from './client.js';
import { NotFoundError } from './errors.js';

interface Binding {
  spec?: { serviceRef?: { name?: string }; targetGroupARN?: string };
}

/** ARNs of the target groups bound to a Service; none when no binding names it. */
export type TargetGroupLookup = (
  namespace: string,
  service: string,
  signal: AbortSignal,
) => Promise<readonly string[]>;

/** A lookup over `clients` that lists each namespace's TargetGroupBindings at most once. */
export function targetGroupLookup(clients: ClusterClients): TargetGroupLookup {
  const lists = new Map<string, Promise<Binding[]>>();
  const list = (namespace: string, signal: AbortSignal) => {
    let items = lists.get(namespace);
    if (!items) {
      items = clients
        .call<{ items?: Binding[] }>(`TargetGroupBinding ${namespace}/* list`, signal, (o) =>
          clients.custom.listNamespacedCustomObject(
            { group: 'elbv2.k8s.aws', version: 'v1beta1', namespace, plural: 'targetgroupbindings' },
            o,
          ),
        )
        .then(
          (l) => l.items ?? [],
          // No CustomResourceDefinition: the controller is not installed, so nothing is bound.
          (e: unknown) => {
            if (e instanceof NotFoundError) return [];
            throw e;
          },
        );
      // A failed list (aborted, forbidden) is not kept: a later question asks again.
      items.catch(() => lists.delete(namespace));
      lists.set(namespace, items);
    }
    return items;
  };
  return async (namespace, service, signal) => {
    const arns = (await list(namespace, signal))
      .filter((b) => b.spec?.serviceRef?.name === service)
      .map((b) => b.spec?.targetGroupARN ?? '')
      .filter((arn) => arn !== '');
    return [...new Set(arns)];
  };
}
