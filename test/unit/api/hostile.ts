/**
 * fast-check arbitraries for hostile API requests: every route's path with valid or hostile
 * segments, hostile query values, and bodies that are deep, huge, aliased, numerically absurd,
 * or a valid manifest with one field replaced by something hostile.
 */
import fc from 'fast-check';
import type { RawRequest } from './harness.js';

/** Every route of functions/api/routes.ts, with its method. */
const routes: [string, string][] = [
  ['GET', '/openapi.json'],
  ['GET', '/clusters'],
  ['POST', '/clusters'],
  ['GET', '/clusters/{cluster}'],
  ['DELETE', '/clusters/{cluster}'],
  ['GET', '/canaries'],
  ['POST', '/canaries'],
  ['GET', '/canaries/{cluster}/{namespace}/{name}'],
  ['DELETE', '/canaries/{cluster}/{namespace}/{name}'],
  ['GET', '/canaries/{cluster}/{namespace}/{name}/history'],
  ['POST', '/canaries/{cluster}/{namespace}/{name}/actions/{action}'],
  ['GET', '/templates'],
  ['GET', '/templates/{namespace}/{name}'],
  ['PUT', '/templates/{namespace}/{name}'],
  ['DELETE', '/templates/{namespace}/{name}'],
  ['GET', '/alert-providers'],
  ['GET', '/alert-providers/{namespace}/{name}'],
  ['PUT', '/alert-providers/{namespace}/{name}'],
  ['DELETE', '/alert-providers/{namespace}/{name}'],
];

const hostileString = fc.oneof(
  fc.constantFrom(
    '',
    '..',
    '../../etc',
    'a/b',
    '%2F',
    '%00',
    'A_B',
    '-a',
    'a-',
    'ä',
    '\u0000',
    ' ',
    '*',
    '\\',
  ),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.integer({ min: 60, max: 4000 }).map((n) => 'a'.repeat(n)),
);

/** A path segment: mostly names that exist or could, sometimes hostile. */
const segment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('c', 'test', 'podinfo', 'promote', 'approve', 'abort', 'x.y') },
  { weight: 2, arbitrary: hostileString.map((s) => encodeURIComponent(s).replace(/%2F/gi, '/')) },
);

const hostileNumber = fc.oneof(
  fc.constantFrom(2 ** 53, -(2 ** 53), 1e308, -1e308, 1e-200, 5e-324, 0.5, -5, 2 ** 31, 65536),
  fc.double(),
  fc.integer(),
);

const queryValue = fc.oneof(
  fc.constantFrom('-5', '0.5', '0', '1e400', '99999999999999999999', 'NaN', '', '10', 'confirm-rollout'),
  hostileNumber.map(String),
  hostileString,
);

function nested(depth: number, list: boolean, leaf: string): string {
  return list
    ? `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
}

const aliasBomb = fc.integer({ min: 2, max: 6 }).map((levels) => {
  const lines = ['l0: &l0 [x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < levels; i++)
    lines.push(
      `l${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  return lines.join('\n');
});

/** A copy of `doc` with the value at one randomly chosen place replaced. */
function mutate(doc: unknown, pick: number, value: unknown): unknown {
  const copy = structuredClone(doc) as Record<string, unknown>;
  const slots: [Record<string, unknown> | unknown[], string | number][] = [];
  const stack: unknown[] = [copy];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        slots.push([v as Record<string, unknown>, Array.isArray(v) ? Number(k) : k]);
        stack.push(x);
      }
    }
  }
  const [parent, key] = slots[pick % slots.length];
  (parent as Record<string | number, unknown>)[key] = value;
  return copy;
}

const hostileValue = fc.oneof(
  hostileNumber,
  hostileString,
  fc.jsonValue({ maxDepth: 4 }),
  fc.integer({ min: 25, max: 80 }).map((d) => JSON.parse(nested(d, false, '1')) as unknown),
  fc.constant(null),
);

function body(manifest: unknown): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    fc.constant(undefined),
    fc.string({ maxLength: 200 }),
    fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v)),
    fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.boolean()).map(([d, l]) => nested(d, l, '1')),
    fc.integer({ min: 1, max: 300_000 }).map((n) => '['.repeat(n)),
    fc.integer({ min: 1, max: 5000 }).map((n) => `${'- '.repeat(n)}x`),
    fc.integer({ min: 200_000, max: 1_200_000 }).map((n) => 'a'.repeat(n)),
    aliasBomb,
    fc.constantFrom(
      'x: *nowhere',
      'a: &a [*a]',
      '--- a\n--- b\n',
      '!!binary aGVsbG8=',
      '? [a]\n: b',
      '{a: 1, a: 2}',
    ),
    fc.tuple(fc.nat(), hostileValue).map(([pick, value]) => JSON.stringify(mutate(manifest, pick, value))),
  );
}

/** One request: a route (or a junk path), a method, query parameters and a body. */
export function hostileRequest(manifest: unknown): fc.Arbitrary<RawRequest> {
  const routed = fc
    .tuple(fc.constantFrom(...routes), fc.array(segment, { minLength: 5, maxLength: 5 }))
    .map(([[method, r], segs]) => {
      let i = 0;
      return { method, path: r.replace(/\{[a-z]+\}/g, () => segs[i++]) };
    });
  const stray = fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD'),
    path: fc.oneof(
      fc.constantFrom(...routes.map(([, r]) => r.replace(/\{[a-z]+\}/g, 'x'))),
      hostileString.map((s) => `/${s}`),
    ),
  });
  const query = fc.dictionary(
    fc.constantFrom('cluster', 'namespace', 'limit', 'before', 'gate', 'x'),
    queryValue,
    { maxKeys: 3 },
  );
  return fc
    .record({
      target: fc.oneof({ weight: 6, arbitrary: routed }, { weight: 1, arbitrary: stray }),
      query,
      body: body(manifest),
      base64: fc.boolean(),
    })
    .map(({ target, query: q, body: b, base64 }) => ({
      ...target,
      query: q,
      body: base64 && b !== undefined ? Buffer.from(b).toString('base64') : b,
      base64: base64 && b !== undefined,
    }));
}
