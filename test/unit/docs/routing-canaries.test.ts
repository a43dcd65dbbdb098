/**
 * Every Canary docs/routing.md shows (a ```yaml block with `kind: Canary`) is accepted as written,
 * without warnings: the minimal Canary of each provider is one a user can apply.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { formatErrors, parseCanary } from '../../../lib/domain/spec/parse.js';

const page = readFileSync(new URL('../../../docs/routing.md', import.meta.url), 'utf8');
const canaries = [...page.matchAll(/```yaml\n([\s\S]*?)```/g)]
  .map((m) => m[1])
  .filter((y) => /^kind: Canary$/m.test(y))
  .map((yaml) => ({ provider: /^ {2}provider: (\S+)/m.exec(yaml)?.[1] ?? '(default)', yaml }));

it('shows a Canary for each ingress controller and Kuma', () => {
  const shown = canaries.map((c) => c.provider);
  for (const p of ['nginx', 'contour', 'gloo', 'traefik', 'apisix', 'kuma']) expect(shown).toContain(p);
});

it.each(canaries)('the $provider Canary is accepted without warnings', ({ yaml }) => {
  const r = parseCanary(yaml);
  if (!r.ok) throw new Error(formatErrors(r.errors));
  expect(r.warnings).toEqual([]);
});
