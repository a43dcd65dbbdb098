/**
 * Builders for Canary manifests in tests: `aManifest({ 'spec.analysis.stepWeight': 20 })` returns a
 * valid v1beta1 manifest (plain data, as decoded from YAML) with the given fields set; `undefined`
 * deletes a field. `aCanary` parses it and fails the test if it is invalid.
 */
import { readFileSync } from 'node:fs';
import { parseCanary, formatErrors } from '../../../lib/domain/spec/parse.js';
import type { Canary } from '../../../lib/domain/spec/schema.js';

export type Edits = Record<string, unknown>;

const base = {
  apiVersion: 'flagger.app/v1beta1',
  kind: 'Canary',
  metadata: { name: 'podinfo', namespace: 'test' },
  spec: {
    targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
    service: { port: 9898 },
    analysis: {
      interval: '1m',
      threshold: 5,
      maxWeight: 50,
      stepWeight: 10,
      metrics: [{ name: 'request-success-rate', thresholdRange: { min: 99 }, interval: '1m' }],
      webhooks: [
        { name: 'load-test', url: 'http://flagger-loadtester.test/', metadata: { cmd: 'hey -z 1m' } },
      ],
    },
  },
};

function segments(path: string): (string | number)[] {
  return path.split(/\.|(?=\[)/).map((s) => (s.startsWith('[') ? Number(s.slice(1, -1)) : s));
}

/** Sets (or with `undefined`, deletes) each dotted path of `edits` in a copy of `doc`. */
export function edit<T>(doc: T, edits: Edits): T {
  const out = structuredClone(doc);
  for (const [path, value] of Object.entries(edits)) {
    const segs = segments(path);
    let cur = out as Record<string | number, unknown>;
    for (const [i, seg] of segs.slice(0, -1).entries()) {
      if (cur[seg] === undefined) cur[seg] = typeof segs[i + 1] === 'number' ? [] : {};
      cur = cur[seg] as Record<string | number, unknown>;
    }
    const last = segs[segs.length - 1];
    if (value === undefined) delete cur[last];
    else cur[last] = value;
  }
  return out;
}

export function aManifest(edits: Edits = {}): Record<string, unknown> {
  return edit(base, edits);
}

/** A parsed Canary; throws with the formatted errors when the manifest is invalid. */
export function aCanary(edits: Edits = {}): Canary {
  const r = parseCanary(aManifest(edits));
  if (!r.ok) throw new Error(`invalid test canary:\n${formatErrors(r.errors)}`);
  return r.canary;
}

export function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8');
}
