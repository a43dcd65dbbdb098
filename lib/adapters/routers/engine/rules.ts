/**
 * The routers' runtime guard over the domain's routing rules (lib/domain/spec/routing-rules.ts):
 * the same rules validation reports for an explicit `spec.provider`, applied before any write for
 * canaries whose provider is the cluster's default.
 */
import type { Provider } from '../../../domain/spec/accessors.js';
import { formatPath } from '../../../domain/spec/errors.js';
import { ingressRoutingFindings } from '../../../domain/spec/routing-rules.js';
import type { Canary } from '../../../domain/spec/schema.js';
import { UnsupportedRoutingError } from './errors.js';

/** Throws UnsupportedRoutingError naming the first field `provider` cannot route. */
export function assertRoutable(c: Canary, provider: Provider): void {
  const [first] = ingressRoutingFindings(c, provider).errors;
  if (!first) return;
  throw new UnsupportedRoutingError(
    `canary ${c.metadata.namespace}/${c.metadata.name} (provider ${provider}): ${formatPath(first.path)}: ${first.message}`,
  );
}
