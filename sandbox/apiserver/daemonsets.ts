/**
 * DaemonSet status rules for the workload simulator (rollout.ts holds the shared contract). The
 * sandbox has `nodes` schedulable nodes (SandboxOptions.nodes), all labelled {@link NODE_LABELS}; a
 * DaemonSet runs on all of them when its pod template's nodeSelector matches those labels, else on
 * none (so Flagger's `flagger.app/scale-to-zero: "true"` selector scales it to zero); tolerations
 * are ignored. Below, `nodes` is the number of nodes the DaemonSet is scheduled on:
 *
 * - Rolling (same write as the spec change): observedGeneration = generation,
 *   desiredNumberScheduled = currentNumberScheduled = nodes, updatedNumberScheduled = nodes - 1,
 *   numberReady/numberAvailable carried over (capped at nodes), numberUnavailable = the rest.
 * - Settled: every count equals nodes, numberUnavailable 0; one fake Pod per node,
 *   `<name>-<5 hex>` with label `controller-revision-hash` and an ownerReference to the DaemonSet,
 *   annotated with {@link DAEMONSET_POD_OWNER}.
 * - `sandbox.flagger.app/never-ready: "true"` — never settles; stays rolling.
 */
import { getPath, isObject, type JsonObject, type KubeObject } from './json.js';
import { templateHash } from './deployments.js';
import { statusOf, type WorkloadKind } from './rollout.js';

/** The labels of every sandbox node. */
const NODE_LABELS: Readonly<Record<string, string>> = {
  'kubernetes.io/os': 'linux',
  'kubernetes.io/arch': 'amd64',
};

/** The nodes `ds` is scheduled on: all of them when its nodeSelector matches {@link NODE_LABELS}. */
function scheduled(ds: KubeObject, nodes: number): number {
  const selector = getPath(ds, 'spec.template.spec.nodeSelector');
  if (!isObject(selector)) return nodes;
  return Object.entries(selector).every(([k, v]) => NODE_LABELS[k] === v) ? nodes : 0;
}

/** Annotation on fake Pods naming their DaemonSet. */
export const DAEMONSET_POD_OWNER = 'sandbox.flagger.app/daemonset';

const count = (s: JsonObject, field: string): number => (typeof s[field] === 'number' ? s[field] : 0);

function rolling(ds: KubeObject, prev: JsonObject, nodes: number): JsonObject {
  const ready = Math.min(count(prev, 'numberReady'), nodes);
  return {
    observedGeneration: ds.metadata.generation,
    desiredNumberScheduled: nodes,
    currentNumberScheduled: nodes,
    numberMisscheduled: 0,
    updatedNumberScheduled: Math.max(nodes - 1, 0),
    numberReady: ready,
    numberAvailable: ready,
    numberUnavailable: nodes - ready,
  };
}

function settled(ds: KubeObject, nodes: number): JsonObject {
  return {
    observedGeneration: ds.metadata.generation,
    desiredNumberScheduled: nodes,
    currentNumberScheduled: nodes,
    numberMisscheduled: 0,
    updatedNumberScheduled: nodes,
    numberReady: nodes,
    numberAvailable: nodes,
    numberUnavailable: 0,
  };
}

/** The DaemonSet rules of the workload simulator for a cluster of `nodes` nodes. */
export function daemonSets(nodes: number): WorkloadKind {
  return {
    kind: 'DaemonSet',
    podOwner: DAEMONSET_POD_OWNER,
    flags: [],
    rolling: (ds, prev) => rolling(ds, prev, scheduled(ds, nodes)),
    settled: (ds) => settled(ds, scheduled(ds, nodes)),
    isSettled: (ds) => {
      const s = statusOf(ds);
      return (
        s.observedGeneration === ds.metadata.generation &&
        count(s, 'updatedNumberScheduled') === scheduled(ds, nodes) &&
        count(s, 'numberAvailable') === scheduled(ds, nodes)
      );
    },
    pods: (ds) => {
      const hash = templateHash(ds);
      return {
        count: scheduled(ds, nodes),
        hashLabel: 'controller-revision-hash',
        hash,
        prefix: ds.metadata.name ?? '',
        ownerReference: {
          apiVersion: 'apps/v1',
          kind: 'DaemonSet',
          name: ds.metadata.name,
          uid: ds.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      };
    },
  };
}
