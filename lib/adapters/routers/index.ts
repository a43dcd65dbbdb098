/**
 * The router factory (STYLE.md habit 2): an exhaustive switch over the Provider union. A provider
 * the union does not know cannot reach here (the spec accessor rejects it), and adding one to the
 * union fails to compile until it is handled below.
 */
import type { Provider } from '../../domain/spec/accessors.js';
import type { Router } from '../../ports/router.js';
import { AlbRouter } from './alb/router.js';
import { ApisixRouter } from './apisix/router.js';
import { AppMeshRouter } from './appmesh/router.js';
import { ContourRouter, type ContourRouterOptions } from './contour/router.js';
import { GlooRouter } from './gloo/router.js';
import { ConsulRouter } from './consul/router.js';
import { GatewayApiRouter, type GatewayApiRouterOptions } from './gatewayapi/router.js';
import { IstioRouter, type IstioRouterOptions } from './istio/router.js';
import type { ClusterClients } from '../kubernetes/client.js';
import { KubernetesRouter, type KubernetesRouterOptions } from './kubernetes/router.js';
import { NginxRouter, type NginxRouterOptions } from './nginx/router.js';
import { TraefikRouter, type TraefikRouterOptions } from './traefik/router.js';
import { KumaRouter } from './kuma/router.js';
import { LinkerdRouter, type LinkerdRouterOptions } from './linkerd/router.js';
import { SmiRouter } from './smi/router.js';

/** What the routers use of one cluster's clients (kubernetes/client.ts `makeClusterClients`). */
export type RouterClients = Pick<ClusterClients, 'custom' | 'core' | 'call'>;

/** Per-provider options, all optional: a cluster record's `routing` (ports/cluster.ts). */
export interface RouterOptions {
  istio?: IstioRouterOptions;
  gatewayapi?: GatewayApiRouterOptions;
  nginx?: NginxRouterOptions;
  contour?: ContourRouterOptions;
  traefik?: TraefikRouterOptions;
  linkerd?: LinkerdRouterOptions;
  selectorLabels?: KubernetesRouterOptions['selectorLabels'];
}

/** The router of `provider` for one cluster. */
export function makeRouter(provider: Provider, clients: RouterClients, options: RouterOptions = {}): Router {
  switch (provider) {
    case 'istio':
      return new IstioRouter(clients, options.istio);
    case 'gatewayapi':
      return new GatewayApiRouter(clients, options.gatewayapi);
    case 'appmesh':
      return new AppMeshRouter(clients);
    case 'kubernetes':
      return new KubernetesRouter(clients, { selectorLabels: options.selectorLabels });
    case 'nginx':
      return new NginxRouter(clients, options.nginx);
    case 'contour':
      return new ContourRouter(clients, options.contour);
    case 'gloo':
      return new GlooRouter(clients);
    case 'traefik':
      return new TraefikRouter(clients, options.traefik);
    case 'apisix':
      return new ApisixRouter(clients);
    case 'linkerd':
      return new LinkerdRouter(clients, options.linkerd);
    case 'smi':
      return new SmiRouter(clients);
    case 'consul':
      return new ConsulRouter(clients);
    case 'kuma':
      return new KumaRouter(clients);
    case 'alb':
      return new AlbRouter(clients);
    default: {
      const unknown: never = provider;
      throw new Error(`unsupported provider "${String(unknown)}"`);
    }
  }
}
