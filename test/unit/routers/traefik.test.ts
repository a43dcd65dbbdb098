import { describe, expect, it } from 'vitest';
import { routeWeightsOf, traefikServiceSpec } from '../../../lib/adapters/routers/traefik/traefik-service.js';
import { UnsupportedRoutingError } from '../../../lib/adapters/routers/engine/errors.js';
import { specCanary } from './ingress-fixtures.js';

const c = specCanary({ provider: 'traefik' });
const svc = (name: string, weight: number) => ({ name, namespace: 'test', port: 9898, weight });
const w = (x: number) => ({ primary: 100 - x, canary: x, mirrored: false });

describe('Traefik weighted TraefikService builder', () => {
  it('lists only the primary while the canary gets nothing, as Flagger does', () => {
    expect(traefikServiceSpec(c, w(0))).toEqual({ weighted: { services: [svc('podinfo-primary', 100)] } });
    expect(routeWeightsOf(c, traefikServiceSpec(c, w(0)))).toEqual(w(0));
  });

  it('adds the canary with its weight; writes a 0 primary weight explicitly (Traefik reads absent as 1)', () => {
    expect(traefikServiceSpec(c, w(25))).toEqual({
      weighted: { services: [svc('podinfo-primary', 75), svc('podinfo-canary', 25)] },
    });
    expect(traefikServiceSpec(c, w(100)).weighted.services[0]).toEqual(svc('podinfo-primary', 0));
    expect(routeWeightsOf(c, traefikServiceSpec(c, w(100)))).toEqual(w(100));
  });

  it("reads absent weights as Traefik's default 1 and needs the primary entry", () => {
    const spec = { weighted: { services: [{ name: 'podinfo-primary' }, { name: 'podinfo-canary' }] } };
    expect(routeWeightsOf(c, spec)).toEqual({ primary: 1, canary: 1, mirrored: false });
    expect(
      routeWeightsOf(c, { weighted: { services: [{ name: 'podinfo-canary', weight: 5 }] } }),
    ).toBeUndefined();
  });

  it('refuses mirroring', () => {
    expect(() => traefikServiceSpec(c, { ...w(0), mirrored: true })).toThrow(UnsupportedRoutingError);
  });
});
