/**
 * What a TCP route can express (Istio, `service.appProtocol: tcp`, as Flagger routes it). A TCP
 * route splits connections by weight: it cannot match requests (A/B testing), mirror them, or
 * apply HTTP options. Those are errors or warnings at their field, never silently dropped.
 */
import { tcp, type Provider } from './accessors.js';
import type { Canary } from './schema.js';
import type { Findings } from './validate.js';

/** The attributes of an HTTP match that an Istio L4 match also has; the rest cannot apply. */
export const L4_MATCH_KEYS = ['port', 'sourceLabels', 'gateways'] as const;

const HTTP_OPTIONS = ['rewrite', 'timeout', 'retries', 'corsPolicy', 'headers'] as const;

export function checkTcpRouting(c: Canary, p: Provider | undefined, f: Findings): void {
  if (p !== 'istio' || !tcp(c)) return;
  const a = c.spec.analysis;
  const why = 'service.appProtocol is tcp: Istio routes TCP connections, which';
  if ((a?.match?.length ?? 0) > 0 && (a?.iterations ?? 0) > 0) {
    f.errors.push({
      path: ['spec', 'analysis', 'match'],
      message: `${why} carry no requests to match (A/B testing needs HTTP)`,
    });
  }
  if (a?.mirror === true) {
    f.errors.push({ path: ['spec', 'analysis', 'mirror'], message: `${why} cannot be mirrored` });
  }
  for (const key of HTTP_OPTIONS) {
    if (c.spec.service[key] !== undefined) {
      f.warnings.push({ path: ['spec', 'service', key], message: `ignored: ${why} have no HTTP ${key}` });
    }
  }
  c.spec.service.match?.forEach((m, i) => {
    const http = Object.keys(m).filter(
      (k) => k !== 'name' && !(L4_MATCH_KEYS as readonly string[]).includes(k),
    );
    if (http.length > 0) {
      f.warnings.push({
        path: ['spec', 'service', 'match', i],
        message: `ignored: ${http.join(', ')} (a TCP route matches on ${L4_MATCH_KEYS.join(', ')} only)`,
      });
    }
  });
}
