import { describe, expect, it } from 'vitest';
import {
  routeWeightsOf,
  trafficSplitSpec,
  weightValue,
} from '../../../lib/adapters/routers/smi/traffic-split.js';
import { UnsupportedRoutingError } from '../../../lib/adapters/routers/engine/errors.js';
import { routedCanary } from './fixtures.js';

const w = (primary: number, canary: number) => ({ primary, canary, mirrored: false });

describe('SMI TrafficSplit builder', () => {
  // SMI's traffic-split spec: `spec.service` is the root service clients call, `backends` the
  // weighted leaf services; v1alpha1 weights are quantities ("500m"), later versions integers.
  it('writes v1alpha1 weights as quantities, canary first, as Flagger does', () => {
    expect(trafficSplitSpec(routedCanary(), w(90, 10), 'v1alpha1')).toEqual({
      service: 'podinfo',
      backends: [
        { service: 'podinfo-canary', weight: '10' },
        { service: 'podinfo-primary', weight: '90' },
      ],
    });
  });

  it.each(['v1alpha2', 'v1alpha3', 'v1alpha4'] as const)('writes %s weights as integers', (version) => {
    expect(trafficSplitSpec(routedCanary(), w(70, 30), version).backends).toEqual([
      { service: 'podinfo-canary', weight: 30 },
      { service: 'podinfo-primary', weight: 70 },
    ]);
  });

  it('uses the first host as the root service, and the apex name of service.name', () => {
    expect(
      trafficSplitSpec(routedCanary({ hosts: ['podinfo.test.svc.cluster.local'] }), w(100, 0), 'v1alpha2')
        .service,
    ).toBe('podinfo.test.svc.cluster.local');
    const named = trafficSplitSpec(routedCanary({ name: 'frontend' }), w(100, 0), 'v1alpha2');
    expect(named).toEqual({
      service: 'frontend',
      backends: [
        { service: 'frontend-canary', weight: 0 },
        { service: 'frontend-primary', weight: 100 },
      ],
    });
  });

  it('refuses to mirror', () => {
    expect(() =>
      trafficSplitSpec(routedCanary(), { primary: 100, canary: 0, mirrored: true }, 'v1alpha3'),
    ).toThrow(UnsupportedRoutingError);
  });
});

describe('SMI weights read back', () => {
  it.each([
    { weight: 10, want: 10 },
    { weight: '90', want: 90 },
    { weight: '500m', want: 0.5 },
    { weight: '1k', want: 1000 },
    { weight: '1.5', want: 1.5 },
    { weight: 'lots', want: Number.NaN },
    { weight: undefined, want: Number.NaN },
  ])('$weight is $want', ({ weight, want }) => {
    expect(weightValue(weight)).toEqual(want);
  });

  it.each([
    {
      name: 'our own integers',
      backends: [
        ['podinfo-canary', 25],
        ['podinfo-primary', 75],
      ],
      want: w(75, 25),
    },
    {
      name: 'quantities',
      backends: [
        ['podinfo-canary', '0'],
        ['podinfo-primary', '100'],
      ],
      want: w(100, 0),
    },
    {
      name: 'relative weights (Linkerd docs: 500/500)',
      backends: [
        ['podinfo-canary', 500],
        ['podinfo-primary', 500],
      ],
      want: w(50, 50),
    },
    {
      name: 'milli quantities',
      backends: [
        ['podinfo-canary', '250m'],
        ['podinfo-primary', '750m'],
      ],
      want: w(75, 25),
    },
    {
      name: 'a third backend takes its share',
      backends: [
        ['podinfo-canary', 1],
        ['podinfo-primary', 2],
        ['other', 1],
      ],
      want: w(50, 25),
    },
    { name: 'no canary or primary', backends: [['other', 100]], want: undefined },
    {
      name: 'both zero',
      backends: [
        ['podinfo-canary', 0],
        ['podinfo-primary', 0],
      ],
      want: undefined,
    },
    {
      name: 'an unreadable weight',
      backends: [
        ['podinfo-canary', 'x'],
        ['podinfo-primary', 100],
      ],
      want: undefined,
    },
  ])('$name', ({ backends, want }) => {
    const spec = { service: 'podinfo', backends: backends.map(([service, weight]) => ({ service, weight })) };
    expect(routeWeightsOf(routedCanary(), spec)).toEqual(want);
  });

  it('round-trips what it writes, in every version', () => {
    for (const version of ['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4'] as const) {
      expect(routeWeightsOf(routedCanary(), trafficSplitSpec(routedCanary(), w(60, 40), version))).toEqual(
        w(60, 40),
      );
    }
  });
});
