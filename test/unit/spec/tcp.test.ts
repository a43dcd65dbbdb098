/** `service.appProtocol: tcp` with Istio: what a TCP route cannot express is refused or reported. */
import { describe, expect, it } from 'vitest';
import { tcp } from '../../../lib/domain/spec/accessors.js';
import { formatErrors, parseCanary } from '../../../lib/domain/spec/parse.js';
import { aManifest } from './builders.js';
import { errorsFor, noSteps, warningsFor } from './tables.js';

const onTcp = { 'spec.provider': 'istio', 'spec.service.appProtocol': 'tcp' };

describe('TCP services', () => {
  it.each([
    ['tcp', true],
    ['TCP', true],
    ['http', false],
    [undefined, false],
  ])('appProtocol %s routes TCP: %s', (appProtocol, want) => {
    const r = parseCanary(aManifest({ 'spec.service.appProtocol': appProtocol }));
    if (!r.ok) throw new Error(formatErrors(r.errors));
    expect(tcp(r.canary)).toBe(want);
  });

  it.each([
    {
      name: 'A/B testing',
      edits: {
        ...noSteps,
        'spec.analysis.iterations': 5,
        'spec.analysis.match': [{ headers: { x: { exact: 'y' } } }],
      },
      path: 'spec.analysis.match',
      message: /carry no requests to match \(A\/B testing needs HTTP\)$/,
    },
    {
      name: 'mirroring',
      edits: { 'spec.analysis.mirror': true },
      path: 'spec.analysis.mirror',
      message: /cannot be mirrored$/,
    },
  ])('refuses $name at $path', ({ edits, path, message }) => {
    const errs = errorsFor({ ...onTcp, ...edits });
    const found = errs.find((e) => e.path === path);
    expect(found, formatErrors(errs)).toBeDefined();
    expect(found?.message).toMatch(message);
  });

  it('reports HTTP options and HTTP match fields a TCP route ignores', () => {
    expect(
      warningsFor({
        ...onTcp,
        'spec.service.timeout': '5s',
        'spec.service.match': [{ port: 5432 }, { uri: { prefix: '/' }, sourceLabels: { app: 'a' } }],
      }),
    ).toEqual([
      'spec.service.timeout: ignored: service.appProtocol is tcp: Istio routes TCP connections, which have no HTTP timeout',
      'spec.service.match[1]: ignored: uri (a TCP route matches on port, sourceLabels, gateways only)',
    ]);
  });

  it('has no TCP rules for other providers', () => {
    expect(warningsFor({ 'spec.provider': 'linkerd', 'spec.service.appProtocol': 'tcp' })).toEqual([]);
  });
});
