/**
 * From a route's backend to the Deployments that serve it, as kube-proxy / the mesh would: a
 * Service's selector (or a VirtualNode's podSelector) picks the Deployments whose pod-template
 * labels it matches. A Consul service's instances are the pods registered under its name (the
 * `consul.hashicorp.com/connect-service` pod annotation, else the name of a Service selecting
 * them), narrowed by the subset's filter on the instance ID `<pod>-<service>`. Only Deployments
 * with ready replicas receive requests. Pure.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../apiserver/index.js';
import { consulFilterPasses } from './meshes.js';
import type { Backend, World } from './routing.js';

/** The pod annotation naming the Consul service a pod registers as. */
const CONSUL_SERVICE_ANNOTATION = 'consul.hashicorp.com/connect-service';

/** A Deployment able to receive requests, with what the counters need to know about it. */
export interface Endpoint {
  deployment: KubeObject;
  name: string;
  readyReplicas: number;
  /** `<deployment>-<template hash>-<suffix>`, stable per pod template. */
  pod: string;
  port: number;
}

/** What a backend resolves to: the Service name to report, and the Deployments behind it. */
export interface Resolution {
  /** `destination_service` short name. */
  service: string;
  /** Every Deployment the selector matches (ready or not). */
  endpoints: Endpoint[];
  /** The Service's (first) port, when the backend is a Service. */
  servicePort?: number;
}

/** Resolves a backend, or undefined when the Service/VirtualNode does not exist or selects nothing. */
export function resolveBackend(world: World, backend: Backend): Resolution | undefined {
  if (backend.kind === 'consul') return resolveConsul(world, backend);
  if (backend.kind === 'service') {
    const svc = world.services.find((s) => s.metadata.name === backend.name);
    const spec = svc?.spec as { selector?: Record<string, string>; ports?: { port?: number }[] } | undefined;
    const selector = spec?.selector;
    if (!svc || !selector || Object.keys(selector).length === 0) return undefined;
    return {
      service: backend.name,
      endpoints: selected(world, selector),
      servicePort: spec?.ports?.[0]?.port,
    };
  }
  const node = world.virtualNodes.find((n) => n.metadata.name === backend.name);
  const spec = node?.spec as
    | {
        podSelector?: { matchLabels?: Record<string, string> };
        serviceDiscovery?: { dns?: { hostname?: string } };
      }
    | undefined;
  const selector = spec?.podSelector?.matchLabels;
  if (!node || !selector || Object.keys(selector).length === 0) return undefined;
  const host = spec?.serviceDiscovery?.dns?.hostname;
  return {
    service: host ? (host.split('.')[0] ?? backend.name) : backend.name,
    endpoints: selected(world, selector),
  };
}

/** A Consul subset: the service's instances whose ID `<pod>-<service>` passes the subset filter. */
function resolveConsul(world: World, backend: Backend): Resolution | undefined {
  const resolver = world.serviceResolvers.find((r) => r.metadata.name === backend.name);
  const subsets = (resolver?.spec as { subsets?: Record<string, { filter?: string }> } | undefined)?.subsets;
  if (backend.subset !== undefined && !subsets?.[backend.subset]) return undefined;
  const filter = backend.subset === undefined ? undefined : subsets?.[backend.subset]?.filter;
  const endpoints = consulInstances(world, backend.name).filter((e) =>
    consulFilterPasses(filter, `${e.pod}-${backend.name}`),
  );
  return { service: backend.name, endpoints };
}

/** Deployments whose pods register as Consul service `service`. */
function consulInstances(world: World, service: string): Endpoint[] {
  return world.deployments
    .filter((d) => {
      const named = templateOf(d).metadata?.annotations?.[CONSUL_SERVICE_ANNOTATION];
      if (named) return named === service;
      const svc = world.services.find((s) => s.metadata.name === service);
      const selector = (svc?.spec as { selector?: Record<string, string> } | undefined)?.selector ?? {};
      const labels = templateOf(d).metadata?.labels ?? {};
      return Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
    })
    .map(endpointOf);
}

function selected(world: World, selector: Record<string, string>): Endpoint[] {
  return world.deployments
    .filter((d) => {
      const labels = templateOf(d).metadata?.labels ?? {};
      return Object.entries(selector).every(([k, v]) => labels[k] === v);
    })
    .map(endpointOf);
}

interface Template {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: { containers?: { ports?: { containerPort?: number }[] }[] };
}

function templateOf(d: KubeObject): Template {
  return (d.spec as { template?: Template } | undefined)?.template ?? {};
}

function endpointOf(d: KubeObject): Endpoint {
  const name = d.metadata.name ?? '';
  const template = templateOf(d);
  const hash = createHash('sha256').update(JSON.stringify(template)).digest('hex');
  const ready = (d.status as { readyReplicas?: number } | undefined)?.readyReplicas ?? 0;
  const replicas = (d.spec as { replicas?: number } | undefined)?.replicas ?? 1;
  return {
    deployment: d,
    name,
    readyReplicas: replicas === 0 ? 0 : ready,
    pod: `${name}-${hash.slice(0, 10)}-${hash.slice(10, 15)}`,
    port: template.spec?.containers?.[0]?.ports?.[0]?.containerPort ?? 80,
  };
}
