/** The sweep's comparison rule: what an idle canary saw against what the cluster lists now. */
import { describe, expect, it } from 'vitest';
import { changes, type Listing } from '../../../lib/domain/sweep/compare.js';
import { ABSENT, PRESENT, type Stamps } from '../../../lib/domain/sweep/seen.js';

const target = 'apps/v1/deployments/test/podinfo';
const primary = 'apps/v1/deployments/test/podinfo-primary';
const config = 'v1/configmaps/test/podinfo-env';
const route = 'networking.istio.io/v1beta1/virtualservices/test/podinfo';
const trafficRoute = 'kuma.io/v1alpha1/trafficroutes//podinfo';

function listing(live: Record<string, string>, failed: string[] = []): Listing {
  return { stamps: new Map(Object.entries(live)), failed: new Map(failed.map((f) => [f, 'HTTP 403'])) };
}

describe('changes(seen, listing)', () => {
  it.each<{ name: string; seen: Stamps; live: Record<string, string>; failed?: string[]; want: string[] }>([
    {
      name: 'nothing changed',
      seen: { [target]: 'g3', [config]: 'r10' },
      live: { [target]: 'g3', [config]: 'r10' },
      want: [],
    },
    {
      name: 'a new generation of the target',
      seen: { [target]: 'g3' },
      live: { [target]: 'g4' },
      want: [`${target}: g3 → g4`],
    },
    {
      name: 'a new resourceVersion of a ConfigMap',
      seen: { [config]: 'r10' },
      live: { [config]: 'r11' },
      want: [`${config}: r10 → r11`],
    },
    { name: 'a deleted routing object', seen: { [route]: 'g2' }, live: {}, want: [`${route}: g2 → -`] },
    {
      name: 'an object that appeared where none was',
      seen: { [config]: ABSENT },
      live: { [config]: 'r5' },
      want: [`${config}: - → r5`],
    },
    { name: 'an object still absent', seen: { [config]: ABSENT }, live: {}, want: [] },
    {
      name: 'a presence-watched object at any version',
      seen: { [primary]: PRESENT },
      live: { [primary]: 'g9' },
      want: [],
    },
    {
      name: 'a presence-watched object deleted',
      seen: { [primary]: PRESENT },
      live: {},
      want: [`${primary}: * → -`],
    },
    {
      name: 'objects of a collection that could not be listed',
      seen: { [target]: 'g3', [config]: 'r10' },
      live: { [config]: 'r10' },
      failed: ['apps/v1|deployments|test'],
      want: [`${target}: g3 → unknown`],
    },
    {
      name: 'a cluster-scoped object',
      seen: { [trafficRoute]: 'g1' },
      live: { [trafficRoute]: 'g2' },
      want: [`${trafficRoute}: g1 → g2`],
    },
    {
      name: 'several changes, in reference order',
      seen: { [target]: 'g3', [route]: 'g2', [config]: 'r10' },
      live: { [target]: 'g4', [config]: 'r11' },
      want: [`${target}: g3 → g4`, `${route}: g2 → -`, `${config}: r10 → r11`],
    },
  ])('$name', ({ seen, live, failed, want }) => {
    expect(changes(seen, listing(live, failed)).map((c) => `${c.ref}: ${c.was} → ${c.now}`)).toEqual(want);
  });
});
