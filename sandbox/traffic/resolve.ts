/**
 * From a route's backend to the Deployments that serve it, as kube-proxy / the mesh would: a
 * Service's selector (or a VirtualNode's podSelector) picks the Deployments whose pod-template
 * labels it matches. Only Deployments with ready replicas receive requests. Pure.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../apiserver/index.js';
import type { Backend, World } from './routing.js';

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
}

/** Resolves a backend, or undefined when the Service/VirtualNode does not exist or selects nothing. */
export function resolveBackend(world: World, backend: Backend): Resolution | undefined {
  if (backend.kind === 'service') {
    const svc = world.services.find((s) => s.metadata.name === backend.name);
    const selector = (svc?.spec as { selector?: Record<string, string> } | undefined)?.selector;
    if (!svc || !selector || Object.keys(selector).length === 0) return undefined;
    return { service: backend.name, endpoints: selected(world, selector) };
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

function selected(world: World, selector: Record<string, string>): Endpoint[] {
  return world.deployments
    .filter((d) => {
      const labels = templateOf(d).metadata?.labels ?? {};
      return Object.entries(selector).every(([k, v]) => labels[k] === v);
    })
    .map(endpointOf);
}

interface Template {
  metadata?: { labels?: Record<string, string> };
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
